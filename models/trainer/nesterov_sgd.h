#pragma once
// Internal (torch): SGD with Nesterov momentum and weight decay whose learning rate is a tensor on the
// training device, so that a captured CUDA graph reads the current (cosine-scheduled) rate at replay
// instead of the constant it saw at capture. Same update as torch::optim::SGD(nesterov, dampening 0).
#include <torch/torch.h>

#include <vector>

namespace tnas {

class NesterovSgd {
 public:
  NesterovSgd(std::vector<torch::Tensor> params, double momentum, double weight_decay, torch::Device device);

  // Sets the rate used by the next step()s (writes into the device tensor; no reallocation).
  void set_learning_rate(double lr);
  // Drops the gradients (set to undefined) so that backward() allocates fresh ones.
  void zero_grad();
  // p -= lr * (g + momentum * buf), with g = grad + weight_decay * p and buf = momentum * buf + g.
  void step();
  // The momentum buffers, one per parameter (what a saved training run must keep to continue exactly).
  std::vector<torch::Tensor>& momentum_buffers() { return buffers_; }

 private:
  std::vector<torch::Tensor> params_, buffers_;
  double momentum_, weight_decay_;
  torch::Tensor lr_;  // 0-dim float32 on the device
};

}  // namespace tnas
