#pragma once
// Downsampled ImageNet (Chrabaszcz et al. 2017: ImageNet-32/16/64). A folder with pickled batches
// `train_data_batch_1..10` and `val_data` (dicts: 'data' N x 3*S*S uint8, planar R,G,B; 'labels' 1-based
// class ids 1..1000), or the same names with `.npz` (numpy archives with keys 'data' and 'labels').
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

// `path` is the folder (split "train" = all train_data_batch_* present, "val" = val_data) or one batch
// file. `resolution` is S (32 or 16, or 0 to infer from the data width). Labels become 0-based, 1000 classes.
ImageDataset read_imagenet_downsampled(const std::string& path, int resolution,
                                       const std::string& split = "train");

// One batch file (pickle or .npz, by content), appended to `into`.
void append_imagenet_batch(const std::string& file, int resolution, ImageDataset& into);

}  // namespace tnas
