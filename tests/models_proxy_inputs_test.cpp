// Zero-cost proxies as surrogate inputs (issue 26 item 2): parsing, the transform, the batch, the cache and
// the deep kernel's reading of them.
#include "models/proxies/proxy_inputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "datasets/images/dataset_spec.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/surrogate/surrogate.h"
#include "models/surrogate/surrogate_impl.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// TNAS_DATA_CACHE pointed at a scratch folder for one test, restored after it.
class ScratchCache {
 public:
  explicit ScratchCache(const std::filesystem::path& dir) {
    if (const char* previous = std::getenv("TNAS_DATA_CACHE")) saved_ = previous;
    ::setenv("TNAS_DATA_CACHE", dir.c_str(), 1);
  }
  ~ScratchCache() {
    if (saved_.empty())
      ::unsetenv("TNAS_DATA_CACHE");
    else
      ::setenv("TNAS_DATA_CACHE", saved_.c_str(), 1);
  }

 private:
  std::string saved_;
};

SurrogateOptions options_with_proxies() {
  SurrogateOptions o;
  o.feature_dim = 8;
  o.arch_hidden = 16;
  o.set_hidden = 16;
  o.images_per_class = 5;
  o.proxy_inputs = {ZeroCostProxy::kNaswot, ZeroCostProxy::kParams};
  return o;
}

TEST(ProxyInputs, ListsAreParsedAndBadNamesNamed) {
  EXPECT_TRUE(parse_zero_cost_proxy_list("none").empty());
  EXPECT_TRUE(parse_zero_cost_proxy_list("").empty());
  const auto chosen = parse_zero_cost_proxy_list("naswot,params,synflow");
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0], ZeroCostProxy::kNaswot);
  EXPECT_EQ(chosen[2], ZeroCostProxy::kSynflow);
  try {
    parse_zero_cost_proxy_list("naswot,bogus");
    FAIL() << "an unknown proxy was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown zero-cost proxy 'bogus' (known: synflow, snip"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_zero_cost_proxy_list("params,params"), Error);
}

TEST(ProxyInputs, ScoresBecomeSignedLogsAndUndefinedOnesNaN) {
  ZeroCostScores scores{};
  scores[static_cast<int>(ZeroCostProxy::kParams)] = 1e6;
  scores[static_cast<int>(ZeroCostProxy::kJacov)] = -3;
  scores[static_cast<int>(ZeroCostProxy::kNaswot)] = std::numeric_limits<double>::lowest();
  const auto row =
      proxy_input_row(scores, {ZeroCostProxy::kParams, ZeroCostProxy::kJacov, ZeroCostProxy::kNaswot});
  EXPECT_NEAR(row(0), std::log(1e6 + 1), 1e-4);
  EXPECT_NEAR(row(1), -std::log(4.0), 1e-6);
  EXPECT_TRUE(std::isnan(row(2)));
}

TEST(ProxyInputs, TheBatchTakesEveryClassInTurnAtTheFastResolution) {
  const ImageDataset images = test::synthetic_images(100, 3, 32, 32, 4);
  const ImageDataset batch = proxy_input_batch(images);
  EXPECT_EQ(batch.size(), kProxyInputImages);
  EXPECT_EQ(batch.height, 16);
  EXPECT_EQ(batch.num_classes(), 4);
  std::vector<int> per_class(4, 0);
  for (int32_t label : batch.labels) ++per_class.at(label);
  for (int count : per_class) EXPECT_EQ(count, kProxyInputImages / 4);
  // A fixed draw: the same images give the same batch.
  EXPECT_EQ(proxy_input_batch(images).pixels, batch.pixels);
}

TEST(ProxyInputs, TheCacheReturnsWhatWasComputedAndSurvivesATornLine) {
  const auto dir = test::scratch_dir("proxy_inputs_cache");
  const ScratchCache cache(dir / "cache");
  const ImageDataset batch = proxy_input_batch(test::synthetic_images(40, 3, 32, 32, 4));
  const std::vector<std::string> cells = {
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|",
      "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"};
  size_t computed = 0;
  const auto first = cached_zero_cost_scores(cells, batch, [&](size_t, size_t) { ++computed; });
  EXPECT_EQ(computed, 2u);
  const auto file = std::filesystem::directory_iterator(dir / "cache" / "zero-cost-proxies")->path();
  std::ofstream(file, std::ios::app) << cells[0] << "\t1.5\t2";  // a killed run's torn line
  computed = 0;
  const auto second = cached_zero_cost_scores(cells, batch, [&](size_t, size_t) { ++computed; });
  EXPECT_EQ(computed, 0u);
  EXPECT_EQ(second, first);
  EXPECT_GT(first[0][static_cast<int>(ZeroCostProxy::kParams)],
            first[1][static_cast<int>(ZeroCostProxy::kParams)]);
}

TEST(ProxyInputs, GetsTheTargetsProxiesBesideGOncePerIsomorphismClass) {
  const auto dir = test::scratch_dir("proxy_inputs_append");
  const ScratchCache cache(dir / "cache");
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(60, 3, 32, 32, 10), images, false);
  const Nb201Space space;
  const std::vector<Arch> configs = {
      space.parse("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"),
      space.parse("|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"),
      space.parse(
          "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")};
  ASSERT_EQ(space.iso_key(configs[0]), space.iso_key(configs[1]));
  const std::vector<ZeroCostProxy> chosen = {ZeroCostProxy::kNaswot, ZeroCostProxy::kParams};
  Eigen::MatrixXf g = Eigen::MatrixXf::Constant(3, 2, 7.0f);
  append_proxy_inputs(g, chosen, space, configs, "cifar10:" + images);
  ASSERT_EQ(g.cols(), 4);
  EXPECT_EQ(g.leftCols(2), Eigen::MatrixXf::Constant(3, 2, 7.0f));
  EXPECT_EQ(g.row(0), g.row(1));
  const ImageDataset batch = proxy_input_batch(load_dataset("cifar10:" + images));
  const auto scores = cached_zero_cost_scores({space.format(configs[2])}, batch, nullptr);
  EXPECT_EQ(g.block(2, 2, 1, 2), proxy_input_row(scores[0], chosen));
  EXPECT_GT(g(2, 3), g(0, 3));  // six convolutions are more parameters than one
  // A size-only surrogate counts them without a network: the same values as the networks' count.
  Eigen::MatrixXf sizes = Eigen::MatrixXf::Zero(3, 0);
  append_proxy_inputs(sizes, {ZeroCostProxy::kParams}, space, configs, "cifar10:" + images);
  EXPECT_EQ(sizes.col(0), g.col(3));
  Eigen::MatrixXf unchanged = g;
  EXPECT_THROW(append_proxy_inputs(unchanged, chosen, space, configs, ""), Error);  // no target images
}

TEST(ProxyInputs, OptionsNameTheirProxiesAndOldManifestsHaveNone) {
  const nlohmann::json j = to_json(options_with_proxies());
  EXPECT_EQ(j.at("proxy_inputs"), nlohmann::json({"naswot", "params"}));
  EXPECT_EQ(surrogate_options_from_json(j).proxy_inputs, options_with_proxies().proxy_inputs);
  nlohmann::json old = j;
  old.erase("proxy_inputs");
  EXPECT_TRUE(surrogate_options_from_json(old).proxy_inputs.empty());
  nlohmann::json bad = j;
  bad["proxy_inputs"] = {"naswot", "vibes"};
  EXPECT_THROW(surrogate_options_from_json(bad), Error);
}

TEST(ProxyInputs, TheKernelReadsThemStandardizedClippedAndUndefinedAsLowest) {
  Surrogate surrogate(options_with_proxies(), 3, 4);
  {
    torch::NoGradGuard no_grad;
    surrogate.impl().net->kernel->proxy_mean.copy_(torch::tensor({100.0f, 12.0f}));
    surrogate.impl().net->kernel->proxy_std.copy_(torch::tensor({10.0f, 1.0f}));
  }
  const Nb201Space space;
  Rng rng(3);
  const std::vector<Arch> cells = {space.sample(rng)};
  const Eigen::MatrixXf g = surrogate.arch_embeddings(space, cells);
  const Eigen::VectorXf d = Eigen::VectorXf::Zero(surrogate.options().nz);
  const auto with = [&](float naswot, float params) {
    Eigen::MatrixXf input(1, g.cols() + 2);
    input << g, naswot, params;
    return surrogate.kernel_features(d, input);
  };
  EXPECT_GT((with(100, 12) - with(120, 12)).cwiseAbs().maxCoeff(), 0.0);          // the proxies matter
  EXPECT_EQ(with(std::numeric_limits<float>::quiet_NaN(), 12), with(-1e9f, 12));  // NaN reads as -5 sd
  EXPECT_EQ(with(150, 12), with(1e9f, 12));                                       // clipped at +5 sd
  EXPECT_THROW(surrogate.kernel_features(d, g), Error);                           // G without its proxies
  // Saved and loaded: the standardization travels with the weights.
  const auto dir = test::scratch_dir("proxy_inputs_checkpoint");
  surrogate.save((dir / "ck").string(), {});
  const Surrogate back = Surrogate::load((dir / "ck").string());
  Eigen::MatrixXf input(1, g.cols() + 2);
  input << g, 107, 11;
  EXPECT_EQ(back.kernel_features(d, input), surrogate.kernel_features(d, input));
  EXPECT_EQ(back.options().proxy_inputs, surrogate.options().proxy_inputs);
}

}  // namespace
}  // namespace tnas
