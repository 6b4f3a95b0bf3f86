#include "models/proxies/zero_cost_proxies.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "basics/error.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

double score(const ZeroCostScores& scores, ZeroCostProxy proxy) { return scores[static_cast<int>(proxy)]; }

const char* kAllConv =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const char* kAllPool =
    "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|";
const char* kAllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

TEST(ZeroCostProxies, AreFiniteDeterministicAndCountTheCellExactly) {
  const ImageDataset batch = test::synthetic_images(16, 3, 16, 16, 4);
  const ProxyPreset preset = find_preset("smoke");
  const Nb201Cell cell = Nb201Cell::parse(kAllConv);
  const ZeroCostScores a = zero_cost_scores(cell, batch, preset, 5);
  const ZeroCostScores b = zero_cost_scores(cell, batch, preset, 5);
  for (int p = 0; p < kZeroCostProxyCount; ++p) {
    SCOPED_TRACE(zero_cost_proxy_name(kZeroCostProxies[p]));
    EXPECT_TRUE(std::isfinite(a[p]));
    EXPECT_GT(a[p], std::numeric_limits<double>::lowest());
    EXPECT_EQ(a[p], b[p]);  // same seed, same scores
  }
  Nb201MacroConfig config = preset.network(4);
  config.resolution = 16;
  EXPECT_EQ(score(a, ZeroCostProxy::kParams), static_cast<double>(nb201_param_count(cell, config)));
  EXPECT_EQ(score(a, ZeroCostProxy::kFlops), static_cast<double>(nb201_flops(cell, config)));
  const ZeroCostScores other_seed = zero_cost_scores(cell, batch, preset, 6);
  EXPECT_NE(score(a, ZeroCostProxy::kSnip), score(other_seed, ZeroCostProxy::kSnip));
}

// The trend every proxy study reports on NB201: cells of convolutions score above cells of pooling alone, and
// a cell whose output ignores its input has no NASWOT or jacov score (the lowest double, never NaN).
TEST(ZeroCostProxies, RankConvolutionsAbovePoolingAndMarkDisconnectedCells) {
  const ImageDataset batch = test::synthetic_images(16, 3, 16, 16, 4);
  const ProxyPreset preset = find_preset("smoke");
  const ZeroCostScores conv = zero_cost_scores(Nb201Cell::parse(kAllConv), batch, preset, 1);
  const ZeroCostScores pool = zero_cost_scores(Nb201Cell::parse(kAllPool), batch, preset, 1);
  for (ZeroCostProxy proxy : {ZeroCostProxy::kSynflow, ZeroCostProxy::kSnip, ZeroCostProxy::kParams})
    EXPECT_GT(score(conv, proxy), score(pool, proxy)) << zero_cost_proxy_name(proxy);
  const ZeroCostScores none = zero_cost_scores(Nb201Cell::parse(kAllNone), batch, preset, 1);
  EXPECT_EQ(score(none, ZeroCostProxy::kJacov), std::numeric_limits<double>::lowest());
  for (double value : none) EXPECT_FALSE(std::isnan(value));
}

TEST(ZeroCostProxies, RefuseAnEmptyOrGrayscaleBatch) {
  const ProxyPreset preset = find_preset("smoke");
  const Nb201Cell cell = Nb201Cell::parse(kAllConv);
  ImageDataset empty = test::synthetic_images(4, 3, 16, 16, 2);
  empty.pixels.clear();
  empty.labels.clear();
  EXPECT_THROW(zero_cost_scores(cell, empty, preset, 0), Error);
  EXPECT_THROW(zero_cost_scores(cell, test::synthetic_images(4, 1, 16, 16, 2), preset, 0), Error);
}

}  // namespace
}  // namespace tnas
