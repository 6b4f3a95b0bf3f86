#pragma once
// The probability that a configuration satisfies the measured constraints (--constraint latency<=5; issue 30
// item 2): one GP per measured constraint on the successful trials' slacks (bound - value for <=, value -
// bound for >=; infeasible trials included), with the normalized WL kernel on the op graph (its depth and the
// noise chosen by the marginal likelihood, as NAS-BOWL's), and P(feasible) = the product over constraints of
// P(slack >= 0) under each posterior. The Bayesian methods add its log to their acquisition (Gardner et al.
// 2014's constrained EI), so that they stop proposing where the measurements say the bound is broken.
#include <vector>

#include "meta_test/bo/wl_kernel_cache.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

class FeasibilityModel {
 public:
  explicit FeasibilityModel(const CandidatePool& pool) : pool_(pool), wl_(pool) {}
  // log P(feasible) at each candidate pool row; all 0 while fewer than two successful trials measured a
  // constraint (and always without measured constraints).
  std::vector<double> log_probability(const std::vector<Observation>& history,
                                      const std::vector<long>& candidates);

 private:
  const CandidatePool& pool_;
  WlKernelCache wl_;
};

}  // namespace tnas
