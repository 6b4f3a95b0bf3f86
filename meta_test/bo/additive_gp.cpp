#include "meta_test/bo/additive_gp.h"

#include <cmath>
#include <cstdio>

#include "basics/error.h"
#include "models/surrogate/gp_regression.h"

namespace tnas {
namespace {

struct Choice {
  std::vector<int> alternative;  // per family, -1 = weight 0
  std::vector<double> weight;
};

// Every (alternative, weight) per family, at least one family used.
std::vector<Choice> enumerate_choices(const std::vector<KernelFamily>& families) {
  std::vector<Choice> out(1);
  for (const auto& f : families) {
    std::vector<Choice> next;
    for (const Choice& c : out)
      for (double w : f.weights) {
        if (w == 0) {
          Choice n = c;
          n.alternative.push_back(-1), n.weight.push_back(0);
          next.push_back(n);
          continue;
        }
        for (size_t a = 0; a < f.alternatives.size(); ++a) {
          Choice n = c;
          n.alternative.push_back(static_cast<int>(a)), n.weight.push_back(w);
          next.push_back(n);
        }
      }
    out = std::move(next);
  }
  std::vector<Choice> used;
  for (auto& c : out)
    for (int a : c.alternative)
      if (a >= 0) {
        used.push_back(c);
        break;
      }
  return used;
}

}  // namespace

Eigen::VectorXd standardized(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  double mean = 0, var = 0;
  for (double v : values) mean += v / n;
  for (double v : values) var += (v - mean) * (v - mean) / n;
  const double sd = var > 1e-12 ? std::sqrt(var) : 1.0;
  Eigen::VectorXd y(static_cast<long>(values.size()));
  for (long i = 0; i < y.size(); ++i) y(i) = (values[i] - mean) / sd;
  return y;
}

namespace {

// Throws tnas::Error when the kernels' shapes disagree with y or with each other; returns the candidates'
// count.
long check_shapes(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families) {
  const long n = y.size();
  long m = -1;
  for (const auto& f : families)
    for (const auto& b : f.alternatives) {
      if (b.train.rows() != n || b.train.cols() != n || b.cross.rows() != n ||
          (m >= 0 && b.cross.cols() != m) || b.diag.size() != b.cross.cols())
        throw Error("additive GP: kernel '" + b.name + "' has the wrong shape");
      m = b.cross.cols();
    }
  return m;
}

}  // namespace

AdditiveGpChoice choose_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                    const std::vector<double>& noise_grid) {
  const long n = y.size();
  check_shapes(y, families);
  const auto choices = enumerate_choices(families);
  if (choices.empty() || noise_grid.empty())
    throw Error("additive GP: no kernel with a non-zero weight to fit");
  double best_score = -1e300, best_lml = 0;
  const Choice* best = nullptr;
  double best_noise = noise_grid[0];
  Eigen::MatrixXd k(n, n);
  for (const Choice& c : choices) {
    k.setZero();
    double log_prior_odds = 0;
    for (size_t f = 0; f < families.size(); ++f)
      if (c.alternative[f] >= 0) {
        k += c.weight[f] * families[f].alternatives[c.alternative[f]].train;
        log_prior_odds += families[f].log_prior_odds;
      }
    for (double noise : noise_grid) {
      const auto llt = robust_cholesky(k + noise * Eigen::MatrixXd::Identity(n, n));
      const double lml = -0.5 * y.dot(llt.solve(y)) - llt.matrixLLT().diagonal().array().log().sum() -
                         0.5 * n * std::log(2 * M_PI);
      if (lml + log_prior_odds > best_score)
        best_score = lml + log_prior_odds, best_lml = lml, best = &c, best_noise = noise;
    }
  }
  return {best->alternative, best->weight, best_noise, best_lml};
}

AdditiveGpPrediction predict_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                         const AdditiveGpChoice& choice) {
  const long n = y.size(), m = check_shapes(y, families);
  if (choice.alternative.size() != families.size())
    throw Error("additive GP: a choice for other kernel families");
  AdditiveGpPrediction out;
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(n, n), cross = Eigen::MatrixXd::Zero(n, m);
  out.variance = Eigen::VectorXd::Zero(m);
  char term[96];
  for (size_t f = 0; f < families.size(); ++f) {
    if (choice.alternative[f] < 0) continue;
    const KernelBlock& b = families[f].alternatives[static_cast<size_t>(choice.alternative[f])];
    k += choice.weight[f] * b.train;
    cross += choice.weight[f] * b.cross;
    out.variance += choice.weight[f] * b.diag;
    std::snprintf(term, sizeof term, "%s%g*%s", out.kernel.empty() ? "" : " + ", choice.weight[f],
                  b.name.c_str());
    out.kernel += term;
  }
  const auto llt = robust_cholesky(k + choice.noise * Eigen::MatrixXd::Identity(n, n));
  out.mean = cross.transpose() * llt.solve(y);
  const Eigen::MatrixXd v = llt.matrixL().solve(cross);
  out.variance = (out.variance - v.colwise().squaredNorm().transpose()).cwiseMax(1e-12);
  out.noise = choice.noise;
  out.log_marginal_likelihood = choice.log_marginal_likelihood;
  return out;
}

AdditiveGpPrediction fit_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                     const std::vector<double>& noise_grid) {
  return predict_additive_gp(y, families, choose_additive_gp(y, families, noise_grid));
}

}  // namespace tnas
