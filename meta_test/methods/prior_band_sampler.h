#pragma once
// PriorBand's ensemble sampling (Mallik et al. 2023) of Hyperband's new configurations under a user prior
// (`--prior`; issue 30: the piBO-style decaying mixture of prior and uniform draws left Hyperband worse with
// a good prior than without one, bench/RESULTS.md 1r). Each new configuration comes
//   uniformly at random        with weight 1,
//   from the user's prior      with weight eta^r, r the bracket's first rung counted from the lowest fidelity
//                              (a bracket that starts high trains few configurations for many epochs each:
//                              those the user believes in; the lowest one explores as much as it exploits);
// and once a configuration has been evaluated at the highest fidelity, the prior's weight is shared with the
// incumbent-centred distribution (the user's belief with its peak moved onto the best configuration at the
// highest fidelity: ConfigurationPrior::moved_onto, as sharp as the prior) in proportion to how likely each
// makes the best observed configurations (the top 1/eta, at least eta, at the highest fidelity with at least
// eta results, weighted by rank, as NePS's PriorBand does): a prior the evidence contradicts hands its weight
// to the incumbent's neighbourhood; one it bears out keeps part of it (the incumbent itself always favours
// its own neighbourhood). The prior's default is drawn first, as everywhere.
#include <optional>
#include <string>
#include <vector>

#include "basics/rng.h"
#include "meta_test/priors/configuration_prior.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

class PriorBandSampler {
 public:
  // `pool` must have a prior and outlive the sampler.
  PriorBandSampler(const CandidatePool& pool, double eta, int max_epochs);

  // A new configuration for a bracket whose first rung is `first_rung` (0: the lowest fidelity); `how` says
  // which distribution drew it.
  Arch draw(const std::vector<Observation>& history, const std::vector<bool>& done, int first_rung, Rng& rng,
            std::string& how);

  // The weights of the last draw (uniform, prior, incumbent; summing to 1), for the trial's note and tests.
  struct Weights {
    double uniform = 1, prior = 0, incumbent = 0;
  };
  Weights weights(const std::vector<Observation>& history, int first_rung);

 private:
  Weights weights(const std::vector<Observation>& history, int first_rung,
                  const std::optional<Observation>& best);
  // The best successful observation at max_epochs, if any.
  std::optional<Observation> incumbent(const std::vector<Observation>& history) const;
  // The prior's share of the non-uniform weight: how likely the best observations are under the prior
  // against under the incumbent-centred distribution.
  double prior_share(const std::vector<Observation>& history, const Observation& best);
  // The incumbent-centred distribution's log weight per pool row (recomputed when the incumbent changes).
  const std::vector<double>& incumbent_log_weights(const Arch& best);

  const CandidatePool& pool_;
  double eta_;
  int max_epochs_;
  std::optional<Arch> centre_;
  std::optional<ConfigurationPrior> centred_;
  std::vector<double> centred_log_weights_;
};

}  // namespace tnas
