#pragma once
// Internal (torch): an ImageDataset's pixels and labels as tensors, for the trainer and the zero-cost
// proxies.
#include <torch/torch.h>

#include "datasets/images/image_dataset.h"

namespace tnas {

// Images as a float tensor in [0, 1], N x C x H x W.
inline torch::Tensor to_tensor(const ImageDataset& dataset) {
  auto t = torch::from_blob(const_cast<uint8_t*>(dataset.pixels.data()),
                            {dataset.size(), dataset.channels, dataset.height, dataset.width}, torch::kUInt8);
  return t.to(torch::kFloat32).div_(255.0);
}

inline torch::Tensor labels_tensor(const ImageDataset& dataset) {
  return torch::from_blob(const_cast<int32_t*>(dataset.labels.data()), {dataset.size()}, torch::kInt32)
      .to(torch::kInt64);
}

}  // namespace tnas
