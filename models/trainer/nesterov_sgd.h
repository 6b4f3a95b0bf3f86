#pragma once
// Internal (torch): SGD with Nesterov momentum and weight decay (the trainer's default optimizer). Same
// update as torch::optim::SGD(nesterov, dampening 0), with the rate on the device (step_optimizer.h).
#include "models/trainer/step_optimizer.h"

namespace tnas {

class NesterovSgd final : public StepOptimizer {
 public:
  NesterovSgd(std::vector<torch::Tensor> params, double momentum, double weight_decay, torch::Device device);

  void set_learning_rate(double lr) override;
  void zero_grad() override;
  // p -= lr * (g + momentum * buf), with g = grad + weight_decay * p and buf = momentum * buf + g.
  void step() override;
  // The momentum buffers, one per parameter.
  std::vector<torch::Tensor>& state_buffers() override { return buffers_; }

 private:
  std::vector<torch::Tensor> params_, buffers_;
  double momentum_, weight_decay_;
  torch::Tensor lr_;  // 0-dim float32 on the device
};

}  // namespace tnas
