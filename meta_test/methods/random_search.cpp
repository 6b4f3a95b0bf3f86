#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

class RandomSearch final : public SearchMethod {
 public:
  explicit RandomSearch(const SearchContext& context) : pool_(*context.space, context.pool, context.prior) {}
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    return pool_.random_unevaluated(pool_.evaluated(history), rng);
  }
  nlohmann::json describe() const override { return {{"method", "random"}}; }

 private:
  CandidatePool pool_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_random_search(const SearchContext& context) {
  return std::make_unique<RandomSearch>(context);
}

}  // namespace tnas
