#pragma once
// tnas' own HDF5 image format:
//   /images       N x C x H x W uint8
//   /labels       N int32 (0-based)
//   /class_names  num_classes vlen strings
//   attrs on /: format = "tnas-images", classes (int), source (string)
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

void write_h5_images(const std::string& path, const ImageDataset& data);  // atomic
ImageDataset read_h5_images(const std::string& path);  // throws tnas::Error naming the file and problem

}  // namespace tnas
