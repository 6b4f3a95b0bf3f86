// include/tnas/surrogate.h over the checkpoint reader (models/surrogate/surrogate.h) and the zero-shot
// prediction that `meta_test rank` prints (meta_test/bo/zero_shot_prediction.h).
#include <algorithm>
#include <numeric>

#include "basics/error.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/bo/zero_shot_prediction.h"
#include "meta_test/search/candidate_pool.h"
#include "tnas/surrogate.h"

namespace tnas {
namespace {

std::vector<Prediction> predictions(const SearchSpace& space, const std::vector<Arch>& configs,
                                    const ZeroShotPrediction& zero_shot) {
  std::vector<Prediction> result;
  for (size_t i = 0; i < configs.size(); ++i)
    result.push_back({space.format(configs[i]), zero_shot.mean[i], zero_shot.sd[i]});
  return result;
}

}  // namespace

struct PretrainedSurrogate::State {
  explicit State(const std::string& checkpoint)
      : surrogate(Surrogate::load(checkpoint, "")),
        space(make_search_space(surrogate.options().search_space)) {}
  Surrogate surrogate;
  std::unique_ptr<SearchSpace> space;

  ZeroShotPrediction predict(const std::vector<Arch>& configs, const PredictionTarget& target) const {
    return zero_shot_prediction(surrogate, *space, configs, {target.dataset, target.seed, target.protocol});
  }
};

PretrainedSurrogate::PretrainedSurrogate(const std::string& checkpoint)
    : state_(std::make_unique<State>(checkpoint)) {}

PretrainedSurrogate::~PretrainedSurrogate() = default;

std::string PretrainedSurrogate::space() const { return state_->space->name(); }

std::vector<Prediction> PretrainedSurrogate::predict(const std::vector<std::string>& configs,
                                                     const PredictionTarget& target) const {
  std::vector<Arch> parsed;
  for (const std::string& config : configs) parsed.push_back(state_->space->parse(config));
  return predictions(*state_->space, parsed, state_->predict(parsed, target));
}

std::vector<Prediction> PretrainedSurrogate::rank(const PredictionTarget& target, bool dedupe,
                                                  int pool_size) const {
  if (pool_size < 1 || pool_size > 10000000)
    throw Error("rank: pool_size must be in 1..10000000, got " + std::to_string(pool_size));
  const std::vector<Arch> pool = draw_pool(*state_->space, PoolSettings{dedupe, pool_size, target.seed});
  std::vector<Prediction> ranked = predictions(*state_->space, pool, state_->predict(pool, target));
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Prediction& a, const Prediction& b) { return a.mean > b.mean; });
  return ranked;
}

}  // namespace tnas
