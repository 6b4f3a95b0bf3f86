#include "datasets/images/subtask_sampler.h"

#include <gtest/gtest.h>

#include <set>

#include "basics/error.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

TEST(SubtaskSampler, SameSeedSameImagesDisjointSplits) {
  const auto src = test::synthetic_images(1000, 1, 2, 2, 10);  // 100 images per class
  ClassIndex index(src);
  SubtaskConfig config;
  config.classes = 4;
  config.images_per_class = 20;
  config.valid_fraction = 0.25;
  config.test_fraction = 0.25;
  const Subtask a = sample_subtask(src, index, config, 123);
  const Subtask b = sample_subtask(src, index, config, 123);
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.classes.size(), 4u);
  EXPECT_EQ(a.train.size(), 4u * 10);
  EXPECT_EQ(a.valid.size(), 4u * 5);
  EXPECT_EQ(a.test.size(), 4u * 5);
  std::set<int64_t> all(a.train.begin(), a.train.end());
  all.insert(a.valid.begin(), a.valid.end());
  all.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(all.size(), 80u);
  const std::set<int> classes(a.classes.begin(), a.classes.end());
  for (int64_t i : all) EXPECT_TRUE(classes.count(src.labels[i]));

  const Subtask c = sample_subtask(src, index, config, 124);
  EXPECT_TRUE(c.classes != a.classes || c.train != a.train);

  const auto train = subtask_images(src, a, "train");
  EXPECT_EQ(train.num_classes(), 4);
  for (int32_t l : train.labels) EXPECT_LT(l, 4);
  EXPECT_EQ(train.class_names[0], src.class_names[a.classes[0]]);
}

TEST(SubtaskSampler, DrawsAreFixedAcrossMachines) {
  // The sampler builds only on mt19937_64 and our own bounded draws, so these values hold everywhere.
  const auto src = test::synthetic_images(1000, 1, 2, 2, 10);
  ClassIndex index(src);
  SubtaskConfig config;
  config.classes = 3;
  config.images_per_class = 4;
  config.valid_fraction = 0.25;
  const Subtask t = sample_subtask(src, index, config, 2024);
  const Subtask again = sample_subtask(test::synthetic_images(1000, 1, 2, 2, 10), index, config, 2024);
  EXPECT_EQ(t.train, again.train);
  ASSERT_EQ(t.train.size(), 9u);
  EXPECT_EQ(t.valid.size(), 3u);
  // Golden values: the classes and images drawn for seed 2024 (a change redraws every collected subtask).
  EXPECT_EQ(t.classes, (std::vector<int>{4, 6, 8}));
  EXPECT_EQ(t.train, (std::vector<int64_t>{364, 854, 934, 36, 906, 276, 748, 208, 958}));
  EXPECT_EQ(t.valid, (std::vector<int64_t>{634, 146, 848}));
}

TEST(SubtaskSampler, ErrorsNameTheProblem) {
  auto src = test::synthetic_images(30, 1, 2, 2, 3);  // 10 per class
  ClassIndex index(src);
  SubtaskConfig config;
  config.classes = 4;
  config.images_per_class = 5;
  EXPECT_THROW(sample_subtask(src, index, config, 1), Error);  // k > classes
  config.classes = 3;
  config.images_per_class = 11;
  try {
    sample_subtask(src, index, config, 1);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has 10 images, fewer than the 11"), std::string::npos) << e.what();
  }
  config.classes = 1;
  EXPECT_THROW(sample_subtask(src, index, config, 1), Error);  // a 1-class task is no classification task
  // A class with no images at all.
  src.class_names.push_back("empty");
  ClassIndex with_empty(src);
  config.images_per_class = 1;
  EXPECT_THROW(sample_subtask_with_classes(src, with_empty, {0, 3}, config, 1), Error);
}

}  // namespace
}  // namespace tnas
