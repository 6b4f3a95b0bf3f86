#include "meta_train/fit/fit_metrics.h"

#include "basics/error.h"

#include "basics/rank_correlation.h"

namespace tnas {

RankMetrics rank_metrics(const std::vector<double>& predicted, const std::vector<double>& truth,
                         const std::vector<int>& task) {
  RankMetrics m;
  if (predicted.size() < 3) return m;
  m.pairs = static_cast<int>(predicted.size());
  m.spearman = spearman(predicted, truth);
  m.pearson = pearson(predicted, truth);
  m.kendall = kendall_tau_b(predicted, truth);
  std::map<int, std::pair<std::vector<double>, std::vector<double>>> by_task;
  for (size_t i = 0; i < predicted.size(); ++i) {
    by_task[task[i]].first.push_back(predicted[i]);
    by_task[task[i]].second.push_back(truth[i]);
  }
  double total = 0;
  int counted = 0;
  for (const auto& [t, pt] : by_task)
    if (pt.first.size() >= 3) total += spearman(pt.first, pt.second), ++counted;
  m.within = counted ? total / counted : 0;
  return m;
}

nlohmann::json to_json(const FitMetrics& metrics) {
  nlohmann::json j = {{"epoch", metrics.epoch},
                      {"loss", metrics.loss},
                      {"lr", metrics.learning_rate},
                      {"pair_spearman", metrics.pair_spearman},
                      {"task_spearman", metrics.task_spearman},
                      {"task_spearman_within", metrics.task_spearman_within},
                      {"task_pearson", metrics.task_pearson},
                      {"task_kendall", metrics.task_kendall}};
  if (!metrics.sources.empty()) j["selection"] = metrics.selection;
  for (const auto& [name, s] : metrics.sources)
    j["sources"][name] = {{"pair_spearman", s.pairs.spearman},
                          {"heldout_pairs", s.pairs.pairs},
                          {"task_spearman", s.tasks.spearman},
                          {"task_spearman_within", s.tasks.within},
                          {"heldout_task_pairs", s.tasks.pairs}};
  return j;
}

const char* fit_selection_name(FitSelection selection) {
  return selection == FitSelection::kPooled ? "pooled" : "within";
}

FitSelection parse_fit_selection(const std::string& name) {
  if (name == "pooled") return FitSelection::kPooled;
  if (name == "within") return FitSelection::kWithinSubtask;
  throw Error("--select-by must be pooled or within, got '" + name + "'");
}

}  // namespace tnas
