#pragma once
// Parameters and FLOPs of the NAS-Bench-201 macro network, in closed form (no torch needed).
//
// Network: stem conv3x3(3->C)+BN; stage 1: N cells at C; reduction block C->2C; stage 2: N cells at 2C;
// reduction block 2C->4C; stage 3: N cells at 4C; BN-ReLU, global average pool, Linear(4C->classes).
// Reduction block (ResNet basic block, stride 2): ReLU-conv3x3(s2)-BN, ReLU-conv3x3-BN, shortcut
// avgpool2x2 + conv1x1 (no bias). Cell ops: nor_conv_kxk = ReLU-conv(kxk, no bias)-BN(affine);
// avg_pool_3x3, skip_connect, none have no parameters.
//
// Parameters count every learnable tensor (conv weights, BN weight+bias, linear weight+bias) — the
// convention NAS-Bench-201 uses for its published counts (BN running statistics are not parameters).
//
// FLOPs convention: multiply-accumulates of all convolutions and of the classifier for ONE image at the
// given input resolution (BN, ReLU, pooling and additions are not counted). Reported in millions.
#include <cstdint>
#include <string>

#include "graphs/spaces/nb201/nb201_cell.h"

namespace tnas {

// The nonlinearity of every ReLUConvBN and of the head (JAHS-Bench-201 searches it; it adds no parameters).
enum class Activation { kReLU, kHardswish, kMish };

struct Nb201MacroConfig {
  int channels = 16;        // C
  int cells_per_stage = 5;  // N
  int num_classes = 10;
  int resolution = 32;  // input height = width; must be a multiple of 4
  Activation activation = Activation::kReLU;
};

// "relu", "hardswish", "mish"; parse throws tnas::Error for any other name.
const char* activation_name(Activation a);
Activation parse_activation(const std::string& name);

// Throws tnas::Error when a value is out of range (C, N, classes >= 1; resolution a positive multiple of 4).
void validate(const Nb201MacroConfig& config);

int64_t nb201_param_count(const Nb201Cell& cell, const Nb201MacroConfig& config);
int64_t nb201_flops(const Nb201Cell& cell, const Nb201MacroConfig& config);  // multiply-accumulates

}  // namespace tnas
