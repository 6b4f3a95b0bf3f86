#pragma once
// CIFAR-10 / CIFAR-100 binary format: fixed-size records, no header.
// CIFAR-10: 1 label byte + 3072 pixel bytes (R, G, B planes of 32x32). CIFAR-100: coarse label byte,
// fine label byte, 3072 pixel bytes (we use the fine label, 100 classes).
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

enum class CifarVariant { kCifar10, kCifar100 };

// `path` is one .bin file, or the extracted folder (cifar-10-batches-bin: data_batch_1..5.bin +
// test_batch.bin; cifar-100-binary: train.bin + test.bin) with `split` "train" or "test".
// Throws tnas::Error: missing file, size not a multiple of the record size, label out of range.
ImageDataset read_cifar(const std::string& path, CifarVariant variant, const std::string& split = "train");

}  // namespace tnas
