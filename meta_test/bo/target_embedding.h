#pragma once
// What the meta-learned surrogate needs of a target dataset: featurized images per class to draw D from,
// and the zero-shot prediction for a pool conditioned on the checkpoint's meta-training points.
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "basics/rng.h"
#include "models/surrogate/surrogate.h"

namespace tnas {

struct TargetFeatures {
  Eigen::MatrixXf features;     // featurized images (rows)
  std::vector<int32_t> labels;  // class of each row, 0..classes-1
  int classes = 0;
};

// Featurizes up to `per_class` random images of each class of `dataset` (a dataset spec). Throws
// tnas::Error naming the spec when it has fewer than 2 classes.
TargetFeatures featurize_target(const Surrogate& surrogate, const std::string& dataset, size_t per_class,
                                Rng& rng);

// Zero-shot posterior (standardized units) at the rows of z, conditioned on the checkpoint's context points
// with the meta-learned GP hyperparameters.
void zero_shot_posterior(const Surrogate& surrogate, const Eigen::MatrixXd& z, Eigen::VectorXd& mean,
                         Eigen::VectorXd& variance);

}  // namespace tnas
