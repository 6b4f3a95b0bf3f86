#pragma once
// Internal (torch): Adam and AdamW (beta 0.9 / 0.999, eps 1e-8) with the rate on the device
// (step_optimizer.h). Adam adds the weight decay to the gradient, as torch::optim::Adam; AdamW shrinks the
// weights by lr * weight_decay before the update, as torch::optim::AdamW. Same updates as those.
#include "models/trainer/step_optimizer.h"

namespace tnas {

class AdamStep final : public StepOptimizer {
 public:
  AdamStep(std::vector<torch::Tensor> params, double weight_decay, bool decoupled_weight_decay,
           torch::Device device);

  void set_learning_rate(double lr) override;
  void zero_grad() override;
  void step() override;
  // The first moments, then the second moments (one per parameter), then the step count.
  std::vector<torch::Tensor>& state_buffers() override { return buffers_; }

 private:
  std::vector<torch::Tensor> params_, buffers_;
  double weight_decay_;
  bool decoupled_;
  torch::Tensor lr_, steps_;  // 0-dim float32 on the device
};

}  // namespace tnas
