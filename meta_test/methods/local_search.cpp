#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// White et al. 2020's local search: a random unevaluated neighbour of the incumbent; a random cell to start
// and when the incumbent's neighbourhood is exhausted.
class LocalSearch final : public SearchMethod {
 public:
  explicit LocalSearch(const SearchContext& context) : pool_(*context.space, context.pool, context.prior) {}
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto done = pool_.evaluated(history);
    const Observation* best = nullptr;
    for (const auto& o : history)
      if (o.ok && (!best || o.accuracy > best->accuracy)) best = &o;
    if (best)
      if (auto n = pool_.random_unevaluated_neighbour(done, best->config, rng)) return *n;
    return pool_.random_unevaluated(done, rng);
  }
  nlohmann::json describe() const override {
    return {{"method", "local"}, {"move", "random unevaluated neighbour of the incumbent"}};
  }

 private:
  CandidatePool pool_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_local_search(const SearchContext& context) {
  return std::make_unique<LocalSearch>(context);
}

}  // namespace tnas
