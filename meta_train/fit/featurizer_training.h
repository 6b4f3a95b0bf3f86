#pragma once
// The built-in featurizer's supervised pre-training on the meta-dataset's own images (the reference uses
// ImageNet features; ours learns the classes of the source with the most classes).
#include <cstdint>
#include <functional>
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

class Surrogate;

// Trains surrogate's builtin-cnn featurizer for `epochs` on at most `max_images` random images of `rgb32`
// (RGB 32x32, every class present), Adam 1e-3, batches of 128; one progress line per epoch.
void train_builtin_featurizer(Surrogate& surrogate, const ImageDataset& rgb32, int epochs, int max_images,
                              uint64_t seed, const std::function<void(const std::string&)>& progress);

}  // namespace tnas
