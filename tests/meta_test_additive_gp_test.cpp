#include "meta_test/bo/additive_gp.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tnas {
namespace {

// A linear kernel on one feature: observations x (n) and candidates c (m).
KernelBlock linear(const std::string& name, const Eigen::VectorXd& x, const Eigen::VectorXd& c) {
  return {name, x * x.transpose(), x * c.transpose(), c.array().square()};
}

// Six observations that one feature explains exactly and another not at all.
struct TwoFeatures {
  Eigen::VectorXd y{{-1.5, -0.9, -0.3, 0.3, 0.9, 1.5}};
  Eigen::VectorXd explains = y;
  Eigen::VectorXd unrelated{{1.0, -1.0, 1.0, -1.0, 1.0, -1.0}};
  Eigen::VectorXd candidates{{2.0}};
};

TEST(AdditiveGp, TheLogMarginalLikelihoodIsTheGaussianDensityOfTheObservations) {
  // One family, one weight, one noise: K = x x^T + 0.1 I on two points, log N(y; 0, K) by hand.
  const Eigen::VectorXd y{{1.0, -0.5}}, x{{1.0, 2.0}}, c{{0.0}};
  const auto choice = choose_additive_gp(y, {{{linear("x", x, c)}, {1.0}}}, {0.1});
  const double k11 = 1.1, k12 = 2.0, k22 = 4.1, det = k11 * k22 - k12 * k12;
  const double quadratic = (k22 * 1.0 - 2 * k12 * 1.0 * -0.5 + k11 * 0.25) / det;
  EXPECT_NEAR(choice.log_marginal_likelihood, -0.5 * quadratic - 0.5 * std::log(det) - std::log(2 * M_PI),
              1e-9);
}

TEST(AdditiveGp, TheFamilyThatExplainsTheDataIsChosenWhenThePriorIsIndifferent) {
  const TwoFeatures data;
  const auto choice = choose_additive_gp(data.y,
                                         {{{linear("unrelated", data.unrelated, data.candidates)}, {0, 1}},
                                          {{linear("explains", data.explains, data.candidates)}, {0, 1}}},
                                         {1e-3, 1e-1});
  EXPECT_EQ(choice.alternative[0], -1);
  EXPECT_EQ(choice.alternative[1], 0);
}

TEST(AdditiveGp, PriorOddsAgainstAFamilyKeepItOutUnlessTheDataOutweighThem) {
  const TwoFeatures data;
  const std::vector<double> noise = {1e-3, 1e-1};
  KernelFamily unrelated{{linear("unrelated", data.unrelated, data.candidates)}, {0, 1}};
  KernelFamily explains{{linear("explains", data.explains, data.candidates)}, {0, 1}};
  const auto free_choice = choose_additive_gp(data.y, {unrelated, explains}, noise);
  // The evidence for "explains" over "unrelated" alone, in nats.
  const auto without = choose_additive_gp(data.y, {unrelated}, noise);
  const double evidence = free_choice.log_marginal_likelihood - without.log_marginal_likelihood;
  ASSERT_GT(evidence, 1.0);

  explains.log_prior_odds = -(evidence + 0.5);  // more than the data show: kept out
  const auto against = choose_additive_gp(data.y, {unrelated, explains}, noise);
  EXPECT_EQ(against.alternative[1], -1);
  EXPECT_EQ(against.alternative[0], 0);
  EXPECT_DOUBLE_EQ(against.log_marginal_likelihood, without.log_marginal_likelihood);  // without the odds

  explains.log_prior_odds = -(evidence - 0.5);  // less than the data show: used, as without odds
  const auto outweighed = choose_additive_gp(data.y, {unrelated, explains}, noise);
  EXPECT_EQ(outweighed.alternative, free_choice.alternative);
  EXPECT_DOUBLE_EQ(outweighed.log_marginal_likelihood, free_choice.log_marginal_likelihood);
}

}  // namespace
}  // namespace tnas
