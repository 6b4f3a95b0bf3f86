#include "models/surrogate/gp_regression.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tnas {
namespace {

// A closed-form reference written independently: explicit kernel matrix, explicit inverse.
double matern(double r, double s, double l) {
  const double u = std::sqrt(5.0) * r / l;
  return s * (1 + u + u * u / 3) * std::exp(-u);
}

struct Toy {
  Eigen::MatrixXd x{5, 2};
  Eigen::VectorXd y{5};
  Toy() {
    x << 0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.2;
    y << 0.1, 0.9, -0.4, 0.3, 0.5;
  }
};

TEST(GpRegression, PosteriorMatchesClosedForm) {
  Toy t;
  GpHyperparameters h{0.2, std::log(1.3), std::log(0.7), std::log(0.05)};
  GpRegression gp(t.x, t.y, h);
  Eigen::MatrixXd xs(2, 2);
  xs << 0.3, 0.4, 2, 2;
  Eigen::VectorXd mean, var;
  gp.predict(xs, mean, var);
  Eigen::MatrixXd k(5, 5), ks(5, 2);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j)
      k(i, j) = matern((t.x.row(i) - t.x.row(j)).norm(), h.outputscale(), h.lengthscale());
    for (int j = 0; j < 2; ++j)
      ks(i, j) = matern((t.x.row(i) - xs.row(j)).norm(), h.outputscale(), h.lengthscale());
  }
  k.diagonal().array() += h.noise();
  const Eigen::MatrixXd kinv = k.inverse();
  for (int j = 0; j < 2; ++j) {
    const double m = h.mean + ks.col(j).dot(kinv * (t.y.array() - h.mean).matrix());
    const double v = h.outputscale() - ks.col(j).dot(kinv * ks.col(j));
    EXPECT_NEAR(mean(j), m, 1e-10);
    EXPECT_NEAR(var(j), v, 1e-10);
  }
  // Marginal likelihood.
  const Eigen::VectorXd c = t.y.array() - h.mean;
  const double mll = -0.5 * c.dot(kinv * c) - 0.5 * std::log(k.determinant()) - 2.5 * std::log(2 * M_PI);
  EXPECT_NEAR(gp.log_marginal_likelihood(h), mll / 5, 1e-10);
}

TEST(GpRegression, GradientMatchesFiniteDifferences) {
  Toy t;
  GpRegression gp(t.x, t.y);
  GpHyperparameters h{0.3, std::log(0.8), std::log(0.6), std::log(0.1)};
  Eigen::Vector4d grad;
  gp.log_marginal_likelihood(h, &grad);
  const double eps = 1e-6;
  for (int k = 0; k < 4; ++k) {
    GpHyperparameters a = h, b = h;
    double* pa[] = {&a.mean, &a.log_outputscale, &a.log_lengthscale, &a.log_noise};
    double* pb[] = {&b.mean, &b.log_outputscale, &b.log_lengthscale, &b.log_noise};
    *pa[k] += eps;
    *pb[k] -= eps;
    const double fd = (gp.log_marginal_likelihood(a) - gp.log_marginal_likelihood(b)) / (2 * eps);
    EXPECT_NEAR(grad(k), fd, 1e-6) << "parameter " << k;
  }
}

TEST(GpRegression, FittingRaisesTheLikelihood) {
  Toy t;
  GpRegression gp(t.x, t.y);
  const double before = gp.log_marginal_likelihood(gp.hyperparameters());
  gp.fit(50, 0.1);
  EXPECT_GT(gp.log_marginal_likelihood(gp.hyperparameters()), before);
}

TEST(GpRegression, DuplicatePointsNeverGiveNaN) {
  // Identical inputs with a tiny noise: a near-singular covariance.
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(6, 3);
  Eigen::VectorXd y(6);
  y << 1, 1.0001, 0.9999, 1, 1, 1;
  GpRegression gp(x, y, {0, 0, 0, -30});  // noise = floor 1e-4 + e^-30
  double jitter = 0;
  Eigen::MatrixXd k = matern52(x, x, gp.hyperparameters());
  robust_cholesky(k, &jitter);  // without the noise the matrix is rank one: jitter is needed
  EXPECT_GT(jitter, 0);
  Eigen::Vector4d g;
  EXPECT_TRUE(std::isfinite(gp.log_marginal_likelihood(gp.hyperparameters(), &g)));
  EXPECT_TRUE(g.allFinite());
  gp.fit(50, 0.1);
  Eigen::VectorXd mean, var;
  gp.predict(Eigen::MatrixXd::Ones(2, 3), mean, var);
  EXPECT_TRUE(mean.allFinite());
  EXPECT_TRUE(var.allFinite());
  EXPECT_NEAR(mean(0), 1.0, 1e-2);
}

}  // namespace
}  // namespace tnas
