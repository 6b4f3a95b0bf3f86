// Pareto dominance, non-dominated sorting, crowding distance and the exact hypervolume (against brute force).
#include "meta_test/multi_objective/pareto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "basics/error.h"
#include "basics/rng.h"

namespace tnas {
namespace {

// Brute force: the grid of every point's coordinates (and the reference's) cut into cells; a cell counts
// when some point dominates its upper corner. Exact, O(n^d * n d).
double grid_hypervolume(const std::vector<ObjectiveVector>& points, const ObjectiveVector& ref) {
  const size_t d = ref.size();
  std::vector<std::vector<double>> cuts(d);
  for (size_t k = 0; k < d; ++k) {
    cuts[k].push_back(ref[k]);
    for (const auto& p : points)
      if (p[k] > ref[k]) cuts[k].push_back(p[k]);
    std::sort(cuts[k].begin(), cuts[k].end());
    cuts[k].erase(std::unique(cuts[k].begin(), cuts[k].end()), cuts[k].end());
  }
  std::vector<size_t> at(d, 0);
  double total = 0;
  while (true) {
    bool valid = true;
    for (size_t k = 0; k < d; ++k) valid = valid && at[k] + 1 < cuts[k].size();
    if (valid) {
      double volume = 1;
      for (size_t k = 0; k < d; ++k) volume *= cuts[k][at[k] + 1] - cuts[k][at[k]];
      for (const auto& p : points) {
        bool covers = true;
        for (size_t k = 0; k < d; ++k) covers = covers && p[k] >= cuts[k][at[k] + 1];
        if (covers) {
          total += volume;
          break;
        }
      }
    }
    size_t k = 0;  // next grid cell (odometer)
    while (k < d && ++at[k] + 1 >= cuts[k].size()) at[k++] = 0;
    if (k == d) break;
  }
  return total;
}

TEST(Pareto, HypervolumeOfKnownFronts) {
  EXPECT_DOUBLE_EQ(hypervolume({{3}}, {1}), 2);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {0, 0}),
                   6);                                         // a staircase of three unit-width steps
  EXPECT_DOUBLE_EQ(hypervolume({{2, 2}, {1, 1}}, {0, 0}), 4);  // a dominated point adds nothing
  EXPECT_DOUBLE_EQ(hypervolume({{2, 2, 2}}, {0, 0, 0}), 8);
  EXPECT_DOUBLE_EQ(hypervolume({{2, 1, 1}, {1, 2, 1}, {1, 1, 2}}, {0, 0, 0}),
                   4);                                  // three 2x1x1 boxes overlapping in the unit cube
  EXPECT_DOUBLE_EQ(hypervolume({{-1, 5}}, {0, 0}), 0);  // not above the reference
  EXPECT_DOUBLE_EQ(hypervolume({}, {0, 0}), 0);
  EXPECT_THROW(hypervolume({{1, 2, 3, 4}}, {0, 0, 0, 0}), Error);
  EXPECT_THROW(hypervolume({{1, 2}}, {0, 0, 0}), Error);
}

TEST(Pareto, HypervolumeEqualsBruteForceOnRandomFronts) {
  Rng rng(17);
  for (size_t d = 2; d <= 3; ++d)
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<ObjectiveVector> points(1 + rng.uniform_int(12));
      for (auto& p : points)
        for (size_t k = 0; k < d; ++k)
          p.push_back(static_cast<double>(rng.uniform_int(6)) - 1.0 + rng.uniform01() * (trial % 2));
      const ObjectiveVector ref(d, 0.0);
      EXPECT_NEAR(hypervolume(points, ref), grid_hypervolume(points, ref), 1e-9)
          << "d=" << d << " trial " << trial;
      // Only the non-dominated points matter.
      std::vector<ObjectiveVector> front;
      for (size_t i : non_dominated(points)) front.push_back(points[i]);
      EXPECT_NEAR(hypervolume(front, ref), hypervolume(points, ref), 1e-9);
    }
}

TEST(Pareto, NonDominatedSortingAndCrowding) {
  const std::vector<ObjectiveVector> p = {{1, 5}, {2, 4}, {3, 3}, {1, 1}, {2, 2}, {0, 0}, {3, 3}};
  EXPECT_TRUE(dominates(p[1], p[4]));
  EXPECT_FALSE(dominates(p[2], p[6]));  // equal points do not dominate each other
  EXPECT_FALSE(dominates(p[0], p[1]));
  EXPECT_EQ(non_dominated(p), (std::vector<size_t>{0, 1, 2, 6}));
  const auto fronts = non_dominated_fronts(p);
  ASSERT_EQ(fronts.size(), 4u);
  EXPECT_EQ(fronts[0], (std::vector<size_t>{0, 1, 2, 6}));
  EXPECT_EQ(fronts[1], (std::vector<size_t>{4}));
  EXPECT_EQ(fronts[2], (std::vector<size_t>{3}));
  EXPECT_EQ(fronts[3], (std::vector<size_t>{5}));
  const auto crowd = crowding_distance(p, {0, 1, 2});
  EXPECT_TRUE(std::isinf(crowd[0]));
  EXPECT_TRUE(std::isinf(crowd[2]));
  EXPECT_DOUBLE_EQ(crowd[1], 2.0);  // (3 - 1) / 2 + (5 - 3) / 2
}

}  // namespace
}  // namespace tnas
