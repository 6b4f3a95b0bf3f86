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

// An element-wise function term (unary / binary over x), compiled once from the term's names.
class FunctionPart final : public GrammarPartImpl {
 public:
  explicit FunctionPart(const TermTree& term) : root_(compile(term)) {}
  torch::Tensor forward(const torch::Tensor& x) override { return evaluate(root_, x); }

 private:
  struct Node {
    bool input = false;  // x
    bool unary = false;
    UnaryFunction unary_function = UnaryFunction::kIdentity;
    BinaryFunction binary_function = BinaryFunction::kAdd;
    std::vector<Node> arguments;
  };

  static Node compile(const TermTree& term) {
    Node node;
    if (term.name == "x") {
      node.input = true;
      return node;
    }
    node.unary = term.name == "unary";
    if (node.unary)
      node.unary_function = unary_function(term.arguments.at(0).name);
    else
      node.binary_function = binary_function(term.arguments.at(0).name);
    for (size_t i = 1; i < term.arguments.size(); ++i) node.arguments.push_back(compile(term.arguments[i]));
    return node;
  }

  static torch::Tensor evaluate(const Node& node, const torch::Tensor& x) {
    if (node.input) return x;
    if (node.unary) return apply(node.unary_function, evaluate(node.arguments.at(0), x));
    return apply(node.binary_function, evaluate(node.arguments.at(0), x), evaluate(node.arguments.at(1), x));
  }

  static torch::Tensor apply(UnaryFunction function, const torch::Tensor& a) {
    switch (function) {
      case UnaryFunction::kIdentity:
        return a;
      case UnaryFunction::kNegate:
        return -a;
      case UnaryFunction::kAbs:
        return a.abs();
      case UnaryFunction::kSquare:
        return a * a;
      case UnaryFunction::kCube:
        return a * a * a;
      case UnaryFunction::kSqrtAbs:
        return (a.abs() + 1e-6).sqrt();
      case UnaryFunction::kExpNegSquare:
        return (-(a * a)).exp();
      case UnaryFunction::kSigmoid:
        return a.sigmoid();
      case UnaryFunction::kTanh:
        return a.tanh();
      case UnaryFunction::kRelu:
        return a.relu();
      case UnaryFunction::kSin:
        return a.sin();
      case UnaryFunction::kCos:
        return a.cos();
      case UnaryFunction::kLog1pAbs:
        return a.abs().log1p();
      case UnaryFunction::kErf:
        return a.erf();
    }
    return a;
  }

  static torch::Tensor apply(BinaryFunction function, const torch::Tensor& a, const torch::Tensor& b) {
    switch (function) {
      case BinaryFunction::kAdd:
        return a + b;
      case BinaryFunction::kMultiply:
        return a * b;
      case BinaryFunction::kSubtract:
        return a - b;
      case BinaryFunction::kMaximum:
        return torch::maximum(a, b);
      case BinaryFunction::kMinimum:
        return torch::minimum(a, b);
      case BinaryFunction::kSigmoidGate:
        return a.sigmoid() * b;
    }
    return a;
  }

  Node root_;
};

// The part of `term` on inputs of `channels`; `channels` becomes its output's (the shapes were checked by
// grammar_network_cost before).
std::shared_ptr<GrammarPartImpl> build_part(const TermTree& term, int64_t& channels) {
  const NetworkTerminal terminal = network_terminal(term);
  if (terminal.operation == NetworkOperation::kFunction && !terminal.topology)
    return std::make_shared<FunctionPart>(term);
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
