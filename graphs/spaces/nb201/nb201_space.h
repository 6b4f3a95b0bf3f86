#pragma once
// The NAS-Bench-201 cell space (15,625 cells, 6,466 isomorphism classes) as a SearchSpace.
#include "graphs/op_graph/op_graph.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/search_space.h"

namespace tnas {

class Nb201Space final : public SearchSpace {
 public:
  std::string name() const override { return "nb201"; }
  int64_t size() const override { return kNb201NumCells; }
  std::vector<int> choice_counts() const override { return std::vector<int>(kNb201NumEdges, kNb201NumOps); }
  // The edges as "1<-0", "2<-0", ... (string order), the ops by their NB201 names.
  std::vector<ChoiceInfo> choice_infos() const override;
  Arch sample(Rng& rng) const override;
  std::vector<Arch> enumerate() const override;
  std::vector<Arch> neighbours(const Arch& arch) const override;  // 6 edges x 4 other ops = 24
  OpGraph to_graph(const Arch& arch) const override;
  int graph_node_types() const override { return kNodeTypeFirstOp + kNb201NumOps; }  // 7
  int graph_max_nodes() const override { return kNb201NumEdges + 2; }                // 8: an op-node per edge
  Arch parse(std::string_view text) const override;
  std::string format(const Arch& arch) const override;
  std::string iso_key(const Arch& arch) const override;
  int64_t id(const Arch& arch) const override;
  ArchCost cost(const Arch& arch) const override;  // the C=16, N=5 network

  static Nb201Cell to_cell(const Arch& arch);  // throws when arch is not a valid NB201 choice vector
  static Arch from_cell(const Nb201Cell& cell);
};

}  // namespace tnas
