#pragma once
// The normalized Weisfeiler-Lehman kernel between pool cells (graphs/op_graph/wl_features.h), with each
// cell's features computed once, as an additive-GP kernel family over the depths h = 0..max_iterations.
// On a grammar space it may be the hierarchical WL kernel instead (graphs/spaces/grammar/hierarchical_wl.h):
// the WL kernel at every level of abstraction of the derivation, BOHNAS's kernel.
#include <vector>

#include "graphs/op_graph/wl_features.h"
#include "graphs/spaces/grammar/hierarchical_wl.h"
#include "meta_test/bo/additive_gp.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

class GrammarSpace;

enum class WlGraphs {
  kComputational,  // the space's op graph (NAS-BOWL): a grammar space's whole term tree as one graph
  kHierarchical,   // every level of a grammar space's derivation (other spaces: the op graph)
};

class WlKernelCache {
 public:
  explicit WlKernelCache(const CandidatePool& pool, int max_iterations = 2,
                         WlGraphs graphs = WlGraphs::kComputational);
  // Blocks "wl(h=0)" .. "wl(h=max)" (hierarchical: "hwl(h=...)") between the observed pool rows and the
  // candidate rows.
  KernelFamily family(const std::vector<long>& rows, const std::vector<long>& candidates,
                      const std::vector<double>& weights);
  bool hierarchical() const { return grammar_ != nullptr; }

 private:
  // The kernels of rows a and b for h = 0 .. max_iterations.
  std::vector<double> kernels(long a, long b);
  const std::vector<WlFeatures>& features(long i);
  const HierarchicalWlFeatures& hierarchical_features(long i);
  const CandidatePool& pool_;
  int max_iterations_;
  const GrammarSpace* grammar_ = nullptr;  // set when the kernel is hierarchical
  int levels_ = 0;
  std::vector<std::vector<WlFeatures>> features_;  // per pool cell, per h; empty until first needed
  std::vector<HierarchicalWlFeatures> hierarchical_;
  std::vector<bool> hierarchical_ready_;
};

}  // namespace tnas
