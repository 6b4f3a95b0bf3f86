#include "meta_test/bo/wl_kernel_cache.h"

namespace tnas {

WlKernelCache::WlKernelCache(const CandidatePool& pool, int max_iterations)
    : pool_(pool), max_iterations_(max_iterations), features_(pool.size()) {}

const std::vector<WlFeatures>& WlKernelCache::features(long i) {
  if (features_[i].empty()) {
    const OpGraph g = pool_.space().to_graph(pool_.configs()[i]);
    for (int h = 0; h <= max_iterations_; ++h) features_[i].push_back(wl_features(g, h));
  }
  return features_[i];
}

KernelFamily WlKernelCache::family(const std::vector<long>& rows, const std::vector<long>& candidates,
                                   const std::vector<double>& weights) {
  const long n = static_cast<long>(rows.size()), m = static_cast<long>(candidates.size());
  KernelFamily f;
  f.weights = weights;
  for (int h = 0; h <= max_iterations_; ++h) {
    KernelBlock b;
    b.name = "wl(h=" + std::to_string(h) + ")";
    b.train.resize(n, n);
    b.cross.resize(n, m);
    b.diag = Eigen::VectorXd::Ones(m);  // normalized: k(x, x) = 1
    for (long a = 0; a < n; ++a) {
      for (long c = 0; c <= a; ++c)
        b.train(a, c) = b.train(c, a) = wl_kernel(features(rows[a])[h], features(rows[c])[h]);
      for (long c = 0; c < m; ++c)
        b.cross(a, c) = wl_kernel(features(rows[a])[h], features(candidates[c])[h]);
    }
    f.alternatives.push_back(std::move(b));
  }
  return f;
}

}  // namespace tnas
