#include "models/cell_trainer.h"

#include <gtest/gtest.h>

#include "graphs/error.h"
#include "graphs/rng.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

// A learnable toy problem: class c images are bright in stripe c.
ImageDataset stripes(int per_class, int classes) {
  ImageDataset d;
  d.source = "stripes";
  d.channels = 1, d.height = d.width = 16;
  d.class_names = numbered_class_names(classes);
  Rng rng(3);
  for (int c = 0; c < classes; ++c)
    for (int i = 0; i < per_class; ++i) {
      d.labels.push_back(c);
      for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x)
          d.pixels.push_back(static_cast<uint8_t>((y / (16 / classes) == c ? 200 : 30) + rng.uniform_int(40)));
    }
  return d;
}

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
  const auto src = stripes(80, 4);
  const auto preset = test_preset();
  TrainOptions o;
  o.seed = 11;
  o.device = "cpu";
  const auto data = prepare_evaluation_data(src, nullptr, preset, o.seed);
  EXPECT_EQ(data.train.size(), 4 * 30);
  EXPECT_EQ(data.valid.size(), 4 * 10);
  EXPECT_EQ(data.test.size(), 4 * 20);
  EXPECT_EQ(data.train.channels, 3);
  EXPECT_EQ(data.train.height, preset.resolution);
  const auto a = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  const auto b = train_and_evaluate(Nb201Cell::parse(kCell), prepare_evaluation_data(src, nullptr, preset, o.seed), preset, o);
  EXPECT_EQ(a.valid_acc, b.valid_acc);
  EXPECT_EQ(a.test_acc, b.test_acc);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_GT(a.test_acc, 50.0);  // stripes are easy: well above the 25 % of chance
  EXPECT_EQ(a.epochs, 3);
  EXPECT_EQ(a.params, nb201_param_count(Nb201Cell::parse(kCell), preset.network(4)));
}

TEST(CellTrainer, FastModeIsDeterministicOnCpuAndSaysWhatItUsed) {
  const auto src = stripes(80, 4);
  const auto preset = test_preset();
  TrainOptions o;
  o.seed = 11;
  o.device = "cpu";
  o.mode = "fast";
  const auto data = prepare_evaluation_data(src, nullptr, preset, o.seed);
  const auto a = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  const auto b = train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o);
  EXPECT_EQ(a.valid_acc, b.valid_acc);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_GT(a.test_acc, 50.0);
  EXPECT_EQ(a.mode, "fast");
  EXPECT_TRUE(a.channels_last);
  EXPECT_EQ(a.autocast, "off");  // bf16 autocast is for CUDA only
  EXPECT_FALSE(a.cuda_graphs);
  o.mode = "auto";
  EXPECT_EQ(train_and_evaluate(Nb201Cell::parse(kCell), data, preset, o).mode, "strict");
}

TEST(CellTrainer, DisconnectedCellScoresChance) {
  const auto src = stripes(80, 4);
  TrainOptions o;
  o.device = "cpu";
  const auto preset = test_preset();
  const auto r = train_and_evaluate(Nb201Cell(), prepare_evaluation_data(src, nullptr, preset, 0), preset, o);
  EXPECT_LE(r.test_acc, 40.0);  // all-none cell: the classifier sees a constant; ~25 % expected
}

TEST(CellTrainer, BadInputIsAClearError) {
  const auto one_class = test::synthetic_images(20, 1, 8, 8, 1);
  EXPECT_THROW(prepare_evaluation_data(one_class, nullptr, test_preset(), 0), Error);
  EXPECT_THROW(find_preset("ultra"), Error);
  EXPECT_THROW(resolve_device("tpu"), Error);
  if (resolve_device("auto") == "cpu") {
    EXPECT_THROW(resolve_device("cuda"), Error);
  }
  EXPECT_THROW(resolve_train_mode("turbo", "cpu"), Error);
  EXPECT_EQ(resolve_train_mode("auto", "cpu"), "strict");
  EXPECT_EQ(resolve_train_mode("auto", "cuda"), "fast");
  auto small = stripes(10, 4);
  EXPECT_THROW(prepare_evaluation_data(small, nullptr, test_preset(), 0), Error);  // 60 images/class needed
}

}  // namespace
}  // namespace tnas
