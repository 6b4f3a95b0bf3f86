#include "datasets/images/feature_cache.h"

#include <cctype>
#include <filesystem>
#include <unordered_map>

#include "basics/error.h"
#include "datasets/formats/h5_io.h"
#include "tnas_version.h"

namespace tnas {
namespace fs = std::filesystem;

std::string feature_cache_path(const std::string& dir, const std::string& source,
                               const std::string& featurizer_id) {
  std::string name = source + "-" + featurizer_id;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return (fs::path(dir) / (name + ".features.h5")).string();
}

namespace {

// Reads the cache if it exists and belongs to this source and featurizer; throws tnas::Error otherwise.
CachedFeatures read_cache(const std::string& path, const std::string& source,
                          const std::string& featurizer_id, int64_t source_images, int64_t dim) {
  CachedFeatures c;
  h5::guarded(path, [&] {
    H5::H5File f = h5::open_read_only(path);
    if (h5::attr_string(f, "source") != source || h5::attr_string(f, "featurizer") != featurizer_id ||
        h5::attr_int(f, "source_images") != source_images)
      throw Error("written for another source or featurizer");
    std::vector<hsize_t> dims;
    c.values = h5::read<float>(f, "values", &dims);
    c.rows = h5::read<int64_t>(f, "rows");
    if (dims.size() != 2 || static_cast<int64_t>(dims[1]) != dim || dims[0] != c.rows.size())
      throw Error("shapes disagree with " + std::to_string(dim) + " features per image");
    for (int64_t r : c.rows)
      if (r < 0 || r >= source_images) throw Error("image index out of range");
    c.dim = dim;
  });
  return c;
}

}  // namespace

std::vector<float> cached_features(
    const std::string& path, const std::string& source, const std::string& featurizer_id,
    int64_t source_images, int64_t dim, const std::vector<int64_t>& rows,
    const std::function<std::vector<float>(const std::vector<int64_t>&)>& compute, FeatureCacheStats* stats) {
  FeatureCacheStats local;
  FeatureCacheStats& st = stats ? *stats : local;
  st = FeatureCacheStats();
  st.path = path;
  CachedFeatures cache;
  cache.dim = dim;
  if (!path.empty() && fs::exists(path)) {
    try {
      cache = read_cache(path, source, featurizer_id, source_images, dim);
    } catch (const Error& e) {
      st.warning = std::string(e.what()) + "; rebuilding it";
      cache = CachedFeatures();
      cache.dim = dim;
    }
  }
  std::unordered_map<int64_t, size_t> where;  // source image -> row of cache.values
  for (size_t i = 0; i < cache.rows.size(); ++i) where.emplace(cache.rows[i], i);
  std::vector<int64_t> missing;
  for (int64_t r : rows)
    if (!where.count(r)) {
      where.emplace(r, cache.rows.size() + missing.size());
      missing.push_back(r);
    }
  if (!missing.empty()) {
    const std::vector<float> fresh = compute(missing);
    if (fresh.size() != missing.size() * static_cast<size_t>(dim))
      throw Error("featurizer returned " + std::to_string(fresh.size()) + " values for " +
                  std::to_string(missing.size()) + " images of " + std::to_string(dim) + " features");
    cache.rows.insert(cache.rows.end(), missing.begin(), missing.end());
    cache.values.insert(cache.values.end(), fresh.begin(), fresh.end());
    if (!path.empty()) {
      fs::create_directories(fs::path(path).parent_path());
      h5::guarded(path, [&] {
        h5::write_atomically(path, [&](H5::H5File& f) {
          h5::set_attr(f, "source", source);
          h5::set_attr(f, "featurizer", featurizer_id);
          h5::set_attr(f, "source_images", source_images);
          h5::set_attr(f, "created_by", std::string("tnas ") + TNAS_VERSION);
          h5::write(f, "rows", cache.rows);
          h5::write(f, "values", cache.values, {cache.rows.size(), static_cast<hsize_t>(dim)});
        });
      });
    }
  }
  st.computed = static_cast<int64_t>(missing.size());
  st.from_cache = static_cast<int64_t>(rows.size()) - st.computed;
  std::vector<float> out(rows.size() * static_cast<size_t>(dim));
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t at = where.at(rows[i]);
    std::copy_n(cache.values.begin() + static_cast<std::ptrdiff_t>(at * dim), dim,
                out.begin() + static_cast<std::ptrdiff_t>(i * dim));
  }
  return out;
}

}  // namespace tnas
