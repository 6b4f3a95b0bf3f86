#pragma once
// `meta_train fit`'s validation split: whole subtasks held out (never seen in training), then pairs of the
// remaining subtasks held out (or, for a source that flags its own, those: e.g. MetaD2A's 400-row split), and
// the z-scoring of labels by the training pairs' mean and spread.
#include <cstdint>
#include <string>
#include <vector>

#include "basics/enum_names.h"
#include "datasets/meta/meta_dataset.h"

namespace tnas {

// What a fit learns and is measured against: a result's validation accuracy (the reference's label), or the
// mean of its validation and test accuracy, two disjoint sets of images scored by the same training run: half
// the measurement noise of one of them (bench/label_noise.sh: within a subtask the two agree at only
// 0.6-0.9), for meta-data whose test split is not needed for anything else.
enum class FitLabel { kValid, kMeanOfValidAndTest };
template <>
const EnumNames<FitLabel>& enum_names<FitLabel>();

struct FitPair {
  int task = 0, arch = 0, source = 0;
  double y = 0;         // standardized label
  double accuracy = 0;  // the label in percent (FitLabel)
};

struct FitSplit {
  std::vector<FitPair> train, heldout_pairs, heldout_tasks;
  double label_mean = 0, label_std = 1;
  int heldout_task_count = 0;
  size_t left_out = 0;  // pairs whose task cannot be embedded (no class has images)

  std::string describe() const;  // one line for the log
};

// `embeddable[t]` is false for a task whose classes have no images (its pairs are left out). Draws from
// one Rng(seed + 1): first one coin per task, then one per pair of a training task (unless the pair's source
// flags its own held-out pairs). Throws when fewer than 10 training pairs remain, or when `label` needs a
// test accuracy that a result lacks.
FitSplit split_meta_dataset(const MetaDataset& md, const std::vector<bool>& embeddable,
                            double heldout_task_fraction, double heldout_pair_fraction, uint64_t seed,
                            FitLabel label = FitLabel::kValid);

}  // namespace tnas
