#pragma once
// On-disk cache of per-image features of one image source under one featurizer, so that a fit, a resumed
// fit or a second fit on the same source does not run the featurizer again (a ResNet-18 over tens of
// thousands of images is minutes on 2 cores). One HDF5 file per (source, featurizer):
//   /rows    N      indices of the cached images in the source
//   /values  N x F  float32 features
//   attrs: source (spec), featurizer (id), source_images, created_by
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tnas {

struct CachedFeatures {
  int64_t dim = 0;
  std::vector<int64_t> rows;  // source image indices
  std::vector<float> values;  // rows.size() x dim, row-major
};

struct FeatureCacheStats {
  int64_t from_cache = 0, computed = 0;
  std::string path;     // the cache file ("" when caching is off)
  std::string warning;  // e.g. a corrupt cache file that was rebuilt
};

// The cache file for a source spec and a featurizer id under `dir` (names made filesystem-safe).
std::string feature_cache_path(const std::string& dir, const std::string& source,
                               const std::string& featurizer_id);

// Features of `rows` of a source with `source_images` images, in the order of `rows`. Rows missing from the
// cache at `path` are computed with `compute` (rows -> rows.size() x dim values) and the cache is rewritten
// atomically with the union. path "" = no caching. A cache for another source, featurizer, source size or
// dimension, or a corrupt one, is rebuilt and said so in stats->warning.
std::vector<float> cached_features(
    const std::string& path, const std::string& source, const std::string& featurizer_id,
    int64_t source_images, int64_t dim, const std::vector<int64_t>& rows,
    const std::function<std::vector<float>(const std::vector<int64_t>&)>& compute, FeatureCacheStats* stats);

}  // namespace tnas
