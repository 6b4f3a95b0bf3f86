// table:FILE[:COLUMN]: a tabular benchmark lookup (NB201 cells; an isomorphic cell's row when the cell's own
// is missing). One fidelity (the table's protocol); costs no training.
#include "datasets/tabular_benchmark.h"
#include "basics/error.h"
#include "graphs/nb201_space.h"
#include "meta_test/objective.h"

namespace tnas {
namespace {

class TableObjective final : public Objective {
 public:
  TableObjective(const std::string& path, const std::string& column) : table_(TabularBenchmark::read(path, column)) {}
  TrialResult evaluate(const TrialRequest& request) override {
    const Nb201Cell cell = Nb201Space::to_cell(request.config);
    if (!request.fidelity.is_default())
      return TrialResult::failure(table_.path() + " holds one fidelity (its own protocol), not " + request.fidelity.describe());
    const auto v = table_.lookup_isomorphic(cell.to_string(), cell.iso_key());
    if (!v) return TrialResult::failure(table_.path() + " has no entry for " + cell.to_string() + " (nor an isomorphic cell)");
    TrialResult r;
    r.ok = true;
    r.metrics["accuracy"] = *v;
    return r;
  }
  nlohmann::json describe() const override {
    return {{"kind", "table"}, {"path", table_.path()}, {"column", table_.column()}, {"rows", table_.size()},
            {"max", table_.max_value()}, {"best_arch", table_.best_arch()}};
  }

 private:
  TabularBenchmark table_;
};

}  // namespace

std::unique_ptr<Objective> make_table_objective(const std::string& path, const std::string& column, const SearchSpace& space) {
  if (space.name() != "nb201") throw Error("table:" + path + ": a tabular benchmark of NB201 cells cannot evaluate the " + space.name() + " space");
  return std::make_unique<TableObjective>(path, column);
}

}  // namespace tnas
