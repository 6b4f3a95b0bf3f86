#include "graphs/spaces/nb201/network_cost.h"

#include <string>

#include "basics/error.h"

namespace tnas {
namespace {

int64_t conv_params(int64_t in, int64_t out, int64_t k) { return in * out * k * k; }
int64_t bn_params(int64_t c) { return 2 * c; }

// Parameters and MACs of one cell at `c` channels and spatial size `hw` x `hw`.
int64_t cell_params(const Nb201Cell& cell, int64_t c) {
  int64_t p = 0;
  for (Nb201Op op : cell.ops()) {
    if (op == Nb201Op::kConv1x1) p += conv_params(c, c, 1) + bn_params(c);
    if (op == Nb201Op::kConv3x3) p += conv_params(c, c, 3) + bn_params(c);
  }
  return p;
}

int64_t cell_macs(const Nb201Cell& cell, int64_t c, int64_t hw) {
  int64_t m = 0;
  for (Nb201Op op : cell.ops()) {
    if (op == Nb201Op::kConv1x1) m += conv_params(c, c, 1) * hw * hw;
    if (op == Nb201Op::kConv3x3) m += conv_params(c, c, 3) * hw * hw;
  }
  return m;
}

int64_t reduction_params(int64_t in, int64_t out) {
  return conv_params(in, out, 3) + bn_params(out) + conv_params(out, out, 3) + bn_params(out) +
         conv_params(in, out, 1);
}

// `hw_out` is the spatial size after the stride-2 block.
int64_t reduction_macs(int64_t in, int64_t out, int64_t hw_out) {
  return (conv_params(in, out, 3) + conv_params(out, out, 3) + conv_params(in, out, 1)) * hw_out * hw_out;
}

}  // namespace

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kHardswish:
      return "hardswish";
    case Activation::kMish:
      return "mish";
    default:
      return "relu";
  }
}

Activation parse_activation(const std::string& name) {
  for (Activation a : {Activation::kReLU, Activation::kHardswish, Activation::kMish})
    if (name == activation_name(a)) return a;
  throw Error("activation must be relu, hardswish or mish, got '" + name + "'");
}

void validate(const Nb201MacroConfig& c) {
  if (c.channels < 1) throw Error("network: channels C must be >= 1, got " + std::to_string(c.channels));
  if (c.cells_per_stage < 1)
    throw Error("network: cells per stage N must be >= 1, got " + std::to_string(c.cells_per_stage));
  if (c.num_classes < 1) throw Error("network: classes must be >= 1, got " + std::to_string(c.num_classes));
  if (c.resolution < 4 || c.resolution % 4 != 0)
    throw Error("network: resolution must be a positive multiple of 4 (two stride-2 stages), got " +
                std::to_string(c.resolution));
}

int64_t nb201_param_count(const Nb201Cell& cell, const Nb201MacroConfig& config) {
  validate(config);
  const int64_t c = config.channels, n = config.cells_per_stage;
  int64_t p = conv_params(3, c, 3) + bn_params(c);  // stem
  p += n * (cell_params(cell, c) + cell_params(cell, 2 * c) + cell_params(cell, 4 * c));
  p += reduction_params(c, 2 * c) + reduction_params(2 * c, 4 * c);
  p += bn_params(4 * c);                                 // last BN
  p += 4 * c * config.num_classes + config.num_classes;  // classifier
  return p;
}

int64_t nb201_flops(const Nb201Cell& cell, const Nb201MacroConfig& config) {
  validate(config);
  const int64_t c = config.channels, n = config.cells_per_stage;
  const int64_t r1 = config.resolution, r2 = r1 / 2, r3 = r1 / 4;
  int64_t m = conv_params(3, c, 3) * r1 * r1;
  m += n * (cell_macs(cell, c, r1) + cell_macs(cell, 2 * c, r2) + cell_macs(cell, 4 * c, r3));
  m += reduction_macs(c, 2 * c, r2) + reduction_macs(2 * c, 4 * c, r3);
  m += 4 * c * config.num_classes;
  return m;
}

}  // namespace tnas
