#include "graphs/spaces/grammar/grammar_network.h"

#include <algorithm>
#include <map>

#include "basics/error.h"

namespace tnas {
namespace {

const std::map<std::string, NetworkOperation>& operations() {
  static const std::map<std::string, NetworkOperation> known = {
      {"zero", NetworkOperation::kZero},
      {"none", NetworkOperation::kZero},
      {"id", NetworkOperation::kIdentity},
      {"skip_connect", NetworkOperation::kIdentity},
      {"avg_pool", NetworkOperation::kAvgPool},
      {"avg_pool_3x3", NetworkOperation::kAvgPool},
      {"nor_conv_1x1", NetworkOperation::kReluConvBn1x1},
      {"nor_conv_3x3", NetworkOperation::kReluConvBn3x3},
      {"conv1x1", NetworkOperation::kConv1x1},
      {"conv3x3", NetworkOperation::kConv3x3},
      {"dconv3x3", NetworkOperation::kDepthwiseConv3x3},
      {"relu", NetworkOperation::kRelu},
      {"hardswish", NetworkOperation::kHardswish},
      {"mish", NetworkOperation::kMish},
      {"batch", NetworkOperation::kBatchNorm},
      {"instance", NetworkOperation::kInstanceNorm},
      {"layer", NetworkOperation::kLayerNorm},
      {"down", NetworkOperation::kDown},
  };
  return known;
}

const std::map<std::string, std::vector<std::pair<int, int>>>& fixed_topologies() {
  static const std::map<std::string, std::vector<std::pair<int, int>>> known = {
      {"Residual2", {{1, 2}, {1, 3}, {2, 3}}},
      {"Residual3", {{1, 2}, {2, 3}, {1, 4}, {3, 4}}},
      {"Diamond2", {{1, 2}, {1, 3}, {2, 4}, {3, 4}}},
      {"Diamond3", {{1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 6}}},
      {"Cell", {{1, 2}, {1, 3}, {2, 3}, {1, 4}, {2, 4}, {3, 4}}},
  };
  return known;
}

const std::map<std::string, UnaryFunction>& unary_functions() {
  static const std::map<std::string, UnaryFunction> known = {
      {"identity", UnaryFunction::kIdentity},
      {"negate", UnaryFunction::kNegate},
      {"abs", UnaryFunction::kAbs},
      {"square", UnaryFunction::kSquare},
      {"cube", UnaryFunction::kCube},
      {"sqrt_abs", UnaryFunction::kSqrtAbs},
      {"exp_neg_square", UnaryFunction::kExpNegSquare},
      {"sigmoid", UnaryFunction::kSigmoid},
      {"tanh", UnaryFunction::kTanh},
      {"relu", UnaryFunction::kRelu},
      {"sin", UnaryFunction::kSin},
      {"cos", UnaryFunction::kCos},
      {"log1p_abs", UnaryFunction::kLog1pAbs},
      {"erf", UnaryFunction::kErf},
  };
  return known;
}

const std::map<std::string, BinaryFunction>& binary_functions() {
  static const std::map<std::string, BinaryFunction> known = {
      {"add", BinaryFunction::kAdd},           {"multiply", BinaryFunction::kMultiply},
      {"subtract", BinaryFunction::kSubtract}, {"maximum", BinaryFunction::kMaximum},
      {"minimum", BinaryFunction::kMinimum},   {"sigmoid_gate", BinaryFunction::kSigmoidGate},
  };
  return known;
}

// A function term's arguments: unary(OP, ARGUMENT), binary(OP, LEFT, RIGHT), each argument `x` or a function.
void check_function(const TermTree& term) {
  const bool unary = term.name == "unary";
  const size_t arity = unary ? 2 : 3;
  if (term.arguments.size() != arity || !term.arguments[0].arguments.empty())
    throw Error("network: " + term.name + " takes an operation and " +
                (unary ? "one argument" : "two arguments") + ", not '" + to_string(term) + "'");
  if (unary)
    unary_function(term.arguments[0].name);
  else
    binary_function(term.arguments[0].name);
  for (size_t i = 1; i < arity; ++i) {
    const TermTree& argument = term.arguments[i];
    if (argument.name == "x" && argument.arguments.empty()) continue;
    if (!is_function(argument))
      throw Error("network: a function's argument is x or another function, not '" + to_string(argument) +
                  "'");
    check_function(argument);
  }
}

constexpr int kMaxNamedSequence = 16;  // Sequential1 .. Sequential16, Linear1 .. Linear16

// The number a chain's name states ("Sequential3": 3), 0 for a bare "Sequential", -1 for no chain.
int chain_length(const std::string& name) {
  for (const std::string prefix : {"Sequential", "Linear"}) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty()) return 0;
    if (digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
    const int length = std::stoi(digits);
    return length >= 1 && length <= kMaxNamedSequence ? length : -1;
  }
  return -1;
}

std::string shortened(const std::string& text) {
  return text.size() > 160 ? text.substr(0, 160) + "..." : text;
}

int64_t conv_params(int64_t in, int64_t out, int64_t kernel) { return in * out * kernel * kernel; }

// Parameters and MACs along a body, shape by shape.
class CostWalk {
 public:
  // The architecture's text is written only for an error: a pool of 20,000 is costed without it.
  explicit CostWalk(const TermTree& whole) : whole_(whole) {}

  FeatureShape walk(const TermTree& term, const FeatureShape& in) {
    const NetworkTerminal terminal = network_terminal(term);
    if (!terminal.topology) return operation(terminal.operation, in);
    const int last = terminal.output_node;
    std::vector<FeatureShape> node(static_cast<size_t>(last) + 1);
    std::vector<bool> known(node.size(), false);
    node[1] = in, known[1] = true;
    for (int target = 2; target <= last; ++target)
      for (size_t e = 0; e < terminal.edges.size(); ++e) {
        if (terminal.edges[e].second != target) continue;
        const FeatureShape out = walk(term.arguments[e], node[terminal.edges[e].first]);
        if (known[target] && !(node[target] == out))
          throw Error("architecture '" + shortened(to_string(whole_)) + "': " + term.name +
                      " adds branches of shapes " + to_string(node[target]) + " and " + to_string(out));
        node[target] = out, known[target] = true;
      }
    return node[last];
  }
  int64_t params = 0, flops = 0;

 private:
  FeatureShape operation(NetworkOperation op, const FeatureShape& in) {
    const int64_t c = in.channels, pixels = in.side * in.side;
    switch (op) {
      case NetworkOperation::kReluConvBn1x1:
      case NetworkOperation::kReluConvBn3x3: {
        const int64_t kernel = op == NetworkOperation::kReluConvBn1x1 ? 1 : 3;
        params += conv_params(c, c, kernel) + 2 * c;
        flops += conv_params(c, c, kernel) * pixels;
        break;
      }
      case NetworkOperation::kConv1x1:
      case NetworkOperation::kConv3x3: {
        const int64_t kernel = op == NetworkOperation::kConv1x1 ? 1 : 3;
        params += conv_params(c, c, kernel);
        flops += conv_params(c, c, kernel) * pixels;
        break;
      }
      case NetworkOperation::kDepthwiseConv3x3:
        params += 9 * c;
        flops += 9 * c * pixels;
        break;
      case NetworkOperation::kBatchNorm:
      case NetworkOperation::kInstanceNorm:
      case NetworkOperation::kLayerNorm:
        params += 2 * c;
        break;
      case NetworkOperation::kDown: {  // NB201's reduction block (graphs/spaces/nb201/network_cost.h)
        if (in.side % 2 != 0)
          throw Error("architecture '" + shortened(to_string(whole_)) + "': down cannot halve a side of " +
                      std::to_string(in.side) +
                      " pixels (the resolution must be divisible by 2 for every down)");
        const FeatureShape out{2 * c, in.side / 2};
        params += conv_params(c, out.channels, 3) + conv_params(out.channels, out.channels, 3) +
                  conv_params(c, out.channels, 1) + 4 * out.channels;
        flops += (conv_params(c, out.channels, 3) + conv_params(out.channels, out.channels, 3) +
                  conv_params(c, out.channels, 1)) *
                 out.side * out.side;
        return out;
      }
      default:  // zero, identity, pooling, activations and functions: no parameters, no MACs
        break;
    }
    return in;
  }
  const TermTree& whole_;
};

}  // namespace

UnaryFunction unary_function(const std::string& name) {
  const auto it = unary_functions().find(name);
  if (it == unary_functions().end()) throw Error("network: '" + name + "' is no unary function");
  return it->second;
}

BinaryFunction binary_function(const std::string& name) {
  const auto it = binary_functions().find(name);
  if (it == binary_functions().end()) throw Error("network: '" + name + "' is no binary function");
  return it->second;
}

bool is_function(const TermTree& term) { return term.name == "unary" || term.name == "binary"; }

std::optional<NetworkTerminal> known_network_terminal(const TermTree& term) {
  if (!network_vocabulary().count(term.name) && !is_function(term)) return std::nullopt;
  try {
    return network_terminal(term);
  } catch (const Error&) {  // a known name with another number of arguments
    return std::nullopt;
  }
}

NetworkTerminal network_terminal(const TermTree& term) {
  NetworkTerminal terminal;
  if (is_function(term)) {
    check_function(term);
    terminal.operation = NetworkOperation::kFunction;
    return terminal;
  }
  const int arguments = static_cast<int>(term.arguments.size());
  const int chain = chain_length(term.name);
  const auto fixed = fixed_topologies().find(term.name);
  if (chain >= 0 || fixed != fixed_topologies().end()) {
    terminal.topology = true;
    if (chain >= 0) {
      for (int i = 1; i <= arguments; ++i) terminal.edges.emplace_back(i, i + 1);
    } else {
      terminal.edges = fixed->second;
    }
    for (const auto& edge : terminal.edges)
      terminal.output_node = std::max(terminal.output_node, edge.second);
    const int expected = chain > 0    ? chain
                         : chain == 0 ? std::max(arguments, 1)
                                      : static_cast<int>(terminal.edges.size());
    if (arguments != expected)
      throw Error("network: " + term.name + " takes " + std::to_string(expected) + " arguments, '" +
                  shortened(to_string(term)) + "' gives " + std::to_string(arguments));
    return terminal;
  }
  const auto op = operations().find(term.name);
  if (op == operations().end())
    throw Error("network: unknown terminal '" + term.name + "' (known: " + [] {
      std::string names;
      for (const auto& [name, arity] : network_vocabulary()) names += (names.empty() ? "" : ", ") + name;
      return names;
    }() + ")");
  if (arguments != 0) throw Error("network: the operation " + term.name + " takes no arguments");
  terminal.operation = op->second;
  return terminal;
}

const TerminalVocabulary& network_vocabulary() {
  static const TerminalVocabulary vocabulary = [] {
    TerminalVocabulary v;
    for (const auto& [name, op] : operations()) v[name] = 0;
    for (const auto& [name, edges] : fixed_topologies()) v[name] = static_cast<int>(edges.size());
    v["Sequential"] = v["Linear"] = -1;
    v["unary"] = 2, v["binary"] = 3, v["x"] = 0;
    for (const auto& [name, function] : unary_functions()) v[name] = 0;
    for (const auto& [name, function] : binary_functions()) v[name] = 0;
    for (int length = 1; length <= kMaxNamedSequence; ++length)
      v["Sequential" + std::to_string(length)] = v["Linear" + std::to_string(length)] = length;
    return v;
  }();
  return vocabulary;
}

int downsamplings(const TermTree& term) {
  int count = term.name == "down" && term.arguments.empty() ? 1 : 0;
  for (const TermTree& argument : term.arguments) count += downsamplings(argument);
  return count;
}

TermTree network_body(const TermTree& term, int cells_per_stage) {
  if (downsamplings(term) > 0) return term;
  if (cells_per_stage < 1)
    throw Error("network: cells per stage N must be >= 1, got " + std::to_string(cells_per_stage));
  // NB201's best cell on CIFAR-10, |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|
  // nor_conv_3x3~1|nor_conv_3x3~2|, with the function as the activation of its ReLU-conv3x3-BN edges.
  TermTree cell = term;
  if (is_function(term)) {
    const TermTree convolution{"Sequential3", {term, {"conv3x3", {}}, {"batch", {}}}};
    cell = TermTree{"Cell", {convolution, convolution, convolution, {"id", {}}, convolution, convolution}};
  }
  TermTree skeleton{"Sequential", {}};
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) skeleton.arguments.push_back(TermTree{"down", {}});
    for (int n = 0; n < cells_per_stage; ++n) skeleton.arguments.push_back(cell);
  }
  return skeleton;
}

std::string to_string(const FeatureShape& shape) {
  return std::to_string(shape.channels) + "x" + std::to_string(shape.side) + "x" + std::to_string(shape.side);
}

GrammarNetworkCost grammar_network_cost(const TermTree& term, const Nb201MacroConfig& config) {
  if (config.channels < 1 || config.num_classes < 1 || config.resolution < 1)
    throw Error("network: channels, classes and resolution must be >= 1");
  const TermTree body = network_body(term, config.cells_per_stage);
  const int64_t c = config.channels, side = config.resolution;
  CostWalk walk(term);
  walk.params = conv_params(3, c, 3) + 2 * c;  // stem
  walk.flops = conv_params(3, c, 3) * side * side;
  GrammarNetworkCost cost;
  cost.output = walk.walk(body, FeatureShape{c, side});
  const int64_t last = cost.output.channels;
  cost.params = walk.params + 2 * last + last * config.num_classes + config.num_classes;  // BN, classifier
  cost.flops = walk.flops + last * config.num_classes;
  return cost;
}

}  // namespace tnas
