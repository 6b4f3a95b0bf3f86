#pragma once
// What a grammar architecture is as a network (issue 28 item 3), torch-free: the terminals the network
// builder (models/network/grammar_network_module.h) knows, the macro skeleton around a derivation, the shapes
// along it, and its parameters and FLOPs in closed form (tested against the LibTorch module's own count).
//
// Topologies are DAGs over numbered nodes, as in the reference's hierarchical NB201 (Schrodi et al. 2023):
// node 1 is the input, the last node the output, every other node the sum of its incoming edges; the
// arguments are the edges in order.
//   SequentialN(a1 .. aN) (also LinearN; `Sequential` takes any number): 1->2->...->N+1
//   Residual2(a, skip, b): 1->2, 1->3, 2->3          Residual3(a, b, skip, c): 1->2, 2->3, 1->4, 3->4
//   Diamond2(a, b, c, d): 1->2, 1->3, 2->4, 3->4     Diamond3(a .. f): 1->2, 1->3, 2->4, 3->5, 4->6, 5->6
//   Cell(six operations): NB201's cell, edges 1->2, 1->3, 2->3, 1->4, 2->4, 3->4 (its string's order)
// Operations keep the channels and the resolution, except `down`:
//   zero | none, id | skip_connect, avg_pool | avg_pool_3x3 (3x3, stride 1, padding not counted),
//   nor_conv_1x1, nor_conv_3x3 (NB201's ReLU-conv-BN), conv1x1, conv3x3 (a convolution alone, no bias),
//   dconv3x3 (depthwise 3x3), relu, hardswish, mish, batch (batch norm), instance (instance norm, affine),
//   layer (layer norm over channels and pixels with a per-channel affine, i.e. group norm with one group:
//   the reference's per-pixel affine would tie a network to one resolution), down (NB201's reduction block:
//   ReLU-conv3x3(stride 2)-BN, ReLU-conv3x3-BN, shortcut 2x2 average pool + conv1x1; twice the channels).
// Element-wise functions (the shipped activation_functions grammar, after Ramachandran et al. 2017's search
// for activation functions) are operations too: `unary(OP, ARGUMENT)` and `binary(OP, LEFT, RIGHT)` over the
// operation's input `x` (UnaryFunction, BinaryFunction below). An architecture that is such a function is
// searched as the activation of NB201's best CIFAR-10 cell: network_body makes each of that cell's
// ReLU-conv3x3-BN a Sequential3(function, conv3x3, batch), so that the function relu gives NB201's own
// network.
//
// The network: stem conv3x3(3 -> C) + BN, the body, BN-ReLU, global average pool, linear classifier. A
// derivation that downsamples is the whole body; one that never does is a cell, placed into NB201's macro
// skeleton (N copies per stage, a `down` between stages), so that the flat NB201 grammar gives NB201's
// networks. Where branches meet, their shapes must agree (an error names the topology and both shapes).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graphs/spaces/grammar/derivation.h"
#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {

enum class NetworkOperation {
  kZero,
  kIdentity,
  kAvgPool,
  kReluConvBn1x1,
  kReluConvBn3x3,
  kConv1x1,
  kConv3x3,
  kDepthwiseConv3x3,
  kRelu,
  kHardswish,
  kMish,
  kBatchNorm,
  kInstanceNorm,
  kLayerNorm,
  kDown,
  kFunction,  // an element-wise function term (unary / binary)
};

enum class UnaryFunction {
  kIdentity,
  kNegate,
  kAbs,
  kSquare,
  kCube,
  kSqrtAbs,       // sqrt(|x| + 1e-6): a finite gradient at 0
  kExpNegSquare,  // exp(-x^2)
  kSigmoid,
  kTanh,
  kRelu,
  kSin,
  kCos,
  kLog1pAbs,  // log(1 + |x|)
  kErf,
};
enum class BinaryFunction { kAdd, kMultiply, kSubtract, kMaximum, kMinimum, kSigmoidGate /* sigmoid(a) b */ };
// Throw tnas::Error naming the name for one that is no such function.
UnaryFunction unary_function(const std::string& name);
BinaryFunction binary_function(const std::string& name);
// Whether `term` is a function term (rooted at unary or binary).
bool is_function(const TermTree& term);

// What one terminal of a term tree is: a topology (its edges, 1-based node pairs, one per argument) or an
// operation (a leaf).
struct NetworkTerminal {
  bool topology = false;
  std::vector<std::pair<int, int>> edges;
  int output_node = 1;  // a topology's last node (every edge runs from a lower node to a higher one)
  NetworkOperation operation = NetworkOperation::kIdentity;
};

// Throws tnas::Error for a name the builder does not know or a topology given another number of arguments.
NetworkTerminal network_terminal(const TermTree& term);
// network_terminal(term), or nullopt for a term the builder does not know (a terminal of a grammar searched
// with a command objective, or a known name with another number of arguments): what reads a term as a network
// where it can and as written where it cannot (hierarchical_wl.h, network_key.h).
std::optional<NetworkTerminal> known_network_terminal(const TermTree& term);
// Every terminal name with its number of arguments (-1: any), for check_terminals (grammar.h).
const TerminalVocabulary& network_vocabulary();

// The body the network runs between stem and head (see above): `term` itself when it downsamples, else the
// NB201 skeleton of `cells_per_stage` copies per stage of `term`, or, for a function, of NB201's best cell
// with that activation.
TermTree network_body(const TermTree& term, int cells_per_stage);
int downsamplings(const TermTree& term);

struct FeatureShape {
  int64_t channels = 0, side = 0;
  bool operator==(const FeatureShape& other) const {
    return channels == other.channels && side == other.side;
  }
};
std::string to_string(const FeatureShape& shape);  // "32x16x16"

struct GrammarNetworkCost {
  int64_t params = 0;   // every learnable tensor, as nb201_param_count
  int64_t flops = 0;    // multiply-accumulates of convolutions and classifier for one image, as nb201_flops
  FeatureShape output;  // of the body
};

// The network of `term` at `config`'s width C, resolution, classes and (for a cell) cells per stage
// (`config.activation` is not used: the grammar chooses activations). Throws tnas::Error naming the
// architecture for an unknown terminal, branches of different shapes, or a resolution that its downsamplings
// cannot halve.
GrammarNetworkCost grammar_network_cost(const TermTree& term, const Nb201MacroConfig& config);

}  // namespace tnas
