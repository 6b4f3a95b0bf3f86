#pragma once
// IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed: an images file (magic 0x00000803,
// N x H x W uint8) and a labels file (magic 0x00000801, N uint8).
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

// `class_names` empty: classes are 0..max label. Otherwise every label must index into it.
// Throws tnas::Error naming the file: wrong magic, truncated, count mismatch, label out of range.
ImageDataset read_idx(const std::string& images_path, const std::string& labels_path,
                      const std::vector<std::string>& class_names = {});

}  // namespace tnas
