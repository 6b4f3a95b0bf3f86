#pragma once
// Internal: the LibTorch modules of the NB201 network. Included only by torch TUs in models/.
#include <torch/torch.h>

#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "models/network/classifier_network.h"

namespace tnas {

torch::Tensor activate(const torch::Tensor& x, Activation a);

// While one is alive on a thread, every activation the NB201 modules compute on that thread is appended to
// it (the zero-cost proxies read NASWOT's binary codes and fisher's activation gradients from them); without
// one the network does nothing extra.
struct ActivationRecorder {
  ActivationRecorder();
  ~ActivationRecorder();
  ActivationRecorder(const ActivationRecorder&) = delete;
  ActivationRecorder& operator=(const ActivationRecorder&) = delete;
  std::vector<torch::Tensor> outputs;
};

// ReLU (or the configured activation) -> Conv(k x k, no bias) -> BatchNorm (affine), as NAS-Bench-201's
// ReLUConvBN.
struct ReluConvBnImpl : torch::nn::Module {
  ReluConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                 Activation activation = Activation::kReLU);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  Activation activation;
};
TORCH_MODULE(ReluConvBn);

// One NB201 cell at fixed width: node i = sum over incoming edges op(node j).
struct Nb201CellModuleImpl : torch::nn::Module {
  Nb201CellModuleImpl(const Nb201Cell& cell, int64_t channels, Activation activation = Activation::kReLU);
  torch::Tensor forward(const torch::Tensor& x);
  Nb201Cell cell;
  std::vector<ReluConvBn> convs;  // per edge; empty holder for parameter-free ops
};
TORCH_MODULE(Nb201CellModule);

// ResNet basic block with stride 2 (the reduction between stages).
struct ReductionBlockImpl : torch::nn::Module {
  ReductionBlockImpl(int64_t in, int64_t out, Activation activation = Activation::kReLU);
  torch::Tensor forward(const torch::Tensor& x);
  ReluConvBn conv_a{nullptr}, conv_b{nullptr};
  torch::nn::AvgPool2d pool{nullptr};
  torch::nn::Conv2d shortcut{nullptr};
};
TORCH_MODULE(ReductionBlock);

struct Nb201NetworkImpl : ClassifierNetworkImpl {
  Nb201NetworkImpl(const Nb201Cell& cell, const Nb201MacroConfig& config);
  torch::Tensor forward(const torch::Tensor& x) override;  // N x 3 x R x R -> N x classes (logits)
  torch::nn::Sequential stem{nullptr};
  torch::nn::Sequential body{nullptr};
  torch::nn::BatchNorm2d last_bn{nullptr};
  torch::nn::Linear classifier{nullptr};
  Activation activation = Activation::kReLU;
};
TORCH_MODULE(Nb201Network);

}  // namespace tnas
