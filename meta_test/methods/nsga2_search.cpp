// nsga2: NSGA-II (Deb et al. 2002) as a steady-state evolution over the pool. The population is the best
// kPopulation successful observations by non-domination rank, then crowding distance (NSGA-II's order, on the
// objectives of a multi-objective search, else on the accuracy alone). Until it is full, proposals are
// random; then each is the child of two parents picked by binary tournament in that order, by uniform
// crossover of their choices and, with probability 1/2 or when the child equals a parent, one mutation (a
// random one-choice change). A child outside the pool or already evaluated is drawn again (50 times), else a
// random unevaluated configuration. A pure function of the history and the step's random stream, as every
// method here.
#include <algorithm>
#include <numeric>

#include "meta_test/methods/search_methods.h"
#include "meta_test/multi_objective/pareto.h"

namespace tnas {
namespace {

class Nsga2Search final : public SearchMethod {
 public:
  explicit Nsga2Search(const SearchContext& context)
      : space_(*context.space), pool_(*context.space, context.pool, context.prior) {}

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto done = pool_.evaluated(history);
    const std::vector<const Observation*> population = select_population(history);
    if (static_cast<int>(population.size()) < kPopulation) return pool_.random_unevaluated(done, rng);
    for (int attempt = 0; attempt < 50; ++attempt) {
      // The population is sorted best first: a tournament of two is the smaller of two random positions.
      const auto tournament = [&] {
        return population[std::min(rng.uniform_int(population.size()), rng.uniform_int(population.size()))];
      };
      const Observation* a = tournament();
      const Observation* b = tournament();
      Arch child = a->config;
      for (size_t k = 0; k < child.choices.size(); ++k)
        if (rng.uniform_int(2) == 1) child.choices[k] = b->config.choices[k];
      if (rng.uniform_int(2) == 1 || child == a->config || child == b->config)
        child = space_.mutate(child, rng);
      const long i = pool_.find(child);
      if (i >= 0 && !done[static_cast<size_t>(i)]) return pool_.configs()[static_cast<size_t>(i)];
    }
    return pool_.random_unevaluated(done, rng);
  }
  nlohmann::json describe() const override {
    return {{"method", "nsga2"}, {"population", kPopulation}, {"steady_state", true}};
  }

 private:
  // The best kPopulation successful observations, best first: by front, then by crowding distance (largest
  // first), then by trial order.
  std::vector<const Observation*> select_population(const std::vector<Observation>& history) const {
    std::vector<const Observation*> ok;
    std::vector<ObjectiveVector> points;
    for (const auto& o : history)
      if (o.ok)
        ok.push_back(&o), points.push_back(o.objectives.empty() ? ObjectiveVector{o.accuracy} : o.objectives);
    std::vector<const Observation*> chosen;
    for (const auto& front : non_dominated_fronts(points)) {
      const std::vector<double> crowd = crowding_distance(points, front);
      std::vector<size_t> order(front.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return crowd[x] > crowd[y]; });
      for (size_t r : order) {
        if (static_cast<int>(chosen.size()) == kPopulation) return chosen;
        chosen.push_back(ok[front[r]]);
      }
    }
    return chosen;
  }

  static constexpr int kPopulation = 10;
  const SearchSpace& space_;
  CandidatePool pool_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_nsga2_search(const SearchContext& context) {
  return std::make_unique<Nsga2Search>(context);
}

}  // namespace tnas
