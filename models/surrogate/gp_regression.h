#pragma once
// Exact Gaussian-process regression in float64 with Eigen: constant mean, scaled Matern-5/2 kernel with
// one lengthscale, Gaussian noise with a floor. This is the meta-test side of the deep-kernel GP (the
// features z are fixed there), with analytic gradients of the marginal likelihood so that 50 Adam steps
// on 30 points take microseconds, not the milliseconds of an autograd graph.
#include <Eigen/Dense>

namespace tnas {

constexpr double kGpNoiseFloor = 1e-4;

// Unconstrained parameters: outputscale = exp(log_outputscale), lengthscale = exp(log_lengthscale),
// noise = kGpNoiseFloor + exp(log_noise).
struct GpHyperparameters {
  double mean = 0;
  double log_outputscale = 0;
  double log_lengthscale = 0;
  double log_noise = -2.3;  // noise ~ 0.1

  double outputscale() const;
  double lengthscale() const;
  double noise() const;
};

// Matern-5/2 covariance between the rows of a (n x d) and b (m x d): n x m.
Eigen::MatrixXd matern52(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                         const GpHyperparameters& hyperparameters);
// The same from Euclidean distances r (any shape).
Eigen::MatrixXd matern52_from_distances(const Eigen::MatrixXd& r, const GpHyperparameters& hyperparameters);
// Euclidean distances between the rows of a (n x d) and b (m x d); b_squared_norms =
// b.rowwise().squaredNorm() may be passed when b is reused (a BO pool), saving a pass over b.
Eigen::MatrixXd pairwise_distances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                   const Eigen::VectorXd* b_squared_norms = nullptr);

// Cholesky factor of k + noise I, adding growing jitter (1e-8 .. 1e-1 times the mean diagonal) when the
// factorization fails; throws std::runtime_error only if even the largest jitter fails (never NaN).
Eigen::LLT<Eigen::MatrixXd> robust_cholesky(const Eigen::MatrixXd& k, double* jitter_used = nullptr);

class GpRegression {
 public:
  GpRegression(Eigen::MatrixXd x, Eigen::VectorXd y, GpHyperparameters h = {});

  // Log marginal likelihood divided by n; fills the gradient w.r.t. (mean, log_outputscale,
  // log_lengthscale, log_noise) when `grad` is given.
  double log_marginal_likelihood(const GpHyperparameters& hyperparameters,
                                 Eigen::Vector4d* grad = nullptr) const;
  // Maximizes the marginal likelihood with Adam from the current hyperparameters.
  void fit(int steps = 50, double learning_rate = 0.1);
  // Posterior mean and variance (of the latent function, without observation noise) at the rows of xs.
  void predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;
  // The same from the distances (n x m) between the training points and m test points. A BO loop keeps
  // these rows across steps (its pool is fixed), so a step costs O(n m), not O(n m d).
  void predict_from_distances(const Eigen::MatrixXd& cross_distances, Eigen::VectorXd& mean,
                              Eigen::VectorXd& variance) const;

  const GpHyperparameters& hyperparameters() const { return h_; }
  void set_hyperparameters(const GpHyperparameters& hyperparameters) { h_ = hyperparameters; }

 private:
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  mutable Eigen::MatrixXd distances_;  // pairwise distances of x_, computed once
  GpHyperparameters h_;
};

}  // namespace tnas
