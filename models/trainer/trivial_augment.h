#pragma once
// Internal (torch): TrivialAugment (Müller & Hutter, ICCV 2021) as published in its "wide" form
// (torchvision's TrivialAugmentWide), JAHS-Bench-201's augmentation switch. Per image: one of the 14 ops
// drawn uniformly, a magnitude drawn uniformly from its 31 bins, and for the signed ops a random sign. The
// ops work on uint8 values (the image is rounded to 0..255 first and after each op, as on PIL / uint8
// tensors); geometric ops use nearest sampling and fill with 0, as torchvision does.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "basics/rng.h"

namespace tnas {

struct TrivialAugmentOp {
  std::string name;
  double first = 0, last = 0;  // magnitude of bin 0 and bin 30 (linear in between; posterize rounds to bits)
  bool is_signed = false;      // the magnitude gets a random sign
};

// Identity, ShearX, ShearY, TranslateX, TranslateY, Rotate, Brightness, Color, Contrast, Sharpness,
// Posterize, Solarize, AutoContrast, Equalize, with TrivialAugmentWide's ranges (shear 0.99, translate 32 px,
// rotate 135 degrees, enhancement factors 1 +- 0.99, posterize 8..2 bits, solarize threshold 255..0).
const std::vector<TrivialAugmentOp>& trivial_augment_ops();
inline constexpr int kTrivialAugmentBins = 31;
// The magnitude of `bin` (0..30) of op `op` (unsigned).
double trivial_augment_magnitude(int op, int bin);
// One op at a signed magnitude on one image (C, H, W) of uint8 values held as float (0..255).
torch::Tensor apply_trivial_augment_op(const torch::Tensor& image, int op, double magnitude);

// batch: (B, C, R, R) images in [0, 1]; returns the augmented batch in [0, 1] (multiples of 1/255). Draws per
// image, in the order op, bin, sign, so runs are reproducible whatever the device.
torch::Tensor trivial_augment(const torch::Tensor& batch, Rng& rng);

}  // namespace tnas
