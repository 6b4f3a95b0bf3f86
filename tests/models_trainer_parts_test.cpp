// The trainer's own optimizer and augmentation against plain references.
#include <gtest/gtest.h>

#include <algorithm>

#include "basics/error.h"
#include "models/network/nb201_network_module.h"
#include "models/trainer/adam_step.h"
#include "models/trainer/batch_augment.h"
#include "models/trainer/calibration.h"
#include "models/trainer/corruptions.h"
#include "models/trainer/nesterov_sgd.h"
#include "models/trainer/trivial_augment.h"

namespace tnas {
namespace {

// ECE by hand: ten predictions at confidence 0.95 of which 8 are right (|0.8 - 0.95| = 0.15) and ten at 0.55
// of which 5 are (|0.5 - 0.55| = 0.05), each bin half the images: (0.15 + 0.05) / 2 = 10 %.
TEST(CalibrationBins, ExpectedCalibrationErrorIsTheWeightedGapPerBin) {
  CalibrationBins bins;
  EXPECT_EQ(bins.expected_calibration_error(), 0);
  for (int i = 0; i < 10; ++i) bins.add(0.95, i < 8);
  for (int i = 0; i < 10; ++i) bins.add(0.55, i < 5);
  EXPECT_NEAR(bins.expected_calibration_error(), 10.0, 1e-9);
  CalibrationBins perfect;  // confidence equal to accuracy in every bin
  for (int i = 0; i < 4; ++i) perfect.add(0.75, i < 3);
  perfect.add(1.0, true);
  EXPECT_NEAR(perfect.expected_calibration_error(), 0.0, 1e-12);
  CalibrationBins edges;  // 1/15 belongs to the first bin, 0 too: one bin, |0 - 1/30| for the two
  edges.add(0.0, false);
  edges.add(1.0 / 15, false);
  EXPECT_NEAR(edges.expected_calibration_error(), 100.0 / 30, 1e-9);
}

// The robustness corruptions: fixed (the same noise every time), pixels kept in [0, 1], a constant image
// unchanged by blur and contrast, contrast scaling each image's deviations from its mean by 0.4.
TEST(Corruptions, AreFixedBoundedAndDoWhatTheySay) {
  torch::manual_seed(3);
  const torch::Tensor images = torch::rand({4, 3, 8, 8}).mul(0.5).add(0.25);  // away from the clamp
  const auto& corruptions = validation_corruptions();
  ASSERT_EQ(corruptions.size(), 3u);
  for (const Corruption& c : corruptions) {
    SCOPED_TRACE(c.name);
    const torch::Tensor once = c.apply(images), twice = c.apply(images);
    EXPECT_TRUE(torch::equal(once, twice));
    EXPECT_EQ(once.sizes(), images.sizes());
    EXPECT_GE(once.min().item<float>(), 0.0f);
    EXPECT_LE(once.max().item<float>(), 1.0f);
    EXPECT_FALSE(torch::allclose(once, images));
  }
  const torch::Tensor flat = torch::full({1, 1, 5, 5}, 0.3);
  EXPECT_TRUE(torch::allclose(corruptions[1].apply(flat), flat));  // box blur
  EXPECT_TRUE(torch::allclose(corruptions[2].apply(flat), flat));  // contrast
  const torch::Tensor low = corruptions[2].apply(images);
  const torch::Tensor mean = images.mean({1, 2, 3}, true);
  EXPECT_TRUE(torch::allclose(low - mean, (images - mean) * 0.4, 1e-5, 1e-6));
  const double noise = (corruptions[0].apply(images) - images).std().item<double>();
  EXPECT_NEAR(noise, 0.08, 0.01);
}

torch::nn::Sequential small_network() {
  return torch::nn::Sequential(torch::nn::Linear(6, 5), torch::nn::ReLU(), torch::nn::Linear(5, 3));
}

// Two networks with the same weights, drawn with `seed`: one for LibTorch's optimizer, one for ours.
std::pair<torch::nn::Sequential, torch::nn::Sequential> twin_networks(uint64_t seed) {
  torch::manual_seed(seed);
  auto a = small_network(), b = small_network();
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < a->parameters().size(); ++i) b->parameters()[i].copy_(a->parameters()[i]);
  return {a, b};
}

TEST(NesterovSgd, MatchesTorchSgdWithNesterovMomentum) {
  auto [a, b] = twin_networks(5);
  const auto make_net = small_network;
  torch::optim::SGD reference(a->parameters(),
                              torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(5e-4));
  NesterovSgd ours(b->parameters(), 0.9, 5e-4, torch::kCPU);
  const auto x = torch::randn({16, 6}), y = torch::randint(0, 3, {16});
  for (int step = 0; step < 6; ++step) {
    const double lr = 0.1 * (1.0 - step / 6.0);  // a changing rate, as the cosine schedule
    for (auto& group : reference.param_groups())
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    reference.zero_grad();
    torch::cross_entropy_loss(a->forward(x), y).backward();
    reference.step();
    ours.set_learning_rate(lr);
    ours.zero_grad();
    torch::cross_entropy_loss(b->forward(x), y).backward();
    ours.step();
  }
  for (size_t i = 0; i < a->parameters().size(); ++i)
    EXPECT_TRUE(torch::allclose(a->parameters()[i], b->parameters()[i], 1e-5, 1e-6)) << "parameter " << i;
  // And the parameters really moved (the comparison is not between two untouched copies).
  EXPECT_FALSE(torch::allclose(a->parameters()[0], make_net()->parameters()[0]));
}

// Adam and AdamW with the rate on the device make the same updates as LibTorch's own, under a changing rate.
TEST(AdamStep, MatchesTorchAdamAndAdamW) {
  for (const bool decoupled : {false, true}) {
    auto [a, b] = twin_networks(6);
    const auto make_net = small_network;
    std::unique_ptr<torch::optim::Optimizer> reference;
    if (decoupled)
      reference = std::make_unique<torch::optim::AdamW>(a->parameters(),
                                                        torch::optim::AdamWOptions(0.01).weight_decay(0.05));
    else
      reference = std::make_unique<torch::optim::Adam>(a->parameters(),
                                                       torch::optim::AdamOptions(0.01).weight_decay(0.05));
    AdamStep ours(b->parameters(), 0.05, decoupled, torch::kCPU);
    const auto x = torch::randn({16, 6}), y = torch::randint(0, 3, {16});
    for (int step = 0; step < 8; ++step) {
      const double lr = 0.01 * (1.0 - step / 8.0);
      for (auto& group : reference->param_groups()) group.options().set_lr(lr);
      reference->zero_grad();
      torch::cross_entropy_loss(a->forward(x), y).backward();
      reference->step();
      ours.set_learning_rate(lr);
      ours.zero_grad();
      torch::cross_entropy_loss(b->forward(x), y).backward();
      ours.step();
    }
    for (size_t i = 0; i < a->parameters().size(); ++i)
      EXPECT_TRUE(torch::allclose(a->parameters()[i], b->parameters()[i], 1e-5, 1e-6))
          << (decoupled ? "adamw" : "adam") << " parameter " << i;
    EXPECT_FALSE(torch::allclose(a->parameters()[0], make_net()->parameters()[0]));
    // The state a saved run keeps: both moments of every parameter and the step count.
    EXPECT_EQ(ours.state_buffers().size(), 2 * b->parameters().size() + 1);
    EXPECT_EQ(ours.state_buffers().back().item<float>(), 8.0f);
  }
}

TEST(AugmentBatch, EqualsPerImageCropAndFlip) {
  const auto batch = torch::arange(5 * 2 * 8 * 8, torch::kFloat32).view({5, 2, 8, 8});
  for (const CropAugment mode : {CropAugment::kCrop, CropAugment::kCropFlip}) {
    Rng rng(17), replay(17);
    const auto out = augment_batch(batch, mode, rng);
    const int64_t pad = 1;
    const auto padded = torch::constant_pad_nd(batch, {pad, pad, pad, pad}, 0);
    int flipped = 0;
    for (int64_t i = 0; i < 5; ++i) {
      const int64_t dy = replay.uniform_int(3), dx = replay.uniform_int(3);
      auto expected = padded[i].narrow(1, dy, 8).narrow(2, dx, 8);
      if (mode == CropAugment::kCropFlip && replay.uniform_int(2)) {
        expected = expected.flip({2});
        ++flipped;
      }
      EXPECT_TRUE(torch::equal(out[i], expected)) << enum_name(mode) << " image " << i;
    }
    if (mode == CropAugment::kCropFlip) {
      EXPECT_GT(flipped, 0);
    }
  }
  Rng rng(1);
  EXPECT_TRUE(torch::equal(augment_batch(batch, CropAugment::kNone, rng), batch));
}

// TrivialAugment: the published op list and magnitude ranges (TrivialAugmentWide), each op's effect on known
// images, and the batch function seeded, in [0, 1], on the uint8 grid, changing most images.
TEST(TrivialAugment, PublishedOpsAndMagnitudeRanges) {
  std::vector<std::string> names;
  for (const auto& op : trivial_augment_ops()) names.push_back(op.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Identity", "ShearX", "ShearY", "TranslateX", "TranslateY",
                                             "Rotate", "Brightness", "Color", "Contrast", "Sharpness",
                                             "Posterize", "Solarize", "AutoContrast", "Equalize"}));
  const auto op = [&](const std::string& name) {
    return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  EXPECT_DOUBLE_EQ(trivial_augment_magnitude(op("ShearX"), 30), 0.99);
  EXPECT_DOUBLE_EQ(trivial_augment_magnitude(op("TranslateY"), 30), 32);
  EXPECT_DOUBLE_EQ(trivial_augment_magnitude(op("Rotate"), 30), 135);
  EXPECT_DOUBLE_EQ(trivial_augment_magnitude(op("Rotate"), 0), 0);
  EXPECT_DOUBLE_EQ(trivial_augment_magnitude(op("Brightness"), 15), 0.495);
  EXPECT_EQ(trivial_augment_magnitude(op("Posterize"), 0), 8);
  EXPECT_EQ(trivial_augment_magnitude(op("Posterize"), 30), 2);
  EXPECT_EQ(trivial_augment_magnitude(op("Solarize"), 0), 255);
  EXPECT_EQ(trivial_augment_magnitude(op("Solarize"), 30), 0);
  for (const char* s : {"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color",
                        "Contrast", "Sharpness"})
    EXPECT_TRUE(trivial_augment_ops()[op(s)].is_signed) << s;

  torch::manual_seed(2);
  const auto image = torch::randint(0, 256, {3, 16, 16}).to(torch::kFloat32);
  EXPECT_TRUE(torch::equal(apply_trivial_augment_op(image, op("Solarize"), 0), 255 - image));
  EXPECT_TRUE(
      torch::equal(apply_trivial_augment_op(image, op("Posterize"), 2).fmod(64), torch::zeros_like(image)));
  EXPECT_TRUE(torch::equal(apply_trivial_augment_op(image, op("Brightness"), 0), image));
  const auto rotated = apply_trivial_augment_op(image, op("Rotate"), 90);
  EXPECT_TRUE(torch::equal(rotated, torch::rot90(image, 1, {1, 2})) ||
              torch::equal(rotated, torch::rot90(image, -1, {1, 2})));
  const auto shifted = apply_trivial_augment_op(image, op("TranslateX"), 4);
  const bool right = torch::equal(shifted.narrow(2, 4, 12), image.narrow(2, 0, 12)),
             left = torch::equal(shifted.narrow(2, 0, 12), image.narrow(2, 4, 12));
  EXPECT_TRUE(right || left);
  EXPECT_EQ(shifted.narrow(2, right ? 0 : 12, 4).abs().sum().item<float>(), 0.0f);  // filled with black
  const auto narrow_range = 50 + (image / 255 * 50).round();
  const auto stretched = apply_trivial_augment_op(narrow_range, op("AutoContrast"), 0);
  EXPECT_EQ(stretched.amin({1, 2}).max().item<float>(), 0.0f);
  EXPECT_EQ(stretched.amax({1, 2}).min().item<float>(), 255.0f);
  const auto ramp = (torch::arange(1024).view({1, 32, 32}) / 16).to(torch::kFloat32);  // 64 levels 0..63
  const auto equalized = apply_trivial_augment_op(ramp, op("Equalize"), 0);
  EXPECT_EQ(equalized.min().item<float>(), 0.0f);
  EXPECT_GE(equalized.max().item<float>(), 240.0f);
}

TEST(TrivialAugment, SeededBoundedAndChangesMostImages) {
  torch::manual_seed(3);
  const auto batch = (torch::rand({300, 3, 16, 16}) * 255).round() / 255;
  Rng a(7), b(7);
  const auto x = trivial_augment(batch, a), y = trivial_augment(batch, b);
  EXPECT_TRUE(torch::equal(x, y));
  EXPECT_EQ(x.sizes(), batch.sizes());
  EXPECT_GE(x.min().item<float>(), 0.0f);
  EXPECT_LE(x.max().item<float>(), 1.0f);
  EXPECT_LT((x * 255 - (x * 255).round()).abs().max().item<float>(), 1e-3f);  // on the uint8 grid
  const auto changed = (x - batch).abs().flatten(1).amax(1).gt(1e-4).sum().item<int64_t>();
  EXPECT_GT(changed, 180);
  EXPECT_LT(changed, 300);
}

// The network's activation (JAHS) changes the function, not the parameters.
TEST(Nb201Network, ActivationChangesTheFunctionNotTheParameters) {
  const Nb201Cell cell = Nb201Cell::parse(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|");
  Nb201MacroConfig relu{4, 1, 10, 8, Activation::kReLU}, mish = relu;
  mish.activation = Activation::kMish;
  torch::manual_seed(1);
  Nb201Network a(cell, relu);
  torch::manual_seed(1);
  Nb201Network b(cell, mish);
  const auto x = torch::randn({2, 3, 8, 8});
  a->eval(), b->eval();
  EXPECT_FALSE(torch::allclose(a->forward(x), b->forward(x)));
  int64_t na = 0, nb = 0;
  for (const auto& p : a->parameters()) na += p.numel();
  for (const auto& p : b->parameters()) nb += p.numel();
  EXPECT_EQ(na, nb);
  EXPECT_EQ(parse_activation("hardswish"), Activation::kHardswish);
  EXPECT_THROW(parse_activation("gelu"), Error);
}

}  // namespace
}  // namespace tnas
