// table:FILE[:COLUMN]: a tabular benchmark lookup (NB201 cells; an isomorphic cell's row when the cell's own
// is missing). The NB201 space's cells, or a grammar's architectures that are NB201 cells written as
// Cell(op, op, op, op, op, op) (the shipped nb201_cell grammar), so that a grammar method is measured on the
// same table as the cell methods. One fidelity (the table's protocol); costs no training. A table without
// some cells restricts the search's pool to the cells it can answer (one per isomorphism class), so that no
// trial is spent on a lookup that must fail; a complete table leaves the pool to the space.
#include <optional>
#include <sstream>

#include "basics/error.h"
#include "basics/rng.h"
#include "datasets/tables/tabular_benchmark.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

// The NB201 cell a configuration is: the NB201 space's own, or a grammar architecture whose text is
// `Cell(op, op, op, op, op, op)` with NB201's operation names in the cell's edge order; nullopt for another.
std::optional<Nb201Cell> nb201_cell_of(const SearchSpace& space, const Arch& config) {
  if (space.name() == "nb201") return Nb201Space::to_cell(config);
  const std::string text = space.format(config);
  const std::string prefix = "Cell(";
  if (text.compare(0, prefix.size(), prefix) != 0 || text.back() != ')') return std::nullopt;
  std::istringstream operations(text.substr(prefix.size(), text.size() - prefix.size() - 1));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  std::string name;
  int edge = 0;
  while (std::getline(operations >> std::ws, name, ',')) {
    if (edge == kNb201NumEdges) return std::nullopt;
    try {
      ops[static_cast<size_t>(edge++)] = nb201_op_from_name(name);
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  if (edge != kNb201NumEdges) return std::nullopt;
  return Nb201Cell(ops);
}

Nb201Cell table_cell(const SearchSpace& space, const Arch& config) {
  const std::optional<Nb201Cell> cell = nb201_cell_of(space, config);
  if (!cell)
    throw Error("a tabular benchmark of NB201 cells cannot evaluate " + space.format(config) + " of the " +
                space.name() + " space");
  return *cell;
}

class TableObjective final : public Objective {
 public:
  TableObjective(const std::string& path, const std::string& column, const SearchSpace& space)
      : table_(TabularBenchmark::read(path, column)), space_(space) {
    std::vector<Arch> answerable;
    size_t classes = 0;
    for (const Arch& config : dedupe_by_iso_key(space, space.enumerate())) {
      ++classes;
      const Nb201Cell cell = table_cell(space, config);
      if (table_.lookup_isomorphic(cell.to_string(), cell.iso_key())) answerable.push_back(config);
    }
    if (answerable.size() < classes) candidates_ = std::move(answerable);
  }
  std::vector<Arch> candidates() const override { return candidates_; }
  bool is_lookup() const override { return true; }
  TrialResult evaluate(const TrialRequest& request) override {
    const Nb201Cell cell = table_cell(space_, request.config);
    if (!request.fidelity.is_default())
      return TrialResult::failure(table_.path() + " holds one fidelity (its own protocol), not " +
                                  request.fidelity.describe());
    const auto v = table_.lookup_isomorphic(cell.to_string(), cell.iso_key());
    if (!v)
      return TrialResult::failure(table_.path() + " has no entry for " + cell.to_string() +
                                  " (nor an isomorphic cell)");
    TrialResult r;
    r.ok = true;
    r.metrics["accuracy"] = *v;
    return r;
  }
  std::optional<std::vector<std::string>> reported_metrics() const override {
    return std::vector<std::string>{"accuracy"};
  }
  nlohmann::json describe() const override {
    return {{"kind", "table"},       {"path", table_.path()},     {"column", table_.column()},
            {"rows", table_.size()}, {"max", table_.max_value()}, {"best_arch", table_.best_arch()}};
  }

 private:
  TabularBenchmark table_;
  const SearchSpace& space_;
  std::vector<Arch> candidates_;  // empty: the table answers every cell
};

}  // namespace

std::unique_ptr<Objective> make_table_objective(const std::string& path, const std::string& column,
                                                const SearchSpace& space) {
  // A space's first enumerated or drawn architecture tells whether it is one of NB201 cells: a grammar of
  // cells is small enough to enumerate, a space of anything else is refused before its enumeration.
  Rng rng(0);
  if (!nb201_cell_of(space, space.sample(rng)))
    throw Error("table:" + path + ": a tabular benchmark of NB201 cells cannot evaluate the " + space.name() +
                " space (its architectures are not NB201 cells)");
  return std::make_unique<TableObjective>(path, column, space);
}

}  // namespace tnas
