#pragma once
// Internal (torch): the optimizer of the training steps. Its learning rate is a tensor on the training
// device, so that a captured CUDA graph reads the current (cosine-scheduled) rate at replay instead of the
// constant it saw at capture; every update is tensor arithmetic for the same reason. Kinds: proxy_preset.h's
// OptimizerKind.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "models/trainer/proxy_preset.h"

namespace tnas {

class StepOptimizer {
 public:
  virtual ~StepOptimizer() = default;
  // Sets the rate used by the next step()s (writes into the device tensor; no reallocation).
  virtual void set_learning_rate(double lr) = 0;
  // Drops the gradients (set to undefined) so that backward() allocates fresh ones.
  virtual void zero_grad() = 0;
  virtual void step() = 0;
  // Every tensor of its state (momentum, moments, step count): what a saved training run must keep to
  // continue exactly, restored by copying into them.
  virtual std::vector<torch::Tensor>& state_buffers() = 0;
};

// The preset's optimizer (kind, momentum, weight decay) over `params`.
std::unique_ptr<StepOptimizer> make_step_optimizer(const ProxyPreset& preset,
                                                   std::vector<torch::Tensor> params, torch::Device device);

}  // namespace tnas
