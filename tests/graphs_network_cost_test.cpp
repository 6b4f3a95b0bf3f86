#include "graphs/spaces/nb201/network_cost.h"

#include <gtest/gtest.h>

#include "basics/error.h"

namespace tnas {
namespace {

TEST(NetworkCost, PublishedNasBench201ParameterCounts) {
  const Nb201MacroConfig cifar10;  // C=16, N=5, 10 classes, 32x32
  // The cell-free base network (all edges none) of NAS-Bench-201's CIFAR-10 model.
  EXPECT_EQ(nb201_param_count(Nb201Cell(), cifar10), 73306);
  EXPECT_EQ(
      nb201_param_count(
          Nb201Cell::parse(
              "|nor_conv_1x1~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"),
          cifar10),
      643386);
  // All six edges nor_conv_3x3: the largest NB201 network, 1.531546 M on CIFAR-10.
  EXPECT_EQ(
      nb201_param_count(Nb201Cell::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|"
                                         "nor_conv_3x3~1|nor_conv_3x3~2|"),
                        cifar10),
      1531546);
  // CIFAR-100 differs only in the classifier: 64 x 90 more weights and 90 more biases.
  Nb201MacroConfig cifar100 = cifar10;
  cifar100.num_classes = 100;
  EXPECT_EQ(nb201_param_count(Nb201Cell(), cifar100), 73306 + 64 * 90 + 90);
}

TEST(NetworkCost, ParameterFreeOpsAddNothing) {
  const Nb201MacroConfig config;
  const auto pools = Nb201Cell::parse(
      "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|skip_connect~1|avg_pool_3x3~2|");
  EXPECT_EQ(nb201_param_count(pools, config), nb201_param_count(Nb201Cell(), config));
}

TEST(NetworkCost, FlopsFollowTheDocumentedConvention) {
  Nb201MacroConfig config;
  const int64_t base = nb201_flops(Nb201Cell(), config);
  // stem 27*16*32^2 + reduction1 (16*32*9 + 32*32*9 + 16*32)*16^2 + reduction2 (32*64*9 + 64*64*9 +
  // 32*64)*8^2
  // + classifier 64*10
  EXPECT_EQ(base, 27 * 16 * 1024 + (16 * 32 * 9 + 32 * 32 * 9 + 16 * 32) * 256 +
                      (32 * 64 * 9 + 64 * 64 * 9 + 32 * 64) * 64 + 64 * 10);
  // One nor_conv_1x1 edge adds C^2 * R^2 per stage, N times.
  const auto one_conv = Nb201Cell::parse("|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(nb201_flops(one_conv, config) - base, 5 * (16 * 16 * 1024 + 32 * 32 * 256 + 64 * 64 * 64));
  config.resolution = 16;
  EXPECT_LT(nb201_flops(one_conv, config), nb201_flops(one_conv, Nb201MacroConfig()));
}

TEST(NetworkCost, RejectsInvalidConfigs) {
  Nb201MacroConfig config;
  config.resolution = 30;
  EXPECT_THROW(nb201_param_count(Nb201Cell(), config), Error);
  config = Nb201MacroConfig();
  config.channels = 0;
  EXPECT_THROW(nb201_flops(Nb201Cell(), config), Error);
}

}  // namespace
}  // namespace tnas
