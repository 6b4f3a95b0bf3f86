// BOHNAS (Schrodi et al., NeurIPS 2023): Bayesian optimization on a grammar space (graphs/spaces/grammar/)
// with the hierarchical Weisfeiler-Lehman kernel. After a random warm start from the pool (under a user
// prior: its default first, then draws from the prior; piBO weighs the acquisition after it), a GP on the
// observed architectures (the hWL kernel's WL rounds h in 0..2 and the noise chosen by marginal likelihood,
// as NAS-BOWL chooses its h) and expected improvement maximized over an evolutionary candidate set: mutations
// of the best observed architectures and crossovers among them, as the reference does. Its proposals come
// from the whole space, not from the sampled pool.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/grammar/hierarchical_wl.h"
#include "meta_test/bo/acquisition.h"
#include "meta_test/bo/additive_gp.h"
#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// The reference's defaults: the best 10 observed are the parents, each mutated 20 times, and 50 crossovers.
constexpr int kParents = 10;
constexpr int kMutationsPerParent = 20;
constexpr int kCrossovers = 50;
constexpr int kMaxRounds = 2;  // WL rounds h in 0..kMaxRounds, chosen by marginal likelihood

class BohnasSearch final : public SearchMethod {
 public:
  BohnasSearch(const SearchContext& context, const ProposalSettings& proposal)
      : space_(dynamic_cast<const GrammarSpace*>(context.space)),
        pool_(*context.space, context.pool, context.prior),
        admissible_(context.admissible),
        proposal_(proposal),
        acquisition_(proposal.acquisition, proposal.ucb_beta) {
    if (!space_)
      throw Error("--method bohnas searches grammar spaces (--space hnb201 or grammar:FILE), not '" +
                  context.space->name() + "'");
    levels_ = hierarchical_wl_levels(space_->max_depth());
  }

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    std::set<std::string> taken;
    std::vector<const Observation*> observed;
    for (const Observation& o : history) {
      taken.insert(key_of(o.config));
      if (o.ok) observed.push_back(&o);
    }
    const bool starting = observed.size() < static_cast<size_t>(std::max(2, proposal_.warm_start));
    // The pool's marks of what was evaluated (keying every observation again) only where they are used: the
    // random start, and a user prior's trust, which piBO's weight reads.
    const std::vector<bool> done =
        starting || pool_.has_prior() ? pool_.evaluated(history) : std::vector<bool>();
    Arch next = starting ? random_start(done, taken, rng) : acquire(observed, taken, rng);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  nlohmann::json describe() const override {
    return {{"method", "bohnas"},
            {"kernel", "hierarchical WL on the computational graph of each level, " +
                           std::to_string(levels_) + " levels, rounds h in 0.." + std::to_string(kMaxRounds) +
                           " and noise by marginal likelihood"},
            {"acquisition", acquisition_.describe()},
            {"warm_start", proposal_.warm_start},
            {"candidates", proposal_.bohnas_candidates == BohnasCandidates::kNeighbours
                               ? nlohmann::json{{"neighbours_of_the_best", proposal_.mutation_parents}}
                               : nlohmann::json{{"parents", kParents},
                                                {"mutations_per_parent", kMutationsPerParent},
                                                {"crossovers", kCrossovers}}}};
  }

 private:
  // From the pool, as every method starts: uniformly over its configurations (for a grammar small enough to
  // enumerate, one per network, as NAS-BOWL draws one per isomorphism class), or under a user prior its
  // default first, then from the prior (CandidatePool::random_unevaluated); from the whole space once the
  // pool is spent.
  Arch random_start(const std::vector<bool>& done, const std::set<std::string>& taken, Rng& rng) {
    try {
      Arch drawn = pool_.random_unevaluated(done, rng);
      last_note = "random start";
      return drawn;
    } catch (const PoolExhausted&) {
      return random_untaken(taken, rng);
    }
  }

  Arch random_untaken(const std::set<std::string>& taken, Rng& rng) {
    last_note = "random start";
    for (int attempt = 0; attempt < 1000; ++attempt) {
      Arch a = space_->sample(rng);
      if (!taken.count(space_->iso_key(a)) && is_admissible(a)) return a;
    }
    throw Error("bohnas: no unevaluated architecture that satisfies the constraints in 1,000 draws of " +
                space_->name());
  }

  // Mutations of the best observed and crossovers among them (or, with --bohnas-candidates neighbours, the
  // one-edit neighbours of the best --mutation-parents), each once and none evaluated before.
  std::vector<Arch> candidates(const std::vector<const Observation*>& best,
                               const std::set<std::string>& taken, Rng& rng) const {
    std::vector<Arch> out;
    std::set<std::string> seen = taken;
    const auto add = [&](Arch a) {
      if (seen.insert(space_->iso_key(a)).second && is_admissible(a)) out.push_back(std::move(a));
    };
    if (proposal_.bohnas_candidates == BohnasCandidates::kNeighbours) {
      for (size_t parent = 0;
           parent < best.size() && parent < static_cast<size_t>(proposal_.mutation_parents); ++parent)
        for (Arch& neighbour : space_->neighbours(best[parent]->config)) add(std::move(neighbour));
      if (!out.empty()) return out;  // else the reference's candidates, below
    }
    for (const Observation* parent : best)
      for (int m = 0; m < kMutationsPerParent; ++m) add(space_->mutate(parent->config, rng));
    for (int c = 0; c < kCrossovers && best.size() > 1; ++c) {
      const size_t first = rng.uniform_int(best.size()), second = rng.uniform_int(best.size());
      if (first == second) continue;
      if (auto child = space_->crossover(best[first]->config, best[second]->config, rng))
        add(std::move(*child));
    }
    return out;
  }

  // Within the constraints known in advance (--constraint params<=...): the pool was filtered by them, and
  // bohnas proposes from the whole space.
  bool is_admissible(const Arch& config) const { return !admissible_ || admissible_(config); }

  // An observed architecture's deduplicating key and its hWL features (WL rounds 0 .. kMaxRounds), kept for
  // the whole search by its choices: a hierarchical architecture's text runs to thousands of characters, and
  // every proposal compares every observed one with every other.
  const std::string& key_of(const Arch& config) {
    auto it = keys_.find(config.choices);
    if (it == keys_.end()) it = keys_.emplace(config.choices, space_->iso_key(config)).first;
    return it->second;
  }

  const HierarchicalWlFeatures& observed_features(const Arch& config) {
    auto it = features_.find(config.choices);
    if (it == features_.end()) it = features_.emplace(config.choices, features_of(config)).first;
    return it->second;
  }

  HierarchicalWlFeatures features_of(const Arch& config) const {
    return hierarchical_wl_features(space_->grammar(), space_->decode(config), levels_, kMaxRounds);
  }

  Arch acquire(std::vector<const Observation*> observed, const std::set<std::string>& taken, Rng& rng) {
    std::vector<double> accuracies;
    for (const Observation* o : observed) accuracies.push_back(o->accuracy);
    const Eigen::VectorXd y = standardized(accuracies);
    std::vector<const Observation*> best = observed;
    std::stable_sort(best.begin(), best.end(),
                     [](const Observation* a, const Observation* b) { return a->accuracy > b->accuracy; });
    if (best.size() > static_cast<size_t>(kParents)) best.resize(kParents);
    const std::vector<Arch> pool = candidates(best, taken, rng);
    if (pool.empty()) return random_untaken(taken, rng);
    KernelFamily family;
    family.weights = {1.0};
    family.alternatives = kernel_blocks(observed, pool);
    const AdditiveGpPrediction gp = fit_additive_gp(y, {family}, {1e-3, 1e-2, 1e-1, 3e-1});
    size_t pick = 0;
    double pick_value = -1e300;
    for (size_t c = 0; c < pool.size(); ++c) {
      const double value = acquisition_(gp.mean(c), std::sqrt(gp.variance(c)), y.maxCoeff()) +
                           pool_.prior_log_weight(pool[c], observed.size());  // piBO (0 without a prior)
      if (value > pick_value) pick_value = value, pick = c;
    }
    last_note = "kernel " + gp.kernel + ", best of " + std::to_string(pool.size()) + " candidates";
    return pool[pick];
  }

  // The hWL kernel with WL rounds 0 .. h for each h in 0 .. kMaxRounds, among the observed and from them to
  // the candidates (whose features live for this step only: a hierarchical architecture has hundreds of
  // labels per level). One pass over each pair's labels gives every h.
  std::vector<KernelBlock> kernel_blocks(const std::vector<const Observation*>& observed,
                                         const std::vector<Arch>& pool) {
    const size_t n = observed.size(), m = pool.size();
    std::vector<KernelBlock> blocks;
    for (int rounds = 0; rounds <= kMaxRounds; ++rounds)
      blocks.push_back({"hwl(h=" + std::to_string(rounds) + ")", Eigen::MatrixXd(n, n), Eigen::MatrixXd(n, m),
                        Eigen::VectorXd::Ones(static_cast<long>(m))});
    std::vector<HierarchicalWlFeatures> candidates;
    for (const Arch& config : pool) candidates.push_back(features_of(config));
    std::vector<const HierarchicalWlFeatures*> known;
    for (const Observation* o : observed) known.push_back(&observed_features(o->config));
    for (size_t i = 0; i < n; ++i) {
      const HierarchicalWlFeatures& fi = *known[i];
      for (size_t j = 0; j <= i; ++j) {
        const std::vector<double> kernels = hierarchical_wl_kernels(fi, *known[j]);
        for (size_t h = 0; h < blocks.size(); ++h) blocks[h].train(i, j) = blocks[h].train(j, i) = kernels[h];
      }
      for (size_t c = 0; c < m; ++c) {
        const std::vector<double> kernels = hierarchical_wl_kernels(fi, candidates[c]);
        for (size_t h = 0; h < blocks.size(); ++h) blocks[h].cross(i, c) = kernels[h];
      }
    }
    return blocks;
  }

  const GrammarSpace* space_;
  CandidatePool pool_;  // where the random start draws from, and the user's prior
  std::function<bool(const Arch&)> admissible_;
  ProposalSettings proposal_;
  Acquisition acquisition_;
  int levels_ = 1;
  std::map<std::vector<int>, std::string> keys_;                 // of the observed, by choices
  std::map<std::vector<int>, HierarchicalWlFeatures> features_;  // of the observed, by choices
};

}  // namespace

std::unique_ptr<SearchMethod> make_bohnas_search(const SearchContext& context,
                                                 const ProposalSettings& proposal) {
  return std::make_unique<BohnasSearch>(context, proposal);
}

}  // namespace tnas
