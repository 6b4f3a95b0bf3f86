#pragma once
// The candidate pool every search method draws from: configurations of a search space by isomorphism key,
// which of them have been evaluated, random picks, and the neighbourhoods (the space's one-choice changes)
// that local search, evolution and the mutation-based acquisition optimizer (BANANAS, White et al. 2021;
// "Mutation is all you need", Schneider et al. 2021) search over.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "basics/error.h"
#include "basics/rng.h"
#include "graphs/spaces/search_space.h"
#include "meta_test/multi_objective/pareto.h"

namespace tnas {

// Thrown when a method needs an unevaluated configuration and the pool has none left: the search ends there.
class PoolExhausted : public Error {
 public:
  PoolExhausted() : Error("search: every configuration of the pool has been evaluated") {}
};

// Thrown when a method cannot propose before some of the evaluations still running have finished (a rung's
// promotions need all its results): the parallel search waits for the next result and asks again.
class WaitForResults : public Error {
 public:
  WaitForResults() : Error("search: the next trial needs results of trials still running") {}
};

struct Observation {
  Arch config;
  double accuracy = 0;
  bool ok = false;
  int epochs = 0;  // the fidelity it was evaluated at (0: the objective's own protocol)
  ObjectiveVector objectives =
      {};  // multi-objective searches: every objective, maximized (meta_test/multi_objective/pareto.h)
  bool pending = false;  // still being evaluated (parallel search; then ok is false): taken, not yet known
  // A successful trial's slack on each measured constraint (bound - value for <=, value - bound for >=; NaN
  // when not measured), feasible or not: what the feasibility model learns from. Empty otherwise.
  std::vector<double> constraint_slacks = {};
};

// The configurations a search may propose: every one of a space small enough to enumerate (de-duplicated by
// isomorphism key unless `dedupe` is off), or, for a larger space (JAHS: 8.5 million), `sample_size`
// distinct ones drawn with `seed`.
struct PoolSettings {
  bool dedupe = true;
  int sample_size = 20000;
  uint64_t seed = 0;
};
inline constexpr int64_t kMaxEnumeratedPool = 1000000;
// Whether draw_pool samples the space rather than enumerating it.
inline bool pool_is_sampled(const SearchSpace& space) {
  return space.size() < 0 || space.size() > kMaxEnumeratedPool;
}
std::vector<Arch> draw_pool(const SearchSpace& space, const PoolSettings& settings);

class ConfigurationPrior;

class CandidatePool {
 public:
  // `space` must outlive the pool. With a prior (the user's belief, meta_test/priors/configuration_prior.h;
  // shared: every method's pool keeps it alive), random draws come from it and log_prior weighs each row.
  CandidatePool(const SearchSpace& space, const std::vector<Arch>& configs,
                std::shared_ptr<const ConfigurationPrior> prior = nullptr);

  const SearchSpace& space() const { return space_; }
  const std::vector<Arch>& configs() const { return configs_; }
  size_t size() const { return configs_.size(); }
  // Pool index of the configuration's isomorphism class, or -1.
  long find(const Arch& config) const;
  // done[i]: pool cell i (or a cell isomorphic to it) is in `history`. With a prior, also weighs how far the
  // history bears the prior out (prior_trust), which every method's next draws and acquisition then use.
  std::vector<bool> evaluated(const std::vector<Observation>& history) const;
  // The successful observations of `history` as pool rows and their accuracies: what a model is fitted on.
  struct FittingPoints {
    std::vector<long> rows;
    std::vector<double> accuracies;
  };
  FittingPoints fitting_points(const std::vector<Observation>& history) const;
  // An unevaluated configuration drawn uniformly; with a prior, its default first (while unevaluated), then
  // from the prior with probability prior.draw_share(evaluated so far, prior_trust()), else uniformly. Throws
  // PoolExhausted when every cell has been evaluated.
  Arch random_unevaluated(const std::vector<bool>& done, Rng& rng) const;
  // An unevaluated configuration drawn with probability proportional to exp(log_weight[row]); throws
  // PoolExhausted when every cell has been evaluated.
  Arch draw_unevaluated(const std::vector<double>& log_weight, const std::vector<bool>& done, Rng& rng) const;
  // Each row's log probability under `belief` (an enumerated pool's row: its isomorphism class's).
  std::vector<double> log_weights(const ConfigurationPrior& belief) const;
  // The user's prior, or nullptr.
  const ConfigurationPrior* prior() const { return prior_.get(); }
  // Each row's log probability under the user's prior (empty without one).
  const std::vector<double>& log_prior() const { return log_prior_; }
  // piBO's log weight of row `row`'s acquisition after `observations` successful observations; 0 without a
  // prior.
  double prior_log_weight(long row, size_t observations) const;
  // The same for any configuration of the space, in the pool or not (bohnas proposes from the whole space):
  // its pool row's weight where it has one, else from its own density.
  double prior_log_weight(const Arch& config, size_t observations) const;
  bool has_prior() const { return prior_ != nullptr; }
  // How far the observations bear the prior out: 1 until kPriorTrustAfter successful ones, then the Spearman
  // correlation of their log prior with their accuracy, 0 when negative. It scales the prior's strength in
  // the draws and in piBO's weight, so that a prior the evidence contradicts stops steering (PriorBand's idea
  // of checking the prior against the observations; issue 30: a misleading prior must cost little).
  double prior_trust() const { return prior_trust_; }
  static constexpr size_t kPriorTrustAfter = 5;
  // The prior's default while it is unevaluated (what every method evaluates first), else nullopt.
  std::optional<Arch> unevaluated_prior_default(const std::vector<bool>& done) const;
  // Pool indices of the unevaluated configurations one edit (one choice) away from `config`, ascending.
  std::vector<long> unevaluated_neighbours(const std::vector<bool>& done, const Arch& config) const;
  // One unevaluated configuration one edit from `config`, uniformly over edits; where the pool is drawn from
  // a space too large to enumerate, over the space's neighbours (not only the pool's), unevaluated by the
  // history last passed to evaluated().
  std::optional<Arch> random_unevaluated_neighbour(const std::vector<bool>& done, const Arch& config,
                                                   Rng& rng) const;
  // Where a model-based method maximizes its acquisition: the unevaluated neighbours of the `parents` best
  // successful observations, ascending and without repeats; empty when they have none.
  std::vector<long> mutation_candidates(const std::vector<Observation>& history,
                                        const std::vector<bool>& done, int parents) const;

  // Where a model-based method looks this step: the mutation candidates when `mutations` (falling back to
  // every unevaluated cell when the parents' neighbourhoods are exhausted), else every unevaluated cell.
  // Throws tnas::Error when every cell has been evaluated.
  std::vector<long> acquisition_candidates(const std::vector<Observation>& history,
                                           const std::vector<bool>& done, bool mutations, int parents) const;

  // Where a model-based method looks when the incumbent's neighbourhood promises little (widening): the
  // unevaluated cells two edits from the best observation (not in a drawn pool), one edit from the next
  // `parents` best, and `sample` unevaluated cells drawn with `rng` from the whole pool; ascending, without
  // repeats, and without the cells of `exclude` (the local candidates already scored).
  std::vector<long> wider_candidates(const std::vector<Observation>& history, const std::vector<bool>& done,
                                     int parents, int sample, const std::vector<long>& exclude,
                                     Rng& rng) const;

 private:
  // Pool index of every one-edit change of `cell` that is unevaluated, one entry per edit (with repeats).
  std::vector<long> unevaluated_edits(const std::vector<bool>& done, const Arch& config) const;
  // With a prior: each row's log prior mass (of its whole isomorphism class where the space is enumerated, so
  // that de-duplication does not change the belief) and the default's row (-1: none).
  void weigh_by_prior();
  const SearchSpace& space_;
  std::vector<Arch> configs_;
  std::unordered_map<std::string, size_t> index_;
  std::shared_ptr<const ConfigurationPrior> prior_;
  std::vector<double> log_prior_;
  long default_row_ = -1;
  void update_prior_trust(const std::vector<Observation>& history) const;
  mutable double prior_trust_ = 1;                          // of the history last passed to evaluated()
  mutable std::unordered_set<std::string> evaluated_keys_;  // the iso keys of that history
};

}  // namespace tnas
