#include "basics/rank_correlation.h"

#include <gtest/gtest.h>

namespace tnas {
namespace {

TEST(RankCorrelation, KnownValues) {
  const std::vector<double> a = {1, 2, 3, 4, 5}, b = {5, 6, 7, 8, 7};
  EXPECT_NEAR(spearman(a, b), 0.82078268166812329, 1e-12);       // scipy.stats.spearmanr
  EXPECT_NEAR(kendall_tau_b(a, b), 0.73786478737262184, 1e-12);  // scipy.stats.kendalltau (tau-b)
  EXPECT_NEAR(pearson(a, {2, 4, 6, 8, 10}), 1.0, 1e-12);
  EXPECT_EQ(average_ranks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
  EXPECT_EQ(spearman(a, {3, 3, 3, 3, 3}), 0.0);
}

}  // namespace
}  // namespace tnas
