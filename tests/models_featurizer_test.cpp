// Featurizer (b): a TorchScript image backbone given by path, carried inside the checkpoint.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <fstream>

#include "basics/error.h"
#include "datasets/images/image_dataset.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/surrogate/surrogate.h"
#include "models/surrogate/surrogate_impl.h"
#include "models/surrogate/torchscript_export.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// G of NB201 cells through the space-neutral interface.
inline Eigen::MatrixXf nb201_embeddings(const Surrogate& s, const std::vector<Nb201Cell>& cells) {
  std::vector<Arch> configs;
  for (const auto& c : cells) configs.push_back(Nb201Space::from_cell(c));
  return s.arch_embeddings(Nb201Space(), configs);
}

// A small scripted backbone, as a user would write in Python: conv -> ReLU -> global mean.
void write_backbone(const std::string& path, int64_t out_channels, uint64_t seed,
                    bool four_dim_output = false) {
  torch::manual_seed(seed);
  torch::jit::Module m("TinyBackbone");
  m.register_parameter("w", torch::randn({out_channels, 3, 3, 3}), false);
  m.define(std::string("def forward(self, x: Tensor) -> Tensor:\n") +
           "    h = torch.relu(torch.conv2d(x, self.w, None, 1, 1))\n" +
           (four_dim_output ? "    return h.mean([2, 3], True)\n" : "    return h.mean([2, 3])\n"));
  m.save(path);
}

ImageDataset random_rgb32(int n, int classes, uint64_t seed) {
  ImageDataset d;
  d.source = "random";
  d.channels = 3, d.height = d.width = 32;
  d.class_names = numbered_class_names(classes);
  torch::manual_seed(seed);
  const auto px = torch::randint(0, 256, {n * 3 * 32 * 32}, torch::kInt64).to(torch::kUInt8);
  d.pixels.assign(px.data_ptr<uint8_t>(), px.data_ptr<uint8_t>() + px.numel());
  for (int i = 0; i < n; ++i) d.labels.push_back(i % classes);
  return d;
}

SurrogateOptions backbone_options() {
  SurrogateOptions o;
  o.featurizer = FeaturizerKind::kTorchScript;
  o.arch_hidden = 32;
  o.set_hidden = 16;
  o.images_per_class = 5;
  return o;
}

TEST(TorchScriptFeaturizer, FeaturesComeFromTheBackboneAndSurviveTheCheckpoint) {
  const auto dir = test::scratch_dir("featurizer");
  const std::string backbone = (dir / "backbone.pt").string();
  write_backbone(backbone, 12, 1, /*four_dim_output=*/true);  // (B, 12, 1, 1) is flattened to (B, 12)
  Surrogate s(backbone_options(), 0, 3, backbone);
  EXPECT_EQ(s.options().feature_dim, 12);  // probed from the module, not the option's default 64
  EXPECT_EQ(s.featurizer_id().rfind("torchscript-", 0), 0u);

  const ImageDataset images = random_rgb32(10, 2, 5);
  const Eigen::MatrixXf f = s.image_features(images);
  torch::jit::Module reference = torch::jit::load(backbone);
  const auto x = torch::from_blob(const_cast<uint8_t*>(images.pixels.data()), {10, 3, 32, 32}, torch::kUInt8)
                     .to(torch::kFloat32) /
                 255.0;
  const auto expected = reference.forward({x}).toTensor().flatten(1);
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 12; ++j) ASSERT_NEAR(f(i, j), expected[i][j].item<float>(), 1e-5);

  // Round trip: the checkpoint carries the backbone (featurizer.pt), so the original file is not needed.
  const std::string ck = (dir / "ck").string();
  s.save(ck, {});
  std::filesystem::remove(backbone);
  const Surrogate loaded = Surrogate::load(ck);
  EXPECT_EQ(loaded.featurizer_id(), s.featurizer_id());
  EXPECT_TRUE(loaded.image_features(images).isApprox(f));
  Rng r1(9), r2(9);
  const Eigen::VectorXf d1 = s.dataset_embedding(f, images.labels, 2, r1),
                        d2 = loaded.dataset_embedding(f, images.labels, 2, r2);
  const std::vector<Nb201Cell> cells = {Nb201Cell::from_id(5), Nb201Cell::from_id(12000)};
  EXPECT_TRUE(s.kernel_features(d1, nb201_embeddings(s, cells))
                  .isApprox(loaded.kernel_features(d2, nb201_embeddings(loaded, cells))));

  // The exported module runs the same backbone in its featurize method.
  c10::Dict<std::string, torch::Tensor> context;
  context.insert("z", torch::randn({6, 194}, torch::kFloat64));
  context.insert("y", torch::randn({6}, torch::kFloat64));
  const auto bytes = torch::pickle_save(c10::IValue(context));
  std::ofstream(ck + "/context.pt", std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::string exported = (dir / "surrogate.pt").string();
  export_torchscript(Surrogate::load(ck), exported);
  torch::jit::Module m = torch::jit::load(exported);
  EXPECT_TRUE(torch::allclose(m.run_method("featurize", x).toTensor(), expected, 1e-5, 1e-6));

  // A featurizer.pt that is not the one the manifest names is refused, naming the file (by the manifest's
  // content hash of every file, checked before the featurizer's own hash).
  write_backbone(ck + "/featurizer.pt", 12, 2);
  try {
    Surrogate::load(ck);
    ADD_FAILURE() << "a swapped featurizer.pt was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("featurizer.pt: content hash"), std::string::npos) << e.what();
  }
}

TEST(TorchScriptFeaturizer, UnusableFilesAreClearErrors) {
  const auto dir = test::scratch_dir("featurizer_bad");
  const std::string garbage = (dir / "garbage.pt").string();
  std::ofstream(garbage) << "not a zip archive";
  try {
    Surrogate(backbone_options(), 0, 1, garbage);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(garbage + ": not a TorchScript module"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(Surrogate(backbone_options(), 0, 1, (dir / "missing.pt").string()), Error);
  EXPECT_THROW(Surrogate(backbone_options(), 0, 1, ""), Error);
  // A module that does not return (B, F).
  torch::jit::Module m("Scalar");
  m.define("def forward(self, x: Tensor) -> Tensor:\n    return x.sum()\n");
  const std::string scalar = (dir / "scalar.pt").string();
  m.save(scalar);
  try {
    Surrogate(backbone_options(), 0, 1, scalar);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must map (B, 3, 32, 32) to (B, F)"), std::string::npos) << e.what();
  }
}

TEST(TorchScriptFeaturizer, BuiltinFeaturizerIdFollowsItsWeights) {
  SurrogateOptions o = backbone_options();
  o.featurizer = FeaturizerKind::kBuiltinCnn;
  o.feature_dim = 8;
  Surrogate a(o, 3, 1), b(o, 3, 1), c(o, 3, 2);
  EXPECT_EQ(a.featurizer_id(), b.featurizer_id());  // same seed, same weights
  EXPECT_NE(a.featurizer_id(), c.featurizer_id());
  EXPECT_EQ(a.featurizer_id().rfind("builtin-cnn-", 0), 0u);
}

}  // namespace
}  // namespace tnas
