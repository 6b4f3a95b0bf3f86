#pragma once
// What a meta-learned surrogate predicts for configurations of a target before any evaluation: the ranking of
// `meta_test rank` and the predictions of the library's PretrainedSurrogate (include/tnas/surrogate.h).
#include <cstdint>
#include <string>
#include <vector>

#include "graphs/spaces/search_space.h"
#include "models/surrogate/surrogate.h"

namespace tnas {

struct ZeroShotTarget {
  std::string dataset;   // its images condition the dataset embedding D (and the zero-cost proxy inputs)
  uint64_t seed = 0;     // of the draw of images (the draw tnas makes for a search with this seed)
  std::string protocol;  // the protocol the accuracies are for (a checkpoint fitted with --protocol-inputs)
};

struct ZeroShotPrediction {
  std::vector<double> mean, sd;  // accuracy points, one per configuration
};

// Throws tnas::Error when the checkpoint conditions on a dataset and `target.dataset` is empty.
ZeroShotPrediction zero_shot_prediction(const Surrogate& surrogate, const SearchSpace& space,
                                        const std::vector<Arch>& configs, const ZeroShotTarget& target);

}  // namespace tnas
