// table:FILE[:COLUMN]: a tabular benchmark lookup (NB201 cells; an isomorphic cell's row when the cell's own
// is missing). One fidelity (the table's protocol); costs no training. A table without some cells restricts
// the search's pool to the cells it can answer (one per isomorphism class), so that no trial is spent on a
// lookup that must fail; a complete table leaves the pool to the space.
#include "basics/error.h"
#include "datasets/tables/tabular_benchmark.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

class TableObjective final : public Objective {
 public:
  TableObjective(const std::string& path, const std::string& column, const SearchSpace& space)
      : table_(TabularBenchmark::read(path, column)) {
    std::vector<Arch> answerable;
    size_t classes = 0;
    for (const Arch& config : dedupe_by_iso_key(space, space.enumerate())) {
      ++classes;
      const Nb201Cell cell = Nb201Space::to_cell(config);
      if (table_.lookup_isomorphic(cell.to_string(), cell.iso_key())) answerable.push_back(config);
    }
    if (answerable.size() < classes) candidates_ = std::move(answerable);
  }
  std::vector<Arch> candidates() const override { return candidates_; }
  bool is_lookup() const override { return true; }
  TrialResult evaluate(const TrialRequest& request) override {
    const Nb201Cell cell = Nb201Space::to_cell(request.config);
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
  std::vector<Arch> candidates_;  // empty: the table answers every cell
};

}  // namespace

std::unique_ptr<Objective> make_table_objective(const std::string& path, const std::string& column,
                                                const SearchSpace& space) {
  if (space.name() != "nb201")
    throw Error("table:" + path + ": a tabular benchmark of NB201 cells cannot evaluate the " + space.name() +
                " space");
  return std::make_unique<TableObjective>(path, column, space);
}

}  // namespace tnas
