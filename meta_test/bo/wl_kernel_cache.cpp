#include "meta_test/bo/wl_kernel_cache.h"

#include "graphs/spaces/grammar/grammar_space.h"

namespace tnas {

WlKernelCache::WlKernelCache(const CandidatePool& pool, int max_iterations, WlGraphs graphs)
    : pool_(pool), max_iterations_(max_iterations), features_(pool.size()) {
  if (graphs == WlGraphs::kHierarchical) grammar_ = dynamic_cast<const GrammarSpace*>(&pool.space());
  if (grammar_) {
    levels_ = hierarchical_wl_levels(grammar_->max_depth());
    hierarchical_.resize(pool.size());
    hierarchical_ready_.assign(pool.size(), false);
  }
}

const std::vector<WlFeatures>& WlKernelCache::features(long i) {
  if (features_[i].empty()) {
    const OpGraph g = pool_.space().to_graph(pool_.configs()[i]);
    for (int h = 0; h <= max_iterations_; ++h) features_[i].push_back(wl_features(g, h));
  }
  return features_[i];
}

const HierarchicalWlFeatures& WlKernelCache::hierarchical_features(long i) {
  if (!hierarchical_ready_[i]) {
    hierarchical_[i] = hierarchical_wl_features(grammar_->grammar(), grammar_->decode(pool_.configs()[i]),
                                                levels_, max_iterations_);
    hierarchical_ready_[i] = true;
  }
  return hierarchical_[i];
}

std::vector<double> WlKernelCache::kernels(long a, long b) {
  if (grammar_) return hierarchical_wl_kernels(hierarchical_features(a), hierarchical_features(b));
  std::vector<double> values;
  for (int h = 0; h <= max_iterations_; ++h) values.push_back(wl_kernel(features(a)[h], features(b)[h]));
  return values;
}

KernelFamily WlKernelCache::family(const std::vector<long>& rows, const std::vector<long>& candidates,
                                   const std::vector<double>& weights) {
  const long n = static_cast<long>(rows.size()), m = static_cast<long>(candidates.size());
  KernelFamily f;
  f.weights = weights;
  std::vector<KernelBlock> blocks(max_iterations_ + 1);
  for (int h = 0; h <= max_iterations_; ++h) {
    blocks[h].name = (grammar_ ? "hwl(h=" : "wl(h=") + std::to_string(h) + ")";
    blocks[h].train.resize(n, n);
    blocks[h].cross.resize(n, m);
    blocks[h].diag = Eigen::VectorXd::Ones(m);  // normalized: k(x, x) = 1
  }
  for (long a = 0; a < n; ++a) {
    for (long c = 0; c <= a; ++c) {
      const std::vector<double> values = kernels(rows[a], rows[c]);
      for (int h = 0; h <= max_iterations_; ++h) blocks[h].train(a, c) = blocks[h].train(c, a) = values[h];
    }
    for (long c = 0; c < m; ++c) {
      const std::vector<double> values = kernels(rows[a], candidates[c]);
      for (int h = 0; h <= max_iterations_; ++h) blocks[h].cross(a, c) = values[h];
    }
  }
  for (KernelBlock& block : blocks) f.alternatives.push_back(std::move(block));
  return f;
}

}  // namespace tnas
