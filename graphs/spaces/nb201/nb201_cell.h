#pragma once
// The NAS-Bench-201 cell: 4 nodes, 6 edges (1<-0) (2<-0) (2<-1) (3<-0) (3<-1) (3<-2), one of 5 ops each.
// String form: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|  (group i lists the inputs of node i; op~j is edge j->i).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tnas {

// Op ids in NAS-Bench-201's own order.
enum class Nb201Op : uint8_t { kNone = 0, kSkipConnect = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool3x3 = 4 };

constexpr int kNb201NumOps = 5;
constexpr int kNb201NumEdges = 6;
constexpr int kNb201NumNodes = 4;
constexpr int64_t kNb201NumCells = 15625;  // 5^6

// Edge k of the cell: (source node, target node), in string order.
constexpr std::array<std::pair<int, int>, kNb201NumEdges> kNb201Edges = {
    {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}};

const char* nb201_op_name(Nb201Op op);
// Throws tnas::Error naming `name` when it is not one of the 5 op names.
Nb201Op nb201_op_from_name(std::string_view name);

class Nb201Cell {
 public:
  Nb201Cell() = default;  // all edges `none`
  explicit Nb201Cell(const std::array<Nb201Op, kNb201NumEdges>& ops) : ops_(ops) {}

  // Strict parse of the string form. Throws tnas::Error that names the bad token and what was expected.
  static Nb201Cell parse(std::string_view text);
  // Dense id in 0..15624: base-5 digits, edge 0 most significant. (A table's official index is not this.)
  static Nb201Cell from_id(int64_t id);

  std::string to_string() const;
  int64_t id() const;
  // NAS-Bench-201's isomorphism key (to_unique_str with consider_zero=True); equal for isomorphic cells.
  std::string iso_key() const;

  Nb201Op op(int edge) const { return ops_[edge]; }
  void set_op(int edge, Nb201Op op) { ops_[edge] = op; }
  const std::array<Nb201Op, kNb201NumEdges>& ops() const { return ops_; }

  bool operator==(const Nb201Cell& cell) const { return ops_ == cell.ops_; }
  bool operator!=(const Nb201Cell& cell) const { return ops_ != cell.ops_; }

 private:
  std::array<Nb201Op, kNb201NumEdges> ops_{};
};

}  // namespace tnas
