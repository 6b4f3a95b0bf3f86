#pragma once
// The normalized Weisfeiler-Lehman kernel between pool cells (graphs/op_graph/wl_features.h), with each
// cell's features computed once, as an additive-GP kernel family over the depths h = 0..max_iterations.
#include <vector>

#include "graphs/op_graph/wl_features.h"
#include "meta_test/bo/additive_gp.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

class WlKernelCache {
 public:
  explicit WlKernelCache(const CandidatePool& pool, int max_iterations = 2);
  // Blocks "wl(h=0)" .. "wl(h=max)" between the observed pool rows and the candidate rows.
  KernelFamily family(const std::vector<long>& rows, const std::vector<long>& candidates,
                      const std::vector<double>& weights);

 private:
  const std::vector<WlFeatures>& features(long i);
  const CandidatePool& pool_;
  int max_iterations_;
  std::vector<std::vector<WlFeatures>> features_;  // per pool cell, per h; empty until first needed
};

}  // namespace tnas
