// table-curves:FILE: the multi-fidelity oracle. A trial at e epochs gets the configuration's recorded
// validation accuracy after epoch e (test accuracy beside it) and is charged the recorded training seconds of
// the epochs it adds: previous_epochs + 1 .. e for a promotion that continues its run, 1 .. e otherwise. Only
// the table's configurations can be evaluated (they are the search's pool).
#include "basics/error.h"
#include "datasets/tables/learning_curve_table.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

class CurveTableObjective final : public Objective {
 public:
  CurveTableObjective(const std::string& path, const SearchSpace& space)
      : table_(LearningCurveTable::read(path, [&](const std::string& text) { space.parse(text); })),
        space_(space) {
    for (const auto& text : table_.archs()) {
      const Arch a = space.parse(text);                               // checked while reading
      if (!by_key_.emplace(space.iso_key(a), text).second) continue;  // an isomorphic copy: the first stands
      configs_.push_back(a);
    }
  }
  TrialResult evaluate(const TrialRequest& request) override {
    Fidelity other = request.fidelity;
    other.epochs = 0;
    if (!other.is_default())
      return TrialResult::failure(table_.path() + " varies only the epochs, not " + other.describe());
    const int e = request.fidelity.epochs > 0 ? request.fidelity.epochs : table_.epochs();
    if (e > table_.epochs())
      return TrialResult::failure(table_.path() + " records " + std::to_string(table_.epochs()) +
                                  " epochs, not " + std::to_string(e));
    const auto it = by_key_.find(space_.iso_key(request.config));
    if (it == by_key_.end())
      return TrialResult::failure(table_.path() + " has no curve for " + space_.format(request.config));
    const std::vector<CurvePoint>& curve = *table_.curve(it->second);
    const int from = request.previous_epochs > 0 && request.previous_epochs < e ? request.previous_epochs : 0;
    TrialResult r;
    r.ok = true;
    r.metrics = {{"accuracy", curve[e - 1].valid_acc}, {"test_accuracy", curve[e - 1].test_acc}};
    for (int k = from; k < e; ++k) r.cost.seconds += curve[k].seconds;
    r.cost.epochs = e - from;
    r.details = {{"epochs", e}, {"continued_from_epoch", from}, {"test_acc", curve[e - 1].test_acc}};
    return r;
  }
  nlohmann::json describe() const override {
    return {{"kind", "table-curves"},
            {"path", table_.path()},
            {"configurations", configs_.size()},
            {"epochs", table_.epochs()}};
  }
  bool reports_epochs() const override { return true; }
  bool is_lookup() const override { return true; }
  std::vector<Arch> candidates() const override { return configs_; }
  int max_epochs() const override { return table_.epochs(); }
  std::optional<std::vector<std::string>> reported_metrics() const override {
    return std::vector<std::string>{"accuracy", "test_accuracy"};
  }

 private:
  LearningCurveTable table_;
  const SearchSpace& space_;
  std::unordered_map<std::string, std::string> by_key_;  // iso key -> the table's configuration text
  std::vector<Arch> configs_;
};

}  // namespace

std::unique_ptr<Objective> make_curve_table_objective(const std::string& path, const SearchSpace& space) {
  return std::make_unique<CurveTableObjective>(path, space);
}

}  // namespace tnas
