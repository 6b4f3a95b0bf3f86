#pragma once
// Internal (torch): one training step replayed as a CUDA graph. A step of the small NB201 networks is
// hundreds of tiny kernels, so on a GPU the launch overhead, not the arithmetic, bounds training speed;
// a graph launches them all at once. Only built against a CUDA LibTorch (TNAS_CUDA_GRAPHS).
#include <torch/torch.h>

#include <functional>
#include <memory>

namespace tnas {

// (x, y) -> loss: zero the gradients, forward, backward, optimizer step; returns the detached loss.
using TrainStepFunction = std::function<torch::Tensor(const torch::Tensor& x, const torch::Tensor& y)>;

class CudaGraphStep {
 public:
  // `step` must read its learning rate from a device tensor (StepOptimizer), not a host constant.
  explicit CudaGraphStep(TrainStepFunction step);
  ~CudaGraphStep();
  // True when this build can capture CUDA graphs.
  static bool available();
  // The first warm-up steps run eagerly on a side stream; the next one is captured, and every later call
  // copies (x, y) into the graph's inputs and replays it. x and y must keep the captured shapes.
  // Returns the loss tensor, valid until the next call.
  torch::Tensor run(const torch::Tensor& x, const torch::Tensor& y);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tnas
