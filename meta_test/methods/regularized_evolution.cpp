#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// Real et al. 2019: tournament selection among the youngest kPopulation, mutation of one edge, aging.
class RegularizedEvolution final : public SearchMethod {
 public:
  explicit RegularizedEvolution(const SearchContext& context)
      : pool_(*context.space, context.pool, context.prior) {}
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto done = pool_.evaluated(history);
    std::vector<const Observation*> alive;
    for (const auto& o : history)
      if (o.ok) alive.push_back(&o);
    if (static_cast<int>(alive.size()) < kPopulation) return pool_.random_unevaluated(done, rng);
    alive.erase(alive.begin(), alive.end() - kPopulation);  // aging: the oldest die
    for (int attempt = 0; attempt < 50; ++attempt) {
      const Observation* parent = nullptr;
      for (int s = 0; s < kTournament; ++s) {
        const Observation* c = alive[rng.uniform_int(alive.size())];
        if (!parent || c->accuracy > parent->accuracy) parent = c;
      }
      if (auto child = pool_.random_unevaluated_neighbour(done, parent->config, rng)) return *child;
    }
    return pool_.random_unevaluated(done, rng);
  }
  nlohmann::json describe() const override {
    return {{"method", "evolution"}, {"population", kPopulation}, {"tournament", kTournament}};
  }

 private:
  static constexpr int kPopulation = 10, kTournament = 3;
  CandidatePool pool_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_regularized_evolution(const SearchContext& context) {
  return std::make_unique<RegularizedEvolution>(context);
}

}  // namespace tnas
