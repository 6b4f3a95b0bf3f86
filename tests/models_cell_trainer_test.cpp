#include "models/trainer/cell_trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "basics/rng.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

ProxyPreset test_preset() {
  ProxyPreset p = find_preset("smoke");
  p.epochs = p.grayscale_epochs = 3;
  p.images_per_class = 40;
  p.test_images_per_class = 20;
  p.batch_size = 16;
  return p;
}

const char* kCell = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|";

TEST(CellTrainer, SameSeedSameResultOnCpu) {
  const auto src = test::stripes(80, 4);
  const auto preset = test_preset();
  TrainOptions o;
  o.seed = 11;
  o.device = ComputeDevice::kCpu;
  const auto data = prepare_evaluation_data(src, nullptr, preset, o.seed);
  EXPECT_EQ(data.train.size(), 4 * 30);
  EXPECT_EQ(data.valid.size(), 4 * 10);
  EXPECT_EQ(data.test.size(), 4 * 20);
  EXPECT_EQ(data.train.channels, 3);
  EXPECT_EQ(data.train.height, preset.resolution);
  const auto a = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  const auto b = train_and_evaluate(Nb201Cell::parse(kCell),
                                    prepare_evaluation_data(src, nullptr, preset, o.seed), preset, o);
  EXPECT_EQ(a.valid_acc, b.valid_acc);
  EXPECT_EQ(a.test_acc, b.test_acc);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_GT(a.test_acc, 50.0);  // stripes are easy: well above the 25 % of chance
  EXPECT_EQ(a.epochs, 3);
  EXPECT_EQ(a.params, nb201_param_count(Nb201Cell::parse(kCell), preset.network(4)));
}

// Resolution 0 (the final preset's): the source's own side, rounded to the nearest multiple of 4 because the
// network halves it twice, and the FLOPs are counted at that side.
// gradient_clip scales a step down to that global gradient norm: a bound no gradient reaches changes nothing
// (bit for bit), a tiny one keeps the network near its initialization (the loss stays higher); recorded.
TEST(CellTrainer, GradientClippingScalesStepsDown) {
  const auto src = test::stripes(80, 4);
  ProxyPreset preset = test_preset();
  TrainOptions o;
  o.seed = 2;
  o.device = ComputeDevice::kCpu;
  const auto data = prepare_evaluation_data(src, nullptr, preset, o.seed);
  const auto plain = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  ProxyPreset unreachable = preset;
  unreachable.gradient_clip = 1e9;
  const auto unclipped = train_and_evaluate(Nb201Cell::parse(kCell), data, unreachable, o);
  EXPECT_EQ(unclipped.train_loss, plain.train_loss);
  EXPECT_EQ(unclipped.valid_acc, plain.valid_acc);
  ProxyPreset tiny = preset;
  tiny.gradient_clip = 1e-4;
  const auto clipped = train_and_evaluate(Nb201Cell::parse(kCell), data, tiny, o);
  EXPECT_GT(clipped.train_loss, plain.train_loss + 0.05) << plain.train_loss;
  EXPECT_EQ(to_json(tiny)["gradient_clip"], 1e-4);
  EXPECT_FALSE(to_json(preset).contains("gradient_clip"));  // earlier protocols read the same
}

TEST(CellTrainer, ANativeResolutionPresetTrainsAtTheSourcesOwnSide) {
  const auto src = test::stripes(80, 4);  // 16 x 16
  auto preset = test_preset();
  preset.resolution = 0;
  preset.epochs = preset.grayscale_epochs = 1;
  EXPECT_EQ(preset.input_resolution(28), 28);
  EXPECT_EQ(preset.input_resolution(30), 32);
  EXPECT_EQ(preset.input_resolution(5), 8);
  const auto data = prepare_evaluation_data(src, nullptr, preset, 2);
  EXPECT_EQ(data.train.height, 16);
  EXPECT_EQ(data.test.width, 16);
  TrainOptions o;
  o.device = ComputeDevice::kCpu;
  const auto result = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  Nb201MacroConfig at_16 = preset.network(4);
  at_16.resolution = 16;
  EXPECT_EQ(result.flops, nb201_flops(Nb201Cell::parse(kCell), at_16));
  const ProxyPreset final_preset = find_preset("final");
  EXPECT_EQ(final_preset.resolution, 0);
  EXPECT_EQ(final_preset.augment, CropAugment::kCrop);  // no flips: a flipped digit is another class
}

TEST(CellTrainer, FastModeIsDeterministicOnCpuAndSaysWhatItUsed) {
  const auto src = test::stripes(80, 4);
  const auto preset = test_preset();
  TrainOptions o;
  o.seed = 11;
  o.device = ComputeDevice::kCpu;
  o.mode = TrainingMode::kFast;
  const auto data = prepare_evaluation_data(src, nullptr, preset, o.seed);
  const auto a = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  const auto b = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  EXPECT_EQ(a.valid_acc, b.valid_acc);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_GT(a.test_acc, 50.0);
  EXPECT_EQ(a.mode, TrainingMode::kFast);
  EXPECT_TRUE(a.channels_last);
  EXPECT_EQ(a.autocast, "off");  // bf16 autocast is for CUDA only
  EXPECT_FALSE(a.cuda_graphs);
  o.mode = TrainingMode::kAuto;
  EXPECT_EQ(train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o).mode, TrainingMode::kStrict);
}

TEST(CellTrainer, DisconnectedCellScoresChance) {
  const auto src = test::stripes(80, 4);
  TrainOptions o;
  o.device = ComputeDevice::kCpu;
  const auto preset = test_preset();
  const auto r = train_and_evaluate(Nb201Cell(), prepare_evaluation_data(src, nullptr, preset, 0), preset, o);
  EXPECT_LE(r.test_acc, 40.0);  // all-none cell: the classifier sees a constant; ~25 % expected
}

TEST(CellTrainer, BadInputIsAClearError) {
  const auto one_class = test::synthetic_images(20, 1, 8, 8, 1);
  EXPECT_THROW(prepare_evaluation_data(one_class, nullptr, test_preset(), 0), Error);
  EXPECT_THROW(find_preset("ultra"), Error);
  EXPECT_THROW(parse_enum<ComputeDevice>("tpu", "--device"), Error);
  if (resolve_device(ComputeDevice::kAuto) == ComputeDevice::kCpu) {
    EXPECT_THROW(resolve_device(ComputeDevice::kCuda), Error);
  }
  EXPECT_THROW(parse_enum<TrainingMode>("turbo", "--mode"), Error);
  EXPECT_EQ(resolve_train_mode(TrainingMode::kAuto, ComputeDevice::kCpu), TrainingMode::kStrict);
  EXPECT_EQ(resolve_train_mode(TrainingMode::kAuto, ComputeDevice::kCuda), TrainingMode::kFast);
  auto small = test::stripes(10, 4);
  EXPECT_THROW(prepare_evaluation_data(small, nullptr, test_preset(), 0), Error);  // 60 images/class needed
}

// The preset at `epochs`, and CPU options with seed 7 on a 4-epoch schedule (the continuation tests').
ProxyPreset at_epochs(ProxyPreset p, int epochs) {
  p.epochs = p.grayscale_epochs = epochs;
  return p;
}
TrainOptions scheduled_options() {
  TrainOptions o;
  o.seed = 7;
  o.device = ComputeDevice::kCpu;
  o.schedule_epochs = 4;
  return o;
}
std::string empty_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Multi-fidelity: a run to 2 of a 4-epoch schedule, saved and continued to 4, ends exactly where the
// uninterrupted 4-epoch run ends (same weights, momentum, random stream and schedule position).
TEST(CellTrainer, AContinuedRunEndsExactlyWhereTheUninterruptedRunEnds) {
  const auto src = test::stripes(80, 4);
  ProxyPreset preset = test_preset();
  preset.trivial_augment = true;  // the random stream must continue too
  const auto data = prepare_evaluation_data(src, nullptr, preset, 5);
  const std::string dir = empty_dir("continuation");
  TrainOptions o = scheduled_options();
  o.learning_curve = true;
  const ProxyPreset full = at_epochs(preset, 4);
  const auto uninterrupted = train_and_evaluate(Nb201Cell::parse(kCell), data, full, o);
  ASSERT_EQ(uninterrupted.curve.size(), 4u);

  const ProxyPreset half = at_epochs(preset, 2);
  TrainOptions first = o;
  first.save_to = dir + "/e2.pt";
  const auto prefix = train_and_evaluate(Nb201Cell::parse(kCell), data, half, first);
  // The short run is the first part of the long one: its curve is the long curve's first epochs.
  ASSERT_EQ(prefix.curve.size(), 2u);
  EXPECT_EQ(prefix.curve[1].valid_acc, uninterrupted.curve[1].valid_acc);
  EXPECT_EQ(prefix.curve[1].train_loss, uninterrupted.curve[1].train_loss);
  EXPECT_EQ(prefix.valid_acc, uninterrupted.curve[1].valid_acc);

  TrainOptions second = o;
  second.resume_from = dir + "/e2.pt";
  second.save_to = dir + "/e4.pt";
  const auto continued = train_and_evaluate(Nb201Cell::parse(kCell), data, full, second);
  EXPECT_EQ(continued.start_epoch, 2);
  EXPECT_EQ(continued.epochs, 4);
  ASSERT_EQ(continued.curve.size(), 2u);  // epochs 3 and 4
  EXPECT_EQ(continued.curve[0].epoch, 3);
  EXPECT_EQ(continued.valid_acc, uninterrupted.valid_acc);
  EXPECT_EQ(continued.test_acc, uninterrupted.test_acc);
  EXPECT_EQ(continued.train_loss, uninterrupted.train_loss);
  EXPECT_EQ(continued.curve[1].train_loss, uninterrupted.curve[3].train_loss);
  EXPECT_TRUE(std::filesystem::exists(dir + "/e4.pt"));

  // Recording the curve evaluates between epochs without changing the training.
  TrainOptions plain = o;
  plain.learning_curve = false;
  const auto without_curve = train_and_evaluate(Nb201Cell::parse(kCell), data, full, plain);
  EXPECT_TRUE(without_curve.curve.empty());
  EXPECT_EQ(without_curve.valid_acc, uninterrupted.valid_acc);
  EXPECT_EQ(without_curve.train_loss, uninterrupted.train_loss);
}

TEST(CellTrainer, AStateOfAnotherRunOrPastTheRequestIsRefused) {
  const auto src = test::stripes(80, 4);
  const ProxyPreset preset = at_epochs(test_preset(), 2);
  const auto data = prepare_evaluation_data(src, nullptr, preset, 5);
  const std::string dir = empty_dir("continuation_errors");
  TrainOptions o = scheduled_options();
  o.save_to = dir + "/e2.pt";
  train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  TrainOptions other = o;
  other.save_to.clear();
  other.resume_from = dir + "/e2.pt";
  const ProxyPreset longer = at_epochs(preset, 3);
  other.seed = 8;  // another seed: another run
  EXPECT_THROW(train_and_evaluate(Nb201Cell::parse(kCell), data, longer, other), Error);
  other.seed = 7;
  EXPECT_THROW(train_and_evaluate(Nb201Cell(), data, longer, other), Error);  // another cell
  other.schedule_epochs = 6;                                                  // another schedule
  EXPECT_THROW(train_and_evaluate(Nb201Cell::parse(kCell), data, longer, other), Error);
  other.schedule_epochs = 4;
  EXPECT_THROW(train_and_evaluate(Nb201Cell::parse(kCell), data, at_epochs(preset, 1), other),
               Error);  // the state is past the request
  EXPECT_THROW(train_and_evaluate(Nb201Cell::parse(kCell), data, at_epochs(preset, 5), o),
               Error);  // beyond the schedule
  other.resume_from = dir + "/missing.pt";
  EXPECT_THROW(train_and_evaluate(Nb201Cell::parse(kCell), data, longer, other), Error);
  other.resume_from = dir + "/e2.pt";
  EXPECT_EQ(train_and_evaluate(Nb201Cell::parse(kCell), data, longer, other).start_epoch, 2);
}

}  // namespace
}  // namespace tnas
