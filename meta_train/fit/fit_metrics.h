#pragma once
// What `meta_train fit` measures on its held-out data each epoch: rank agreement of the surrogate's
// predictions with the true accuracies, pooled and per meta-data source.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tnas {

struct RankMetrics {
  double spearman = 0, pearson = 0, kendall = 0;  // pooled over all pairs
  double within = 0;  // mean over tasks with >= 3 pairs of the within-task Spearman (0 when none)
  int pairs = 0;
};

// Zeros when fewer than 3 pairs (nothing to rank).
RankMetrics rank_metrics(const std::vector<double>& predicted, const std::vector<double>& truth,
                         const std::vector<int>& task);

struct SourceMetrics {
  RankMetrics pairs;  // held-out pairs of training subtasks
  RankMetrics tasks;  // held-out subtasks
};

struct FitMetrics {
  int epoch = 0;
  double loss = 0, learning_rate = 0, seconds = 0;
  double pair_spearman = 0, pair_pearson = 0, pair_kendall = 0;  // held-out pairs, pooled
  double task_spearman = 0, task_pearson = 0, task_kendall = 0;  // held-out subtasks, pooled
  double task_spearman_within = 0;  // held-out subtasks: mean over subtasks of the within-subtask Spearman
  std::map<std::string, SourceMetrics> sources;  // per source, when the meta-dataset has more than one
  // What the best epoch is chosen by: the held-out-subtask Spearman, pooled with one source; with several,
  // the mean over sources of each one's (pooled over sources it would reward learning their label offsets).
  double selection = 0;
};

// What the best epoch is chosen by (FitMetrics::selection), on the held-out subtasks: the Spearman pooled
// over their pairs, or the mean over subtasks of the within-subtask Spearman (what a search on one target
// needs: the order of cells on that dataset, not the offsets between datasets).
enum class FitSelection { kPooled, kWithinSubtask };
const char* fit_selection_name(FitSelection selection);
// Throws tnas::Error naming the choices.
FitSelection parse_fit_selection(const std::string& name);

// The history / manifest record of one epoch.
nlohmann::json to_json(const FitMetrics& metrics);

}  // namespace tnas
