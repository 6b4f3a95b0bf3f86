#include "datasets/images/feature_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "basics/error.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// A stand-in featurizer: feature j of image r is r * 10 + j; counts the images it is asked for.
struct CountingFeaturizer {
  int64_t dim = 3;
  int64_t calls_images = 0;
  std::vector<float> operator()(const std::vector<int64_t>& rows) {
    calls_images += static_cast<int64_t>(rows.size());
    std::vector<float> v;
    for (int64_t r : rows)
      for (int64_t j = 0; j < dim; ++j) v.push_back(static_cast<float>(r * 10 + j));
    return v;
  }
};

TEST(FeatureCache, ComputesOnlyWhatIsMissingAndKeepsTheOrder) {
  const auto dir = test::scratch_dir("feature_cache");
  const std::string path = feature_cache_path(dir.string(), "fashion-mnist", "builtin-cnn-0123");
  EXPECT_NE(path.find("fashion-mnist-builtin-cnn-0123.features.h5"), std::string::npos);
  CountingFeaturizer f;
  auto compute = [&](const std::vector<int64_t>& rows) { return f(rows); };
  FeatureCacheStats st;
  auto a = cached_features(path, "fashion-mnist", "builtin-cnn-0123", 100, 3, {5, 2, 9}, compute, &st);
  EXPECT_EQ(st.computed, 3);
  EXPECT_EQ(st.from_cache, 0);
  EXPECT_EQ(a, (std::vector<float>{50, 51, 52, 20, 21, 22, 90, 91, 92}));
  // A second run needs only the new image; the order follows the request.
  auto b = cached_features(path, "fashion-mnist", "builtin-cnn-0123", 100, 3, {9, 7, 5}, compute, &st);
  EXPECT_EQ(st.computed, 1);
  EXPECT_EQ(st.from_cache, 2);
  EXPECT_EQ(f.calls_images, 4);
  EXPECT_EQ(b, (std::vector<float>{90, 91, 92, 70, 71, 72, 50, 51, 52}));
  // Another featurizer on the same file is not served stale features: it is rebuilt, and said so.
  auto c = cached_features(path, "fashion-mnist", "builtin-cnn-4567", 100, 3, {2}, compute, &st);
  EXPECT_EQ(st.computed, 1);
  EXPECT_NE(st.warning.find("another source or featurizer"), std::string::npos) << st.warning;
  // A corrupt cache is rebuilt with a warning, never read.
  std::ofstream(path, std::ios::trunc) << "garbage";
  auto d = cached_features(path, "fashion-mnist", "builtin-cnn-4567", 100, 3, {2, 3}, compute, &st);
  EXPECT_EQ(st.computed, 2);
  EXPECT_FALSE(st.warning.empty());
  EXPECT_EQ(d, (std::vector<float>{20, 21, 22, 30, 31, 32}));
  // No caching: everything is computed, nothing is written.
  const int64_t before = f.calls_images;
  cached_features("", "fashion-mnist", "x", 100, 3, {1, 2}, compute, &st);
  EXPECT_EQ(f.calls_images - before, 2);
  EXPECT_TRUE(st.path.empty());
}

TEST(FeatureCache, AFeaturizerReturningTheWrongSizeIsAnError) {
  const auto dir = test::scratch_dir("feature_cache_bad");
  auto wrong = [](const std::vector<int64_t>& rows) { return std::vector<float>(rows.size() * 2); };
  EXPECT_THROW(cached_features((dir / "c.h5").string(), "s", "f", 10, 3, {1}, wrong, nullptr), Error);
}

}  // namespace
}  // namespace tnas
