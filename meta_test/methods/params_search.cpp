#include <algorithm>
#include <numeric>

#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// The zero-cost proxy "bigger is better": configurations in decreasing order of their network's parameter
// count (the space's cost model; NB201: the C=16, N=5 network), ties by pool order. It ignores every
// observation, so it is a reference line, not an adaptive method: on NB201's tables size alone ranks cells
// well.
class ParamsSearch final : public SearchMethod {
 public:
  explicit ParamsSearch(const SearchContext& context)
      : pool_(*context.space, context.pool, context.prior), order_(context.pool.size()) {
    std::vector<int64_t> params(context.pool.size());
    for (size_t i = 0; i < context.pool.size(); ++i) params[i] = context.space->cost(context.pool[i]).params;
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) { return params[a] > params[b]; });
  }
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto done = pool_.evaluated(history);
    for (size_t i : order_)
      if (!done[i]) return pool_.configs()[i];
    return pool_.random_unevaluated(done, rng);  // throws: nothing is left
  }
  nlohmann::json describe() const override {
    return {{"method", "params"}, {"order", "parameter count of the C=16, N=5 network, largest first"}};
  }

 private:
  CandidatePool pool_;
  std::vector<size_t> order_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_params_search(const SearchContext& context) {
  return std::make_unique<ParamsSearch>(context);
}

}  // namespace tnas
