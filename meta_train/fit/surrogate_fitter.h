#pragma once
// `meta_train fit`: learn the surrogate end to end on a meta-dataset (DESIGN section 6).
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "meta_train/fit/fit_metrics.h"
#include "meta_train/fit/fit_split.h"
#include "models/surrogate/surrogate_options.h"
#include "models/trainer/compute_device.h"

namespace tnas {

struct FitOptions {
  std::string meta_dataset;  // input .h5
  std::string out;           // checkpoint folder (best), with out/last/ for resuming
  int epochs = 12;
  int batch = 256;  // triples per GP batch, mixing tasks (reference 1024: 2 steps per epoch on 1,800 pairs)
  double learning_rate =
      3e-4;  // Adam (the reference 0.1 collapsed the MLP to a constant output: bench/RESULTS.md)
  int plateau_patience = 3;
  double heldout_task_fraction = 0.15;  // subtasks never seen in training
  double heldout_pair_fraction = 0.1;   // pairs of training subtasks held out
  int featurizer_epochs = 3;            // built-in featurizer only
  std::string featurizer_path;          // the TorchScript backbone when model.featurizer == kTorchScript
  std::string feature_cache_dir;        // per-source feature cache folder ("" = no cache)
  std::map<std::string, std::string>
      source_specs;  // source name -> dataset spec, overriding the recorded path
  // With model.protocol_inputs: a source's training protocol where its config records none (e.g. MetaD2A's
  // import), text of parse_training_protocol (models/protocol/training_protocol.h).
  std::map<std::string, std::string> source_protocols;
  int featurizer_images = 12000;
  int context_size = 512;       // meta-training points kept in the checkpoint for zero-shot predictions
  double rank_loss_weight = 0;  // FitLoopOptions::rank_loss_weight
  FitSelection selection = FitSelection::kPooled;  // what the best epoch is chosen by
  FitLabel label = FitLabel::kValid;               // what the surrogate predicts (fit_split.h)
  uint64_t seed = 0;
  ComputeDevice device = ComputeDevice::kCpu;
  SurrogateOptions model;
};

// Trains (or resumes from out/last) and keeps the best checkpoint by held-out-subtask Spearman in `out`:
// task features (meta_train/fit/task_images.h), the held-out split (fit_split.h), then the loop with
// callbacks (fit_loop.h, fit_callbacks.h) writing through one CheckpointFolder. Returns the best epoch's
// metrics. `progress` gets one line per epoch (and per source when there are several).
FitMetrics fit_surrogate(const FitOptions& options, const std::function<void(const std::string&)>& progress);

}  // namespace tnas
