#pragma once
// Robustness (issue 30 item 3): the validation images under fixed corruptions, each at one stated severity,
// modelled on CIFAR-10-C's (Hendrycks & Dietterich, ICLR 2019) severity 3: Gaussian noise of standard
// deviation 0.08, a 3x3 box blur, and contrast scaled to 0.4 around each image's mean; pixels in [0, 1],
// clamped. The noise is drawn with a fixed seed, so every cell is judged on the same corrupted images.
#include <string>
#include <vector>

#include <torch/torch.h>

namespace tnas {

struct Corruption {
  std::string name;                                     // gaussian_noise, box_blur, contrast
  torch::Tensor (*apply)(const torch::Tensor& images);  // N x C x H x W in [0, 1] -> the same shape
};

const std::vector<Corruption>& validation_corruptions();

}  // namespace tnas
