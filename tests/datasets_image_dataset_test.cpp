#include "datasets/images/image_dataset.h"

#include <gtest/gtest.h>

#include "basics/error.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

TEST(ImageDataset, GrayscaleIsReplicatedToRgb) {
  const auto g = test::synthetic_images(3, 1, 4, 4, 2);
  const auto rgb = to_rgb(g);
  ASSERT_EQ(rgb.channels, 3);
  for (int64_t i = 0; i < 3; ++i)
    for (int c = 0; c < 3; ++c)
      for (int p = 0; p < 16; ++p) EXPECT_EQ(rgb.image(i)[c * 16 + p], g.image(i)[p]);
}

TEST(ImageDataset, AreaResizeAveragesBoxes) {
  ImageDataset d;
  d.source = "t";
  d.channels = 1, d.height = d.width = 4;
  d.class_names = {"x"};
  d.labels = {0};
  d.pixels = {0, 2, 10,  10,   //
              4, 6, 10,  10,   //
              0, 0, 255, 255,  //
              0, 1, 255, 255};
  const auto half = resize_area(d, 2);
  EXPECT_EQ(half.pixels, (std::vector<uint8_t>{3, 10, 0, 255}));  // (0+2+4+6)/4 = 3; (0+0+0+1)/4 rounds to 0
  // 28 -> 32 upsampling keeps a constant image constant, and the mean is preserved for 28 -> 14.
  auto flat = test::synthetic_images(1, 1, 28, 28, 1);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 77);
  for (uint8_t v : resize_area(flat, 32).pixels) EXPECT_EQ(v, 77);
  const auto noisy = test::synthetic_images(1, 1, 28, 28, 1);
  double m1 = 0, m2 = 0;
  for (uint8_t v : noisy.pixels) m1 += v;
  for (uint8_t v : resize_area(noisy, 14).pixels) m2 += v;
  EXPECT_NEAR(m1 / 784, m2 / 196, 0.5);
}

TEST(ImageDataset, ClassIndexListsEachClassOnce) {
  const auto d = test::synthetic_images(10, 1, 2, 2, 3);
  ClassIndex index(d);
  EXPECT_EQ(index.images_of(0), (std::vector<int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(index.images_of(2), (std::vector<int64_t>{2, 5, 8}));
}

TEST(ImageDataset, ValidateRejectsBadLabelsAndSizes) {
  auto d = test::synthetic_images(4, 1, 2, 2, 2);
  d.labels[2] = 5;
  EXPECT_THROW(validate(d), Error);
  d = test::synthetic_images(4, 1, 2, 2, 2);
  d.pixels.pop_back();
  EXPECT_THROW(validate(d), Error);
}

}  // namespace
}  // namespace tnas
