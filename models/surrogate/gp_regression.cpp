#include "models/surrogate/gp_regression.h"

#include <cmath>
#include <stdexcept>

namespace tnas {

double GpHyperparameters::outputscale() const { return std::exp(log_outputscale); }
double GpHyperparameters::lengthscale() const { return std::exp(log_lengthscale); }
double GpHyperparameters::noise() const { return kGpNoiseFloor + std::exp(log_noise); }

// Via |a|^2 + |b|^2 - 2ab: one GEMM.
Eigen::MatrixXd pairwise_distances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                   const Eigen::VectorXd* b_squared_norms) {
  Eigen::MatrixXd d2 = (-2.0 * a * b.transpose()).colwise() + a.rowwise().squaredNorm();
  if (b_squared_norms)
    d2.rowwise() += b_squared_norms->transpose();
  else
    d2.rowwise() += b.rowwise().squaredNorm().transpose();
  return d2.cwiseMax(0.0).cwiseSqrt();
}

Eigen::MatrixXd matern52_from_distances(const Eigen::MatrixXd& r, const GpHyperparameters& hyperparameters) {
  // Array expressions, not a per-element lambda: Eigen vectorizes exp() here.
  const Eigen::ArrayXXd u = (std::sqrt(5.0) / hyperparameters.lengthscale()) * r.array();
  return (hyperparameters.outputscale() * (1 + u + u.square() / 3) * (-u).exp()).matrix();
}

Eigen::MatrixXd matern52(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                         const GpHyperparameters& hyperparameters) {
  return matern52_from_distances(pairwise_distances(a, b), hyperparameters);
}

Eigen::LLT<Eigen::MatrixXd> robust_cholesky(const Eigen::MatrixXd& k, double* jitter_used) {
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  const auto ok = [&] { return llt.info() == Eigen::Success && llt.matrixLLT().allFinite(); };
  double jitter = 0;
  const double scale = std::max(1e-12, k.diagonal().mean());
  for (double rel = 1e-8; !ok() && rel <= 1e-1; rel *= 10) {
    jitter = rel * scale;
    llt.compute(k + jitter * Eigen::MatrixXd::Identity(k.rows(), k.cols()));
  }
  if (!ok()) throw std::runtime_error("GP covariance is not positive definite even with jitter");
  if (jitter_used) *jitter_used = jitter;
  return llt;
}

GpRegression::GpRegression(Eigen::MatrixXd x, Eigen::VectorXd y, GpHyperparameters hyperparameters)
    : x_(std::move(x)), y_(std::move(y)), h_(hyperparameters) {
  if (x_.rows() != y_.size()) throw std::invalid_argument("GpRegression: x and y differ in length");
}

double GpRegression::log_marginal_likelihood(const GpHyperparameters& hyperparameters,
                                             Eigen::Vector4d* grad) const {
  const Eigen::Index n = y_.size();
  if (n == 0) {
    if (grad) grad->setZero();
    return 0;
  }
  if (distances_.rows() != n)
    distances_ = pairwise_distances(x_, x_);  // fixed while the hyperparameters move
  const Eigen::MatrixXd& r = distances_;
  const double s = hyperparameters.outputscale(), l = hyperparameters.lengthscale();
  Eigen::MatrixXd k(n, n), dk_dlogl(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double u = std::sqrt(5.0) * r(i, j) / l, e = std::exp(-u);
      k(i, j) = s * (1 + u + u * u / 3) * e;
      dk_dlogl(i, j) = s * u * u * (1 + u) / 3 * e;  // d k / d log l
    }
  Eigen::MatrixXd kn = k;
  kn.diagonal().array() += hyperparameters.noise();
  const auto llt = robust_cholesky(kn);
  const Eigen::VectorXd centered = y_.array() - hyperparameters.mean;
  const Eigen::VectorXd alpha = llt.solve(centered);
  const double log_det = 2 * llt.matrixLLT().diagonal().array().log().sum();
  const double mll = -0.5 * centered.dot(alpha) - 0.5 * log_det - 0.5 * n * std::log(2 * M_PI);
  if (grad) {
    // d mll / d theta = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta)
    const Eigen::MatrixXd w = alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    (*grad)(0) = alpha.sum();
    (*grad)(1) = 0.5 * (w.cwiseProduct(k)).sum();
    (*grad)(2) = 0.5 * (w.cwiseProduct(dk_dlogl)).sum();
    (*grad)(3) = 0.5 * w.trace() * std::exp(hyperparameters.log_noise);
    *grad /= static_cast<double>(n);
  }
  return mll / static_cast<double>(n);
}

void GpRegression::fit(int steps, double lr) {
  Eigen::Vector4d theta(h_.mean, h_.log_outputscale, h_.log_lengthscale, h_.log_noise),
      m = Eigen::Vector4d::Zero(), v = Eigen::Vector4d::Zero(), g;
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (int t = 1; t <= steps; ++t) {
    GpHyperparameters h{theta(0), theta(1), theta(2), theta(3)};
    log_marginal_likelihood(h, &g);
    if (!g.allFinite()) break;
    g = -g;  // minimize -mll
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const Eigen::Vector4d mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
    theta -= lr * mh.cwiseQuotient((vh.cwiseSqrt().array() + eps).matrix());
    theta(1) = std::clamp(theta(1), -12.0, 12.0);  // keep exp() finite
    theta(2) = std::clamp(theta(2), -12.0, 12.0);
    theta(3) = std::clamp(theta(3), -20.0, 5.0);
  }
  h_ = {theta(0), theta(1), theta(2), theta(3)};
}

void GpRegression::predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean,
                           Eigen::VectorXd& variance) const {
  if (y_.size() == 0) {
    mean = Eigen::VectorXd::Constant(xs.rows(), h_.mean);
    variance = Eigen::VectorXd::Constant(xs.rows(), h_.outputscale());
    return;
  }
  predict_from_distances(pairwise_distances(x_, xs), mean, variance);
}

void GpRegression::predict_from_distances(const Eigen::MatrixXd& cross, Eigen::VectorXd& mean,
                                          Eigen::VectorXd& variance) const {
  const Eigen::Index n = y_.size();
  if (cross.rows() != n)
    throw std::invalid_argument("GpRegression: cross distances need one row per training point");
  if (n == 0) {
    mean = Eigen::VectorXd::Constant(cross.cols(), h_.mean);
    variance = Eigen::VectorXd::Constant(cross.cols(), h_.outputscale());
    return;
  }
  Eigen::MatrixXd kn = matern52(x_, x_, h_);
  kn.diagonal().array() += h_.noise();
  const auto llt = robust_cholesky(kn);
  const Eigen::MatrixXd ks = matern52_from_distances(cross, h_);  // n x m
  const Eigen::VectorXd alpha = llt.solve((y_.array() - h_.mean).matrix());
  mean = (ks.transpose() * alpha).array() + h_.mean;
  const Eigen::MatrixXd v = llt.matrixL().solve(ks);
  variance = (h_.outputscale() - v.colwise().squaredNorm().array()).cwiseMax(1e-12).matrix().transpose();
}

}  // namespace tnas
