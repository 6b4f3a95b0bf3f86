#include "graphs/spaces/search_space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "basics/error.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "graphs/spaces/search_space_factory.h"

namespace tnas {
namespace {

TEST(SearchSpace, Nb201EnumeratesAllCellsInIdOrder) {
  const auto space = make_search_space("nb201");
  const auto all = space->enumerate();
  ASSERT_EQ(static_cast<int64_t>(all.size()), space->size());
  for (int64_t i = 0; i < space->size(); i += 997) EXPECT_EQ(space->id(all[i]), i);
  EXPECT_EQ(dedupe_by_iso_key(*space, all).size(), 6466u);
}

TEST(SearchSpace, NeighboursDifferInExactlyOneEdge) {
  const auto space = make_search_space("nb201");
  const Arch a = space->parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|");
  const auto n = space->neighbours(a);
  ASSERT_EQ(n.size(), 24u);
  std::set<Arch> unique(n.begin(), n.end());
  EXPECT_EQ(unique.size(), 24u);
  for (const Arch& b : n) {
    int diff = 0;
    for (int k = 0; k < 6; ++k) diff += a.choices[k] != b.choices[k];
    EXPECT_EQ(diff, 1);
  }
  Rng rng(7);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(unique.count(space->mutate(a, rng)));
}

TEST(SearchSpace, SamplingIsSeededAndCoversTheSpace) {
  const auto space = make_search_space("nb201");
  Rng r1(42), r2(42);
  std::set<int64_t> ids;
  for (int i = 0; i < 2000; ++i) {
    const Arch a = space->sample(r1);
    ASSERT_EQ(a, space->sample(r2));
    ids.insert(space->id(a));
  }
  EXPECT_GT(ids.size(), 1800u);  // 2000 draws from 15,625 cells: ~1,880 distinct expected
}

TEST(SearchSpace, RngIsPortable) {
  // mt19937_64's 10000th output is fixed by the C++ standard; our bounded draws build only on it.
  std::mt19937_64 reference(5489u);
  reference.discard(9999);
  EXPECT_EQ(reference(), 9981545732273789042ULL);
  // Golden values of every kind of draw: a change of any of them changes every plan, pool and trial seed.
  Rng golden(1);
  EXPECT_EQ(golden.next_u64(), 2469588189546311528ULL);
  EXPECT_EQ(golden.uniform_int(10), 1u);
  EXPECT_EQ(golden.uniform_int(1000003), 451216u);
  EXPECT_DOUBLE_EQ(golden.uniform01(), 0.02102422841672702);
  EXPECT_NEAR(golden.normal(), 0.78918877611049598, 1e-12);  // libm's log and cos: within rounding
  EXPECT_EQ(golden.fork_seed(), 16623999591239495073ULL);
  std::vector<int> order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  golden.shuffle(order);
  EXPECT_EQ(order, (std::vector<int>{2, 4, 1, 6, 7, 3, 9, 8, 5, 0}));
  Rng rng(1);
  const uint64_t first = rng.uniform_int(10);
  Rng again(1);
  EXPECT_EQ(again.uniform_int(10), first);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(rng.uniform_int(3), 3u);
    const double u = rng.uniform01();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(SearchSpace, BadNamesAndChoicesAreErrors) {
  EXPECT_THROW(make_search_space("darts"), Error);
  const auto space = make_search_space("nb201");
  EXPECT_THROW(space->format(Arch{{0, 1, 2}}), Error);
  EXPECT_THROW(space->format(Arch{{0, 1, 2, 3, 4, 5}}), Error);
  EXPECT_THROW(space->parse("|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|"), Error);
}

}  // namespace
}  // namespace tnas

namespace tnas {
namespace {

// The space's cost model is the NB201 network's (C=16, N=5, 10 classes): the published 73,306 parameters of
// the all-`none` cell, and more for every convolution.
TEST(SearchSpace, Nb201CostModelIsTheNetworksExactSize) {
  const Nb201Space space;
  const Arch none = space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(space.cost(none).params, 73306);
  EXPECT_EQ(space.cost(none).flops, nb201_flops(Nb201Cell(), Nb201MacroConfig{}));
  const Arch conv = space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_GT(space.cost(conv).params, 73306);
  EXPECT_GT(space.cost(conv).flops, space.cost(none).flops);
}

}  // namespace
}  // namespace tnas

namespace tnas {
namespace {

// JAHS: the cell plus activation, learning rate, weight decay and TrivialAugment; text round trip, strict
// parsing, one-choice neighbours, isomorphic cells with equal hyperparameters as one configuration.
TEST(JahsSpace, ParseFormatRoundTripAndStrictErrors) {
  const JahsSpace space;
  EXPECT_EQ(space.size(), 15625LL * 3 * 13 * 7 * 2);
  EXPECT_THROW(space.enumerate(), Error);
  const std::string text =
      "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;activation=mish;lr=0."
      "0316;wd=0.0001;trivial_augment=on";
  const Arch a = space.parse(text);
  EXPECT_EQ(space.format(a), text);
  const JahsHyperparameters h = JahsSpace::hyperparameters(a);
  EXPECT_EQ(h.activation, "mish");
  EXPECT_NEAR(h.learning_rate, std::pow(10.0, -1.5), 1e-12);
  EXPECT_NEAR(h.weight_decay, 1e-4, 1e-15);
  EXPECT_TRUE(h.trivial_augment);
  Rng rng(5);
  std::set<int64_t> ids;
  for (int i = 0; i < 200; ++i) {
    const Arch s = space.sample(rng);
    EXPECT_EQ(space.parse(space.format(s)), s);
    const int64_t id = space.id(s);
    EXPECT_TRUE(id >= 0 && id < space.size());
    EXPECT_EQ(id % kNb201NumCells, JahsSpace::cell(s).id());  // the cell's id in the low digits
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200u);  // 200 draws from 8.5 million: distinct (p of a repeat < 0.3 %)
  EXPECT_EQ(
      space.id(space.parse(
          "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|;activation=mish;lr=1;wd=0.01;trivial_augment=on")),
      space.size() - 1 - (kNb201NumCells - 1) +
          Nb201Cell::parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|").id());
  for (const char* bad : {"|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|",
                          "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;"
                          "activation=gelu;lr=0.1;wd=0.0001;trivial_augment=on",
                          "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;"
                          "activation=relu;lr=0.2;wd=0.0001;trivial_augment=on",
                          "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;"
                          "activation=relu;lr=0.1;wd=0.0001",
                          "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;"
                          "activation=relu;lr=0.1;wd=0.0001;trivial_augment=on;x"})
    EXPECT_THROW(space.parse(bad), Error) << bad;
}

TEST(JahsSpace, NeighboursChangeOneChoiceAndKeysSeeTheHyperparameters) {
  const JahsSpace space;
  const Arch a = space.parse(
      "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|;activation=relu;lr=0."
      "001;wd=0.0001;trivial_augment=off");
  const auto n = space.neighbours(a);
  // 24 cell edits + 2 activations + 1 learning rate (the lowest has one neighbour) + 2 weight decays + 1
  // flip.
  EXPECT_EQ(n.size(), 24u + 2 + 1 + 2 + 1);
  for (const Arch& b : n) {
    int diff = 0;
    for (size_t k = 0; k < a.choices.size(); ++k) diff += a.choices[k] != b.choices[k];
    EXPECT_EQ(diff, 1);
  }
  // Same cell up to isomorphism and the same hyperparameters: one key; another learning rate: another key.
  std::map<std::string, int64_t> first;
  int64_t x = -1, y = -1;
  for (int64_t id = 0; id < kNb201NumCells && x < 0; ++id)
    if (auto [it, fresh] = first.emplace(Nb201Cell::from_id(id).iso_key(), id); !fresh)
      x = it->second, y = id;
  ASSERT_GE(x, 0);
  const std::string hp = ";activation=relu;lr=0.001;wd=0.0001;trivial_augment=off";
  EXPECT_EQ(space.iso_key(space.parse(Nb201Cell::from_id(x).to_string() + hp)),
            space.iso_key(space.parse(Nb201Cell::from_id(y).to_string() + hp)));
  EXPECT_NE(space.iso_key(n[24 + 2]), space.iso_key(a));
  EXPECT_EQ(space.cost(a).params, Nb201Space().cost(Nb201Space::from_cell(JahsSpace::cell(a))).params);
  EXPECT_EQ(space.to_graph(a).node_type, make_op_graph(JahsSpace::cell(a)).node_type);
  EXPECT_EQ(make_search_space("jahs")->name(), "jahs");
}

// The surrogate sees the hyperparameters as numbers beside the graph: known values at the grid's ends, and
// every sampled configuration's features in [0, 1] with exactly one activation set. NB201 has none.
TEST(JahsSpace, NumericFeaturesPlaceTheHyperparametersOnTheirGrids) {
  const JahsSpace space;
  const std::string cell = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|";
  EXPECT_EQ(
      space.numeric_features(space.parse(cell + ";activation=hardswish;lr=0.001;wd=0.01;trivial_augment=on")),
      (std::vector<float>{0, 1, 0, 0, 1, 1}));
  EXPECT_EQ(space.numeric_features(space.parse(cell + ";activation=mish;lr=1;wd=1e-05;trivial_augment=off")),
            (std::vector<float>{0, 0, 1, 1, 0, 0}));
  const auto mid =
      space.numeric_features(space.parse(cell + ";activation=relu;lr=0.0316;wd=0.0001;trivial_augment=off"));
  EXPECT_FLOAT_EQ(mid[3], 6.0f / 12);  // 10^-1.5 is grid point 6 of 0..12
  EXPECT_FLOAT_EQ(mid[4], 2.0f / 6);   // 1e-4 is grid point 2 of 0..6
  Rng rng(8);
  for (int i = 0; i < 100; ++i) {
    const auto f = space.numeric_features(space.sample(rng));
    ASSERT_EQ(f.size(), static_cast<size_t>(space.numeric_feature_count()));
    EXPECT_EQ(f[0] + f[1] + f[2], 1.0f);
    for (float v : f) EXPECT_TRUE(v >= 0 && v <= 1);
  }
  EXPECT_EQ(Nb201Space().numeric_feature_count(), 0);
  EXPECT_TRUE(Nb201Space().numeric_features(Nb201Space().sample(rng)).empty());
}

}  // namespace
}  // namespace tnas
