#pragma once
// Internal (torch): the trainer's data augmentation, one gather for a whole batch on its own device.
#include <torch/torch.h>

#include <string>

#include "basics/rng.h"

namespace tnas {

// mode "crop": random crop from the zero-padded image (pad = resolution / 8, at least 1);
// "crop+flip": and a horizontal flip with probability 1/2; "none": the batch unchanged.
// Offsets and flips are drawn from `rng` per image in the order dy, dx[, flip], so runs are reproducible
// whatever the device. batch: (B, C, R, R).
torch::Tensor augment_batch(const torch::Tensor& batch, const std::string& mode, Rng& rng);

}  // namespace tnas
