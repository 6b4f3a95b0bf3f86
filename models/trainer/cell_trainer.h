#pragma once
// The real objective: train a network (an NB201 cell in NB201's macro network, or a grammar architecture:
// models/network/network_blueprint.h) on a dataset and report its accuracy.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "datasets/images/image_dataset.h"
#include "datasets/images/subtask_sampler.h"
#include "models/network/network_blueprint.h"
#include "models/trainer/compute_device.h"
#include "models/trainer/memory_footprint.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

// RGB images at the preset's resolution, split for one evaluation.
struct EvaluationData {
  ImageDataset train, valid, test;
  int source_channels = 3;  // channels of the original source (1 = grayscale: grayscale_epochs apply)
};

// Draws the preset's images per class (all classes of `source`; images_per_class = 0 means the
// smallest class's count, so classes stay balanced) and splits them into train / valid. The test set is
// drawn from `test_source` when given, else carved from `source` (disjoint from train and valid).
// Throws tnas::Error for a source with fewer than 2 classes or classes too small for the preset.
EvaluationData prepare_evaluation_data(const ImageDataset& source, const ImageDataset* test_source,
                                       const ProxyPreset& preset, uint64_t seed);

// The images of a sampled subtask (its train / valid / test splits), prepared for the network.
EvaluationData evaluation_data_from_subtask(const ImageDataset& source, const Subtask& task,
                                            const ProxyPreset& preset);

struct TrainOptions {
  uint64_t seed = 0;
  ComputeDevice device = ComputeDevice::kAuto;
  TrainingMode mode = TrainingMode::kAuto;  // models/trainer/compute_device.h
  // Multi-fidelity. The cosine schedule spans schedule_epochs (0: the run's own), so that a run to fewer
  // epochs is exactly the first part of a longer one. resume_from: continue the state a run of the same cell,
  // data, preset, seed and schedule saved at fewer epochs (a mismatch is an error); save_to: save this run's
  // final state there (atomically). learning_curve: validation and test accuracy after every epoch.
  int schedule_epochs = 0;
  std::string resume_from, save_to;
  bool learning_curve = false;
  // Inference latency of the trained network (ms per image at batch 1 and 64; median of 30 and 10 timed
  // passes).
  bool measure_latency = false;
  // Accuracy on the validation images under fixed corruptions (models/trainer/corruptions.h): one more
  // validation pass per corruption.
  bool measure_robustness = false;
  // Weights and peak activation bytes of the trained network at batch 1 (models/trainer/memory_footprint.h;
  // one forward pass of one image, on CPU).
  bool measure_memory = false;
};

// One epoch of a learning curve (means over the preset's seeds).
struct EpochRecord {
  int epoch = 0;  // 1-based
  double valid_acc = 0, test_acc = 0, train_loss = 0;
  double seconds = 0;  // training time of this epoch (evaluation excluded)
};

struct TrainResult {
  double valid_acc = 0, test_acc = 0;  // percent, mean over the preset's seeds
  double train_loss = 0;               // mean cross-entropy of the last epoch
  double seconds = 0;                  // wall time of all training runs and evaluations
  int epochs = 0;                      // trained to
  int start_epoch = 0;                 // continued from (0: from scratch); this run cost epochs - start_epoch
  int64_t params = 0, flops = 0;
  ComputeDevice device = ComputeDevice::kCpu;  // resolved
  TrainingMode mode = TrainingMode::kStrict;   // resolved
  bool channels_last = false;
  std::string autocast = "off";  // off | bf16
  bool cuda_graphs = false;      // training steps replayed as CUDA graphs
  std::vector<double> per_seed_test_acc, per_seed_valid_acc;
  std::vector<EpochRecord> curve;           // with learning_curve: epochs start_epoch+1 .. epochs
  std::vector<double> valid_acc_per_class;  // percent, mean over seeds (what group fairness is computed from)
  // Expected calibration error of the validation predictions (percent, 15 bins;
  // models/trainer/calibration.h), mean over seeds: measured in the validation pass, no other pass over the
  // data.
  double calibration_error = 0;
  // With measure_robustness: validation accuracy (percent, mean over seeds) under each corruption, and their
  // mean.
  std::map<std::string, double> corrupted_valid_acc;
  double robust_accuracy = 0;
  double latency_ms = 0, latency64_ms = 0;  // with measure_latency: per image at batch 1 and 64
  double latency_cv = 0, latency64_cv = 0;  // their coefficients of variation over the timed passes
  MemoryFootprint memory;                   // with measure_memory
};

// Trains preset.seeds networks (seeds options.seed, options.seed + 1, ...). Deterministic on CPU for a
// given seed and thread count.
TrainResult train_and_evaluate(const NetworkBlueprint& network, const EvaluationData& data,
                               const ProxyPreset& preset, const TrainOptions& options);

nlohmann::json to_json(const TrainResult& result);

}  // namespace tnas
