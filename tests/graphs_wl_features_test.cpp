#include "graphs/op_graph/wl_features.h"

#include <gtest/gtest.h>

#include "basics/error.h"

namespace tnas {
namespace {

// input(0) -> conv(2) -> output(1)
OpGraph chain() {
  OpGraph g;
  g.node_type = {0, 2, 1};
  g.predecessors = {{}, {0}, {1}};
  g.topo_order = {0, 1, 2};
  return g;
}

// the chain plus a shortcut input -> output
OpGraph chain_with_shortcut() {
  OpGraph g = chain();
  g.predecessors[2] = {0, 1};
  return g;
}

TEST(WlFeatures, LabelsOfTwoIterationsByHand) {
  const WlFeatures f = wl_features(chain_with_shortcut(), 2);
  // iteration 0: 0, 2, 1; iteration 1: 0(), 2(0), 1(0,2); iteration 2: 0()(), 2(0)(0()), 1(0,2)(0(),2(0))
  const WlFeatures expected = {{"0", 1},     {"1", 1},         {"2", 1},
                               {"0()", 1},   {"2(0)", 1},      {"1(0,2)", 1},
                               {"0()()", 1}, {"2(0)(0())", 1}, {"1(0,2)(0(),2(0))", 1}};
  EXPECT_EQ(f, expected);
}

TEST(WlFeatures, KernelValuesOnSmallGraphsMatchAHandComputation) {
  const auto a0 = wl_features(chain(), 0), b0 = wl_features(chain_with_shortcut(), 0);
  EXPECT_DOUBLE_EQ(wl_dot(a0, b0), 3.0);  // same type histogram {0, 1, 2}
  EXPECT_DOUBLE_EQ(wl_kernel(a0, b0), 1.0);
  // h = 1: the chain has 0(), 2(0), 1(2); the other 0(), 2(0), 1(0,2): two shared labels on top of the three.
  const auto a1 = wl_features(chain(), 1), b1 = wl_features(chain_with_shortcut(), 1);
  EXPECT_DOUBLE_EQ(wl_dot(a1, b1), 5.0);
  EXPECT_DOUBLE_EQ(wl_dot(a1, a1), 6.0);
  EXPECT_DOUBLE_EQ(wl_kernel(a1, b1), 5.0 / 6.0);
  // h = 2 adds 0()() and 2(0)(0()) as shared labels: 7 of 9.
  EXPECT_DOUBLE_EQ(wl_kernel(wl_features(chain(), 2), wl_features(chain_with_shortcut(), 2)), 7.0 / 9.0);
}

TEST(WlFeatures, Nb201CellsOneEditApartAreCloserThanUnrelatedOnes) {
  const auto f = [](const char* s) { return wl_features(make_op_graph(Nb201Cell::parse(s)), 2); };
  const auto base =
      f("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  const auto near =
      f("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
  const auto far = f("|none~0|+|avg_pool_3x3~0|none~1|+|none~0|avg_pool_3x3~1|none~2|");
  EXPECT_DOUBLE_EQ(wl_kernel(base, base), 1.0);
  EXPECT_DOUBLE_EQ(wl_kernel(base, near), wl_kernel(near, base));
  EXPECT_GT(wl_kernel(base, near), wl_kernel(base, far));
  EXPECT_GT(wl_kernel(base, far), 0.0);  // input and output labels are always shared
}

TEST(WlFeatures, NegativeIterationsAreAnError) { EXPECT_THROW(wl_features(chain(), -1), Error); }

}  // namespace
}  // namespace tnas
