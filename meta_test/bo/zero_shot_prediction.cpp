#include "meta_test/bo/zero_shot_prediction.h"

#include <algorithm>
#include <cmath>

#include "basics/error.h"
#include "meta_test/bo/target_embedding.h"
#include "models/protocol/training_protocol.h"
#include "models/proxies/proxy_inputs.h"

namespace tnas {

ZeroShotPrediction zero_shot_prediction(const Surrogate& surrogate, const SearchSpace& space,
                                        const std::vector<Arch>& configs, const ZeroShotTarget& target) {
  Eigen::VectorXf d = Eigen::VectorXf::Zero(surrogate.options().nz);
  if (surrogate.options().dataset_embedding) {
    if (target.dataset.empty())
      throw Error("missing --dataset SPEC (this checkpoint conditions on the dataset's images)");
    Rng rng(target.seed + 99);  // the draw tnas makes for the same seed
    const TargetFeatures t = featurize_target(surrogate, target.dataset,
                                              static_cast<size_t>(surrogate.options().images_per_class), rng);
    d = surrogate.dataset_embedding(t.features, t.labels, t.classes, rng);
  }
  Eigen::MatrixXf g = surrogate.arch_embeddings(space, configs);
  append_proxy_inputs(g, surrogate.options().proxy_inputs, space, configs, target.dataset);
  if (surrogate.options().protocol_inputs)
    append_protocol_inputs(g, target_training_protocol(target.protocol));
  Eigen::VectorXd mean, variance;
  zero_shot_posterior(surrogate, surrogate.kernel_features(d, g), mean, variance);
  ZeroShotPrediction prediction;
  for (Eigen::Index i = 0; i < mean.size(); ++i) {
    prediction.mean.push_back(mean(i) * surrogate.label_std() + surrogate.label_mean());
    prediction.sd.push_back(std::sqrt(std::max(0.0, variance(i))) * surrogate.label_std());
  }
  return prediction;
}

}  // namespace tnas
