#pragma once
// BOHB's model (Falkner et al. 2018): a tree-structured Parzen estimator over a space's raw choices. The
// observations at one fidelity are split into the best 15 % (l) and the rest (g), each a product of
// Aitchison-Aitken kernels (a choice keeps its value with probability 1 - bandwidth, else takes any other
// uniformly); a new configuration maximizes l(x) / g(x) among samples drawn around good ones.
#include <functional>
#include <vector>

#include "basics/rng.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

struct TpeSettings {
  double top_fraction = 0.15;   // BOHB's top_n_percent
  int samples = 64;             // candidates drawn from l per proposal
  double bandwidth_factor = 3;  // widens the sampling kernel (exploration)
  double min_bandwidth = 1e-3;
};

class TpeModel {
 public:
  // `observations`: successful ones at one fidelity. Needs at least min_points(counts) of them.
  TpeModel(std::vector<int> choice_counts, const std::vector<Observation>& observations,
           const TpeSettings& settings = {});
  // BOHB's minimum to build a model: one more than the number of choices, plus two.
  static size_t min_points(const std::vector<int>& choice_counts) { return choice_counts.size() + 3; }

  double log_ratio(const Arch& config) const;  // log l(x) - log g(x)
  // A log weight per pool row added to the score (BOHB under measured constraints: log P(feasible)).
  using RowLogWeights = std::function<std::vector<double>(const std::vector<long>& rows)>;
  // Pool index of the best-scoring drawn sample the pool holds and that is not done; when no draw qualifies,
  // of the best-scoring unevaluated configuration of the pool. Throws tnas::Error when all are done. With a
  // user prior on the pool, the score is weighted by it as piBO does (CandidatePool::prior_log_weight); with
  // `added_log_weight`, that is added too.
  long propose(const CandidatePool& pool, const std::vector<bool>& done, Rng& rng,
               const RowLogWeights& added_log_weight = nullptr) const;

 private:
  struct Density {
    std::vector<std::vector<int>> points;
    std::vector<double> bandwidth;  // per choice
    double log_density(const std::vector<int>& x, const std::vector<int>& counts) const;
  };
  Density fit(std::vector<std::vector<int>> points) const;

  std::vector<int> counts_;
  TpeSettings settings_;
  size_t observations_ = 0;  // what the model was fitted on: n of piBO's prior weight
  Density good_, bad_;
};

}  // namespace tnas
