#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

class RandomSearch final : public SearchMethod {
 public:
  explicit RandomSearch(const SearchContext& c) : pool_(*c.space, c.pool) {}
  Arch propose(const std::vector<Observation>& h, Rng& rng) override {
    return pool_.random_unevaluated(pool_.evaluated(h), rng);
  }
  nlohmann::json describe() const override { return {{"method", "random"}}; }

 private:
  CandidatePool pool_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_random_search(const SearchContext& c) {
  return std::make_unique<RandomSearch>(c);
}

}  // namespace tnas
