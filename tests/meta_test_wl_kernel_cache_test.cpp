#include "meta_test/bo/wl_kernel_cache.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "basics/rng.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/nb201/nb201_space.h"

namespace tnas {
namespace {

std::vector<Arch> drawn(const SearchSpace& space, int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<Arch> configs;
  for (int i = 0; i < count; ++i) configs.push_back(space.sample(rng));
  return configs;
}

// On a grammar space the hierarchical family is BOHNAS's kernel at every depth h (levels as BOHNAS takes
// them), the computational one NAS-BOWL's kernel of the whole term tree; both are symmetric between observed
// rows and 1 on an architecture with itself.
TEST(WlKernelCache, AGrammarPoolGetsTheHierarchicalKernelWhenAskedFor) {
  const GrammarSpace space(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"));
  const std::vector<Arch> configs = drawn(space, 6, 4);
  const CandidatePool pool(space, configs);
  const std::vector<long> rows = {0, 1, 2}, candidates = {3, 4, 5, 0};
  WlKernelCache hierarchical(pool, 2, WlGraphs::kHierarchical), flat(pool, 2, WlGraphs::kComputational);
  EXPECT_TRUE(hierarchical.hierarchical());
  EXPECT_FALSE(flat.hierarchical());
  const KernelFamily h = hierarchical.family(rows, candidates, {0.0, 1.0});
  const KernelFamily f = flat.family(rows, candidates, {0.0, 1.0});
  ASSERT_EQ(h.alternatives.size(), 3u);
  ASSERT_EQ(f.alternatives.size(), 3u);
  const int levels = std::min(space.max_depth(), 8);
  for (int depth = 0; depth <= 2; ++depth) {
    EXPECT_EQ(h.alternatives[depth].name, "hwl(h=" + std::to_string(depth) + ")");
    EXPECT_EQ(f.alternatives[depth].name, "wl(h=" + std::to_string(depth) + ")");
    for (size_t a = 0; a < rows.size(); ++a) {
      EXPECT_NEAR(h.alternatives[depth].train(a, a), 1.0, 1e-12);
      for (size_t c = 0; c < candidates.size(); ++c) {
        const auto first =
            hierarchical_wl_features(space.grammar(), space.decode(configs[rows[a]]), levels, 2);
        const auto second =
            hierarchical_wl_features(space.grammar(), space.decode(configs[candidates[c]]), levels, 2);
        EXPECT_DOUBLE_EQ(h.alternatives[depth].cross(a, c), hierarchical_wl_kernels(first, second)[depth]);
        EXPECT_DOUBLE_EQ(f.alternatives[depth].cross(a, c),
                         wl_kernel(wl_features(space.to_graph(configs[rows[a]]), depth),
                                   wl_features(space.to_graph(configs[candidates[c]]), depth)));
      }
    }
    EXPECT_TRUE(h.alternatives[depth].train.isApprox(h.alternatives[depth].train.transpose()));
    EXPECT_NEAR(h.alternatives[depth].cross(0, 3), 1.0, 1e-12);  // candidate 0 is row 0
  }
  EXPECT_FALSE(h.alternatives[2].cross.isApprox(f.alternatives[2].cross, 1e-3));
}

// Asked for the hierarchical kernel, a space without derivations keeps the WL kernel of its cells' graphs.
TEST(WlKernelCache, ACellSpaceKeepsTheKernelOfItsGraphs) {
  const Nb201Space space;
  const std::vector<Arch> configs = drawn(space, 4, 9);
  const CandidatePool pool(space, configs);
  WlKernelCache cache(pool, 2, WlGraphs::kHierarchical);
  EXPECT_FALSE(cache.hierarchical());
  const KernelFamily family = cache.family({0, 1}, {2, 3}, {1.0});
  EXPECT_EQ(family.alternatives[1].name, "wl(h=1)");
  EXPECT_DOUBLE_EQ(family.alternatives[1].cross(1, 0), wl_kernel(wl_features(space.to_graph(configs[1]), 1),
                                                                 wl_features(space.to_graph(configs[2]), 1)));
}

}  // namespace
}  // namespace tnas
