#pragma once
// Internal (torch): meta-training as a loop with callbacks (like ensmallen's optimizers). Each epoch trains
// the surrogate on shuffled batches of training pairs (loss = -MLL of one GP per batch, Adam), then measures
// it on the held-out pairs and subtasks; what happens around that — a NaN stop, the plateau schedule,
// logging, keeping the best checkpoint, the resume state — is a FitCallback (meta_train/fit/fit_callbacks.h).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meta_train/fit/fit_metrics.h"
#include "meta_train/fit/fit_split.h"
#include "meta_train/fit/pair_embedder.h"

namespace tnas {

class FitLoop;

class FitCallback {
 public:
  virtual ~FitCallback() = default;
  // After every batch, with its loss (before the step).
  virtual void on_batch_loss(const FitLoop& loop, int epoch, double loss) {
    (void)loop, (void)epoch, (void)loss;
  }
  // After an epoch's training, with its mean batch loss, before the held-out evaluation.
  virtual void on_training_loss(FitLoop& loop, int epoch, double loss) {
    (void)loop, (void)epoch, (void)loss;
  }
  // After the held-out evaluation; the epoch is in loop.history() already.
  virtual void on_epoch_end(FitLoop& loop, const FitMetrics& metrics) { (void)loop, (void)metrics; }
  // What the callback must carry over a kill: written into / read back from the resume state.
  virtual void save(nlohmann::json& state) const { (void)state; }
  virtual void restore(const nlohmann::json& state) { (void)state; }
};

struct FitLoopOptions {
  int epochs = 12;
  int batch = 256;
  double learning_rate = 3e-4;
  int context_size = 512;  // training pairs the GP conditions on for held-out predictions and the checkpoint
  uint64_t seed = 0;
  // Weight of DeepKernelImpl::within_task_rank_loss beside the -MLL / n. Above 0, batches are whole subtasks
  // (shuffled, packed to about `batch` pairs) so that each task's cells are ranked together; 0: the
  // reference's batches of pairs mixing subtasks.
  double rank_loss_weight = 0;
  FitSelection selection = FitSelection::kPooled;
};

class FitLoop {
 public:
  // `source_names`: per-source metrics are reported when there is more than one.
  FitLoop(SurrogateImpl& surrogate, const PairEmbedder& embedder, FitSplit split,
          std::vector<std::string> source_names, const FitLoopOptions& options);

  // Runs the epochs after the last one restored, calling the callbacks in order.
  void run(const std::vector<FitCallback*>& callbacks);

  const FitLoopOptions& options() const { return o_; }
  const FitSplit& split() const { return split_; }
  int epoch() const { return epoch_; }  // epochs done
  double learning_rate() const { return lr_; }
  void set_learning_rate(double lr);
  const std::vector<nlohmann::json>& history() const { return history_; }

  // The loop's own part of a resume state (epoch, learning rate, history) and its weights and optimizer.
  nlohmann::json state() const;
  std::vector<uint8_t> model_bytes() const;
  std::vector<uint8_t> optimizer_bytes() const;
  void restore(const nlohmann::json& state, const std::string& model_path, const std::string& optimizer_path);
  // The checkpoint's context.pt for the current weights.
  std::vector<uint8_t> context_bytes() const;
  void to_device() const;

 private:
  double train_epoch(int epoch, const std::vector<FitCallback*>& callbacks);
  void evaluate(FitMetrics& metrics) const;

  SurrogateImpl& s_;
  const PairEmbedder& embedder_;
  FitSplit split_;
  std::vector<std::string> source_names_;
  FitLoopOptions o_;
  std::vector<FitPair> context_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  double lr_;
  int epoch_ = 0;
  std::vector<nlohmann::json> history_;
};

}  // namespace tnas
