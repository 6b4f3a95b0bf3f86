#pragma once
// Internal (torch): the callbacks `meta_train fit` runs its loop with, in this order: stop on a non-finite
// loss, reduce the learning rate on a plateau of the training loss, log the epoch, keep the best checkpoint,
// write the resume state.
#include <functional>
#include <string>
#include <vector>

#include "meta_train/fit/checkpoint_folder.h"
#include "meta_train/fit/fit_loop.h"

namespace tnas {

// A NaN or infinite batch loss ends the fit with an error (the weights would be garbage from there on).
class StopOnNonFiniteLoss : public FitCallback {
 public:
  void on_batch_loss(const FitLoop& loop, int epoch, double loss) override;
};

// ReduceLROnPlateau on the epoch's training loss: x `factor` after more than `patience` epochs without an
// improvement of `min_delta`.
class PlateauSchedule : public FitCallback {
 public:
  explicit PlateauSchedule(int patience, double factor = 0.1, double min_delta = 1e-4)
      : patience_(patience), factor_(factor), min_delta_(min_delta) {}
  void on_training_loss(FitLoop& loop, int epoch, double loss) override;
  void save(nlohmann::json& state) const override;
  void restore(const nlohmann::json& state) override;

 private:
  int patience_;
  double factor_, min_delta_;
  double best_loss_ = 1e300;
  int since_best_ = 0;
};

// One line per epoch (and one per source when there are several).
class ProgressLog : public FitCallback {
 public:
  explicit ProgressLog(std::function<void(const std::string&)> progress) : progress_(std::move(progress)) {}
  void on_epoch_end(FitLoop& loop, const FitMetrics& metrics) override;

 private:
  std::function<void(const std::string&)> progress_;
};

// Keeps the epoch with the best held-out-subtask Spearman (FitMetrics::selection: pooled over the held-out
// subtasks' pairs or the mean within-subtask one, FitLoopOptions::selection; per source first when there are
// several): `write` saves it. With fewer than 3 held-out pairs
// of subtasks there is nothing to select on: every epoch is kept.
class KeepBest : public FitCallback {
 public:
  explicit KeepBest(std::function<void(FitLoop&, const FitMetrics&)> write) : write_(std::move(write)) {
    best_.selection = -2;
  }
  void on_epoch_end(FitLoop& loop, const FitMetrics& metrics) override;
  void save(nlohmann::json& state) const override;
  void restore(const nlohmann::json& state) override;
  const FitMetrics& best() const { return best_; }

 private:
  std::function<void(FitLoop&, const FitMetrics&)> write_;
  FitMetrics best_;
};

// After every epoch, the loop's and every callback's state into the folder's resume state; `resume` reads
// it back before the loop runs, refusing a state written with other settings.
class ResumeState : public FitCallback {
 public:
  ResumeState(CheckpointFolder& folder, nlohmann::json fit_config, std::vector<FitCallback*> callbacks)
      : folder_(folder), fit_config_(std::move(fit_config)), callbacks_(std::move(callbacks)) {}
  // Returns whether there was a state to resume from.
  bool resume(FitLoop& loop);
  void on_epoch_end(FitLoop& loop, const FitMetrics& metrics) override;

 private:
  CheckpointFolder& folder_;
  nlohmann::json fit_config_;
  std::vector<FitCallback*> callbacks_;  // whose state travels with the loop's
};

}  // namespace tnas
