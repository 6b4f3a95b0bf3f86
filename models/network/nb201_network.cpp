#include "models/network/nb201_network.h"

#include "models/network/nb201_network_module.h"

namespace tnas {

namespace {
thread_local ActivationRecorder* active_recorder = nullptr;
}  // namespace

ActivationRecorder::ActivationRecorder() { active_recorder = this; }
ActivationRecorder::~ActivationRecorder() { active_recorder = nullptr; }

torch::Tensor activate(const torch::Tensor& x, Activation a) {
  torch::Tensor out;
  switch (a) {
    case Activation::kHardswish:
      out = torch::hardswish(x);
      break;
    case Activation::kMish:
      out = torch::mish(x);
      break;
    default:
      out = torch::relu(x);
  }
  if (active_recorder) active_recorder->outputs.push_back(out);
  return out;
}

ReluConvBnImpl::ReluConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, Activation a)
    : activation(a) {
  conv = register_module(
      "conv", torch::nn::Conv2d(
                  torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false)));
  bn = register_module("bn", torch::nn::BatchNorm2d(out));
}

torch::Tensor ReluConvBnImpl::forward(const torch::Tensor& x) { return bn(conv(activate(x, activation))); }

Nb201CellModuleImpl::Nb201CellModuleImpl(const Nb201Cell& c, int64_t channels, Activation activation)
    : cell(c) {
  for (int k = 0; k < kNb201NumEdges; ++k) {
    const Nb201Op op = cell.op(k);
    if (op == Nb201Op::kConv1x1 || op == Nb201Op::kConv3x3) {
      convs.push_back(
          register_module("edge" + std::to_string(k),
                          ReluConvBn(channels, channels, op == Nb201Op::kConv1x1 ? 1 : 3, 1, activation)));
    } else {
      convs.push_back(ReluConvBn(nullptr));
    }
  }
}

torch::Tensor Nb201CellModuleImpl::forward(const torch::Tensor& x) {
  std::array<torch::Tensor, kNb201NumNodes> nodes;
  nodes[0] = x;
  int edge = 0;
  for (int i = 1; i < kNb201NumNodes; ++i) {
    torch::Tensor sum;
    for (int j = 0; j < i; ++j, ++edge) {
      torch::Tensor out;
      switch (cell.op(edge)) {
        case Nb201Op::kNone:
          continue;  // contributes exactly zero
        case Nb201Op::kSkipConnect:
          out = nodes[j];
          break;
        case Nb201Op::kAvgPool3x3:
          out = torch::avg_pool2d(nodes[j], 3, 1, 1, /*ceil_mode=*/false, /*count_include_pad=*/false);
          break;
        default:
          out = convs[edge]->forward(nodes[j]);
      }
      sum = sum.defined() ? sum + out : out;
    }
    nodes[i] = sum.defined() ? sum : torch::zeros_like(x);
  }
  return nodes[kNb201NumNodes - 1];
}

ReductionBlockImpl::ReductionBlockImpl(int64_t in, int64_t out, Activation activation) {
  conv_a = register_module("conv_a", ReluConvBn(in, out, 3, 2, activation));
  conv_b = register_module("conv_b", ReluConvBn(out, out, 3, 1, activation));
  pool = register_module("pool", torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2)));
  shortcut = register_module("shortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).bias(false)));
}

torch::Tensor ReductionBlockImpl::forward(const torch::Tensor& x) {
  return conv_b(conv_a(x)) + shortcut(pool(x));
}

Nb201NetworkImpl::Nb201NetworkImpl(const Nb201Cell& cell, const Nb201MacroConfig& config)
    : activation(config.activation) {
  validate(config);
  const int64_t c = config.channels;
  stem = register_module(
      "stem",
      torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c, 3).padding(1).bias(false)),
                            torch::nn::BatchNorm2d(c)));
  body = register_module("body", torch::nn::Sequential());
  for (int stage = 0; stage < 3; ++stage) {
    const int64_t width = c << stage;
    if (stage > 0) body->push_back(ReductionBlock(width / 2, width, config.activation));
    for (int n = 0; n < config.cells_per_stage; ++n)
      body->push_back(Nb201CellModule(cell, width, config.activation));
  }
  last_bn = register_module("last_bn", torch::nn::BatchNorm2d(4 * c));
  classifier = register_module("classifier", torch::nn::Linear(4 * c, config.num_classes));
}

torch::Tensor Nb201NetworkImpl::forward(const torch::Tensor& x) {
  auto h = activate(last_bn(body->forward(stem->forward(x))), activation);
  return classifier(h.mean({2, 3}));
}

int64_t nb201_module_param_count(const Nb201Cell& cell, const Nb201MacroConfig& config) {
  Nb201Network net(cell, config);
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

}  // namespace tnas
