#include "models/network/grammar_network_module.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "models/network/nb201_network_module.h"

namespace tnas {
namespace {

// A DAG of parts: node 1 is the input, the last node the output, every other node the sum of its incoming
// edges' parts (graphs/spaces/grammar/grammar_network.h lists the topologies' edges).
class TopologyPart final : public GrammarPartImpl {
 public:
  TopologyPart(const NetworkTerminal& topology, std::vector<std::shared_ptr<GrammarPartImpl>> parts)
      : edges_(topology.edges), parts_(std::move(parts)), last_(topology.output_node) {
    for (size_t e = 0; e < parts_.size(); ++e) register_module("edge" + std::to_string(e), parts_[e]);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    std::vector<torch::Tensor> node(static_cast<size_t>(last_) + 1);
    node[1] = x;
    for (int target = 2; target <= last_; ++target) {
      torch::Tensor sum;
      int zero_source = 0;
      for (size_t e = 0; e < edges_.size(); ++e) {
        if (edges_[e].second != target) continue;
        if (parts_[e]->is_zero()) {  // contributes exactly zero: no work
          zero_source = edges_[e].first;
          continue;
        }
        const torch::Tensor out = parts_[e]->forward(node[edges_[e].first]);
        sum = sum.defined() ? sum + out : out;
      }
      // Only zero edges in: zeros of their source's shape (a zero keeps the shape).
      node[target] = sum.defined() ? sum : torch::zeros_like(node[zero_source]);
    }
    return node[last_];
  }

 private:
  std::vector<std::pair<int, int>> edges_;
  std::vector<std::shared_ptr<GrammarPartImpl>> parts_;
  int last_ = 1;
};

class OperationPart final : public GrammarPartImpl {
 public:
  OperationPart(NetworkOperation operation, int64_t channels) : operation_(operation) {
    namespace nn = torch::nn;
    switch (operation) {
      case NetworkOperation::kReluConvBn1x1:
      case NetworkOperation::kReluConvBn3x3:
        relu_conv_bn_ = register_module(
            "op", ReluConvBn(channels, channels, operation == NetworkOperation::kReluConvBn1x1 ? 1 : 3, 1));
        break;
      case NetworkOperation::kConv1x1:
        conv_ = register_module("op", nn::Conv2d(nn::Conv2dOptions(channels, channels, 1).bias(false)));
        break;
      case NetworkOperation::kConv3x3:
        conv_ = register_module("op",
                                nn::Conv2d(nn::Conv2dOptions(channels, channels, 3).padding(1).bias(false)));
        break;
      case NetworkOperation::kDepthwiseConv3x3:
        conv_ = register_module(
            "op",
            nn::Conv2d(nn::Conv2dOptions(channels, channels, 3).padding(1).groups(channels).bias(false)));
        break;
      case NetworkOperation::kBatchNorm:
        batch_norm_ = register_module("op", nn::BatchNorm2d(channels));
        break;
      case NetworkOperation::kInstanceNorm:
        instance_norm_ =
            register_module("op", nn::InstanceNorm2d(nn::InstanceNorm2dOptions(channels).affine(true)));
        break;
      case NetworkOperation::kLayerNorm:
        layer_norm_ = register_module("op", nn::GroupNorm(nn::GroupNormOptions(1, channels)));
        break;
      case NetworkOperation::kDown:
        down_ = register_module("op", ReductionBlock(channels, 2 * channels));
        break;
      default:  // zero, identity, pooling, activations: nothing to learn
        break;
    }
  }
  bool is_zero() const override { return operation_ == NetworkOperation::kZero; }
  torch::Tensor forward(const torch::Tensor& x) override {
    switch (operation_) {
      case NetworkOperation::kZero:
        return torch::zeros_like(x);
      case NetworkOperation::kAvgPool:
        return torch::avg_pool2d(x, 3, 1, 1, /*ceil_mode=*/false, /*count_include_pad=*/false);
      case NetworkOperation::kReluConvBn1x1:
      case NetworkOperation::kReluConvBn3x3:
        return relu_conv_bn_->forward(x);
      case NetworkOperation::kConv1x1:
      case NetworkOperation::kConv3x3:
      case NetworkOperation::kDepthwiseConv3x3:
        return conv_->forward(x);
      case NetworkOperation::kRelu:
        return activate(x, Activation::kReLU);
      case NetworkOperation::kHardswish:
        return activate(x, Activation::kHardswish);
      case NetworkOperation::kMish:
        return activate(x, Activation::kMish);
      case NetworkOperation::kBatchNorm:
        return batch_norm_->forward(x);
      case NetworkOperation::kInstanceNorm:
        return instance_norm_->forward(x);
      case NetworkOperation::kLayerNorm:
        return layer_norm_->forward(x);
      case NetworkOperation::kDown:
        return down_->forward(x);
      default:  // identity
        return x;
    }
  }

 private:
  NetworkOperation operation_;
  ReluConvBn relu_conv_bn_{nullptr};
  ReductionBlock down_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d batch_norm_{nullptr};
  torch::nn::InstanceNorm2d instance_norm_{nullptr};
  torch::nn::GroupNorm layer_norm_{nullptr};
};

// The part of `term` on inputs of `channels`; `channels` becomes its output's (the shapes were checked by
// grammar_network_cost before).
std::shared_ptr<GrammarPartImpl> build_part(const TermTree& term, int64_t& channels) {
  const NetworkTerminal terminal = network_terminal(term);
  if (!terminal.topology) {
    auto part = std::make_shared<OperationPart>(terminal.operation, channels);
    if (terminal.operation == NetworkOperation::kDown) channels *= 2;
    return part;
  }
  const int last = terminal.output_node;
  std::vector<int64_t> node_channels(static_cast<size_t>(last) + 1, channels);
  std::vector<std::shared_ptr<GrammarPartImpl>> parts(terminal.edges.size());
  for (int target = 2; target <= last; ++target)  // in the order the forward pass runs them
    for (size_t e = 0; e < terminal.edges.size(); ++e)
      if (terminal.edges[e].second == target) {
        int64_t out = node_channels[terminal.edges[e].first];
        parts[e] = build_part(term.arguments[e], out);
        node_channels[target] = out;
      }
  channels = node_channels[last];
  return std::make_shared<TopologyPart>(terminal, std::move(parts));
}

}  // namespace

GrammarNetworkImpl::GrammarNetworkImpl(const TermTree& architecture, const Nb201MacroConfig& config) {
  const GrammarNetworkCost shapes = grammar_network_cost(architecture, config);  // checks before building
  const int64_t c = config.channels;
  stem = register_module(
      "stem",
      torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c, 3).padding(1).bias(false)),
                            torch::nn::BatchNorm2d(c)));
  int64_t channels = c;
  body = register_module("body", build_part(network_body(architecture, config.cells_per_stage), channels));
  last_bn = register_module("last_bn", torch::nn::BatchNorm2d(shapes.output.channels));
  classifier = register_module("classifier", torch::nn::Linear(shapes.output.channels, config.num_classes));
}

torch::Tensor GrammarNetworkImpl::forward(const torch::Tensor& images) {
  const auto features = activate(last_bn(body->forward(stem->forward(images))), Activation::kReLU);
  return classifier(features.mean({2, 3}));
}

}  // namespace tnas
