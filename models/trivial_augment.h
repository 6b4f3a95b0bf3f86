#pragma once
// Internal (torch): TrivialAugment (Müller & Hutter, ICCV 2021), JAHS-Bench-201's augmentation switch. Per
// image one op drawn uniformly and a magnitude m drawn uniformly from 31 levels (0, 1/30, ..., 1), with the
// "wide" ranges of torchvision's TrivialAugmentWide and a random sign for the signed ops:
//   identity; shear x / y (up to 0.99); translate x / y (up to the whole side); rotate (up to 135 degrees);
//   brightness and contrast (factor 1 +- 0.99 m); solarize (threshold 1 - m); posterize (8 - 6 m bits);
//   auto-contrast.
// Colour, sharpness and equalize of torchvision's set are not implemented. Geometric ops sample bilinearly
// and fill with black, as torchvision does. Draws per image, in the order op, level, sign, so runs are
// reproducible whatever the device.
#include <torch/torch.h>

#include "graphs/rng.h"

namespace tnas {

inline constexpr int kTrivialAugmentOps = 11;

// batch: (B, C, R, R) images in [0, 1]; returns the augmented batch, in [0, 1].
torch::Tensor trivial_augment(const torch::Tensor& batch, Rng& rng);

}  // namespace tnas
