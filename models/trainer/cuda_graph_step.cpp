#include "models/trainer/cuda_graph_step.h"

#include "basics/error.h"

#ifdef TNAS_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/cuda.h>
#endif

namespace tnas {

#ifdef TNAS_CUDA_GRAPHS

struct CudaGraphStep::State {
  TrainStepFunction step;
  int warmup_left = 3;  // eager steps before capture: lazy cuBLAS/cuDNN set-up must not happen in a capture
  bool captured = false;
  torch::Tensor x, y, loss;  // the graph's static inputs and output
  at::cuda::CUDAGraph graph;
};

CudaGraphStep::CudaGraphStep(TrainStepFunction step) : state_(std::make_unique<State>()) {
  state_->step = std::move(step);
}
CudaGraphStep::~CudaGraphStep() = default;
bool CudaGraphStep::available() { return true; }

torch::Tensor CudaGraphStep::run(const torch::Tensor& x, const torch::Tensor& y) {
  State& s = *state_;
  if (!s.captured) {
    // Warm-up and capture happen on a side stream (capture is not allowed on the default stream);
    // synchronizing around them keeps the order with the default stream simple.
    torch::cuda::synchronize();
    const auto side = c10::cuda::getStreamFromPool();
    c10::cuda::CUDAStreamGuard guard(side);
    if (s.warmup_left > 0) {
      --s.warmup_left;
      auto loss = s.step(x, y);
      torch::cuda::synchronize();
      return loss;
    }
    s.x = x.clone();
    s.y = y.clone();
    s.graph.capture_begin();
    s.loss = s.step(s.x, s.y);
    s.graph.capture_end();
    s.captured = true;
    torch::cuda::synchronize();
  } else {
    if (x.sizes() != s.x.sizes() || y.sizes() != s.y.sizes())
      throw Error("CUDA graph step: batch shape differs from the captured one");
    s.x.copy_(x);
    s.y.copy_(y);
  }
  s.graph.replay();  // capture only records: the captured step itself runs here too
  return s.loss;
}

#else

struct CudaGraphStep::State {};
CudaGraphStep::CudaGraphStep(TrainStepFunction) {
  throw Error("CUDA graphs: this tnas was built without a CUDA LibTorch (TNAS_CUDA_GRAPHS is off)");
}
CudaGraphStep::~CudaGraphStep() = default;
bool CudaGraphStep::available() { return false; }
torch::Tensor CudaGraphStep::run(const torch::Tensor&, const torch::Tensor&) {
  throw Error("CUDA graphs are not available in this build");
}

#endif

}  // namespace tnas
