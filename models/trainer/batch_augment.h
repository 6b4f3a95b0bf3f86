#pragma once
// Internal (torch): the trainer's data augmentation, one gather for a whole batch on its own device.
#include <torch/torch.h>

#include <string>

#include "basics/rng.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

// CropAugment (models/trainer/proxy_preset.h); kNone: the batch unchanged.
// Offsets and flips are drawn from `rng` per image in the order dy, dx[, flip], so runs are reproducible
// whatever the device. batch: (B, C, R, R).
torch::Tensor augment_batch(const torch::Tensor& batch, CropAugment mode, Rng& rng);

}  // namespace tnas
