#include "meta_train/fit/fit_split.h"

#include <algorithm>
#include <cmath>

#include "basics/error.h"
#include "basics/rng.h"

namespace tnas {

template <>
const EnumNames<FitLabel>& enum_names<FitLabel>() {
  static const EnumNames<FitLabel> names = {{FitLabel::kValid, "valid"},
                                            {FitLabel::kMeanOfValidAndTest, "mean-of-valid-and-test"}};
  return names;
}

namespace {

double label_of(const MetaResult& r, size_t index, FitLabel label) {
  if (label == FitLabel::kValid) return r.valid_acc;
  if (r.test_acc < 0)
    throw Error("result " + std::to_string(index) + " has no test accuracy: --label " + enum_name(label) +
                " needs one for every result (use --label valid for this meta-data)");
  return (r.valid_acc + r.test_acc) / 2;
}

}  // namespace

FitSplit split_meta_dataset(const MetaDataset& md, const std::vector<bool>& embeddable,
                            double heldout_task_fraction, double heldout_pair_fraction, uint64_t seed,
                            FitLabel label) {
  enum Kind { kTrain, kHeldoutPair, kHeldoutTask, kLeftOut };
  Rng rng(seed + 1);
  std::vector<bool> heldout_task(md.tasks.size(), false);
  for (auto&& h : heldout_task) h = rng.uniform01() < heldout_task_fraction;
  // A source that flags its own held-out pairs (MetaD2A's 400-row split) keeps them; the others draw coins.
  std::vector<bool> source_flags(md.sources.size(), false);
  for (const MetaResult& r : md.results)
    if (r.heldout) source_flags[md.tasks[r.task].source] = true;
  FitSplit split;
  split.heldout_task_count = static_cast<int>(std::count(heldout_task.begin(), heldout_task.end(), true));
  std::vector<Kind> kind(md.results.size());
  std::vector<double> accuracy(md.results.size());
  for (size_t i = 0; i < md.results.size(); ++i) accuracy[i] = label_of(md.results[i], i, label);
  double sum = 0, sum2 = 0;
  size_t n_train = 0;
  for (size_t i = 0; i < md.results.size(); ++i) {
    const MetaResult& r = md.results[i];
    if (!embeddable.at(r.task)) {
      kind[i] = kLeftOut;
      ++split.left_out;
      continue;
    }
    if (heldout_task[r.task])
      kind[i] = kHeldoutTask;  // no coin drawn: the draws of the other pairs stay as they were
    else
      kind[i] =
          (source_flags[md.tasks[r.task].source] ? r.heldout != 0 : rng.uniform01() < heldout_pair_fraction)
              ? kHeldoutPair
              : kTrain;
    if (kind[i] == kTrain) sum += accuracy[i], sum2 += accuracy[i] * accuracy[i], ++n_train;
  }
  if (n_train < 10) throw Error("too few training pairs after the split (" + std::to_string(n_train) + ")");
  split.label_mean = sum / n_train;
  split.label_std = std::sqrt(std::max(1e-12, sum2 / n_train - split.label_mean * split.label_mean));
  for (size_t i = 0; i < md.results.size(); ++i) {
    const MetaResult& r = md.results[i];
    if (kind[i] == kLeftOut) continue;
    const FitPair p{r.task, r.arch, md.tasks[r.task].source,
                    (accuracy[i] - split.label_mean) / split.label_std, accuracy[i]};
    (kind[i] == kTrain         ? split.train
     : kind[i] == kHeldoutPair ? split.heldout_pairs
                               : split.heldout_tasks)
        .push_back(p);
  }
  return split;
}

std::string FitSplit::describe() const {
  return "split: " + std::to_string(train.size()) + " training pairs, " +
         std::to_string(heldout_pairs.size()) + " held-out pairs, " + std::to_string(heldout_tasks.size()) +
         " pairs of " + std::to_string(heldout_task_count) + " held-out subtasks" +
         (left_out ? " (" + std::to_string(left_out) + " pairs left out: no class of their task has images)"
                   : "") +
         "; labels " + std::to_string(label_mean) + " +- " + std::to_string(label_std);
}

}  // namespace tnas
