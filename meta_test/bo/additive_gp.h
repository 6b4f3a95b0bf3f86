#pragma once
// A GP whose kernel is a weighted sum of given kernel matrices, with the weights, one alternative per
// family (e.g. the WL kernel's depth h) and the noise chosen by the exact log marginal likelihood over a
// small grid. tnas uses it to let the target's own observations decide how much to trust the meta-learned
// deep kernel and zero-shot prior against a kernel that learns from scratch (the WL kernel): with a good
// prior the search starts where the meta-data point; with a misleading one it degrades to NAS-BOWL rather
// than to a model that cannot learn. Labels are expected standardized (zero mean, unit variance).
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace tnas {

// One kernel over the n observations (train: n x n), from them to m candidates (cross: n x m), and the
// candidates' own variances (diag: m).
struct KernelBlock {
  std::string name;
  Eigen::MatrixXd train, cross;
  Eigen::VectorXd diag;
};

// Alternatives of one kernel family (the fit uses at most one of them) and the weights tried (0 = unused).
// log_prior_odds: the prior's log odds that the target needs this family at all (0: indifferent). The choice
// maximizes the log marginal likelihood plus the used families' log prior odds (MAP over the combinations),
// so a family with log prior odds -2 is used only where it raises the log marginal likelihood by more than
// 2 nats (the marginal likelihood by a factor e^2): a feature that is right on some targets and misleading on
// others must first show itself in the data.
struct KernelFamily {
  std::vector<KernelBlock> alternatives;
  std::vector<double> weights;
  double log_prior_odds = 0;
};

struct AdditiveGpPrediction {
  Eigen::VectorXd mean, variance;  // at the candidates
  std::string kernel;              // e.g. "0.5*deep + 1*wl(h=1)", what the marginal likelihood chose
  double noise = 0, log_marginal_likelihood = 0;
};

// What the marginal likelihood chose: per family the alternative (-1: unused) and its weight, and the noise.
struct AdditiveGpChoice {
  std::vector<int> alternative;
  std::vector<double> weight;
  double noise = 0, log_marginal_likelihood = 0;  // of the choice, without the prior odds
};

// (y - mean) / sd of the values (sd 1 when they are all equal).
Eigen::VectorXd standardized(const std::vector<double>& values);

// The combination and noise with the largest log marginal likelihood of y plus the used families' log prior
// odds. Throws tnas::Error when shapes
// disagree or no combination has a non-zero weight.
AdditiveGpChoice choose_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                    const std::vector<double>& noise_grid);

// The posterior at the candidates with that choice; `families` may hold more observations than the choice was
// made on (e.g. running evaluations at assumed values: kriging believer, fantasies), in the same layout.
AdditiveGpPrediction predict_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                         const AdditiveGpChoice& choice);

// choose_additive_gp, then predict_additive_gp.
AdditiveGpPrediction fit_additive_gp(const Eigen::VectorXd& y, const std::vector<KernelFamily>& families,
                                     const std::vector<double>& noise_grid);

}  // namespace tnas
