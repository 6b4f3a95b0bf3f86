#include "models/network/nb201_network.h"

#include <gtest/gtest.h>

#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {
namespace {

// The count depends only on how many 1x1 and 3x3 convs the cell has, but we build every one of the
// 15,625 modules anyway: the test is that module construction and closed form agree everywhere.
// Five shards, so that ctest runs them in parallel.
class AllCells : public ::testing::TestWithParam<int> {};

TEST_P(AllCells, ModuleParametersEqualTheClosedForm) {
  const Nb201MacroConfig cifar10;  // C=16, N=5, 10 classes
  const int64_t shard = kNb201NumCells / 5;
  for (int64_t id = GetParam() * shard; id < (GetParam() + 1) * shard; ++id) {
    const Nb201Cell cell = Nb201Cell::from_id(id);
    ASSERT_EQ(nb201_module_param_count(cell, cifar10), nb201_param_count(cell, cifar10)) << cell.to_string();
  }
}
INSTANTIATE_TEST_SUITE_P(Nb201Network, AllCells, ::testing::Range(0, 5));

TEST(Nb201Network, PublishedCounts) {
  const Nb201MacroConfig cifar10;
  EXPECT_EQ(
      nb201_module_param_count(
          Nb201Cell::parse(
              "|nor_conv_1x1~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"),
          cifar10),
      643386);
  EXPECT_EQ(nb201_module_param_count(Nb201Cell(), cifar10), 73306);
}

TEST(Nb201Network, OtherShapesAgreeToo) {
  Nb201MacroConfig c;
  c.channels = 8;
  c.cells_per_stage = 1;
  c.num_classes = 20;
  c.resolution = 16;
  for (int64_t id : {0, 1234, 9999, 15624}) {
    const Nb201Cell cell = Nb201Cell::from_id(id);
    EXPECT_EQ(nb201_module_param_count(cell, c), nb201_param_count(cell, c));
  }
}

}  // namespace
}  // namespace tnas
