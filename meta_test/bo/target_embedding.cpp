#include "meta_test/bo/target_embedding.h"

#include <algorithm>

#include "basics/error.h"
#include "datasets/images/dataset_spec.h"

namespace tnas {

TargetFeatures featurize_target(const Surrogate& surrogate, const std::string& dataset, size_t per_class,
                                Rng& rng) {
  const ImageDataset target = load_dataset(dataset);
  if (target.num_classes() < 2) throw Error(dataset + ": a classification dataset needs at least 2 classes");
  const ClassIndex index(target);
  std::vector<int64_t> pick;
  for (int k = 0; k < index.num_classes(); ++k) {
    auto ids = index.images_of(k);
    rng.shuffle(ids);
    ids.resize(std::min(ids.size(), per_class));
    pick.insert(pick.end(), ids.begin(), ids.end());
  }
  const ImageDataset sample = featurizer_input(select_images(target, pick));
  return {surrogate.image_features(sample), sample.labels, sample.num_classes()};
}

void zero_shot_posterior(const Surrogate& surrogate, const Eigen::MatrixXd& z, Eigen::VectorXd& mean,
                         Eigen::VectorXd& variance) {
  Eigen::MatrixXd zc;
  Eigen::VectorXd yc;
  surrogate.context(zc, yc);
  GpRegression prior(zc, yc, surrogate.gp_hyperparameters());
  prior.predict(z, mean, variance);
}

}  // namespace tnas
