#include "datasets/formats/imagenet_downsampled_format.h"

#include <cmath>
#include <filesystem>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "datasets/formats/numpy_npz.h"
#include "datasets/formats/python_pickle.h"

namespace tnas {
namespace {

constexpr int kClasses = 1000;

void append_arrays(const std::string& file, const NumpyArray& data, const std::vector<int64_t>& labels,
                   int resolution, ImageDataset& dataset) {
  if (data.dtype != "u1" && data.dtype != "|u1")
    throw Error(file + ": 'data' must be uint8, got dtype '" + data.dtype + "'");
  if (data.shape.size() != 2 || data.fortran_order)
    throw Error(file + ": 'data' must be a C-ordered N x 3*S*S array");
  const int64_t n = data.shape[0], width = data.shape[1];
  const int side = static_cast<int>(std::lround(std::sqrt(width / 3.0)));
  if (3 * side * side != width) throw Error(file + ": row width " + std::to_string(width) + " is not 3*S*S");
  if (resolution != 0 && side != resolution)
    throw Error(file + ": images are " + std::to_string(side) + "x" + std::to_string(side) + ", expected " +
                std::to_string(resolution) + "x" + std::to_string(resolution));
  if (dataset.height == 0) dataset.height = dataset.width = side;
  if (side != dataset.height) throw Error(file + ": image size differs from the other batches");
  if (static_cast<int64_t>(labels.size()) != n)
    throw Error(file + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " images");
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 1 || labels[i] > kClasses)
      throw Error(file + ": label " + std::to_string(labels[i]) + " of image " + std::to_string(i) +
                  " is out of range 1..1000 (labels are 1-based)");
  dataset.pixels.insert(dataset.pixels.end(), data.data.begin(), data.data.end());
  for (int64_t l : labels) dataset.labels.push_back(static_cast<int32_t>(l - 1));
}

}  // namespace

void append_imagenet_batch(const std::string& file, int resolution, ImageDataset& dataset) {
  const auto bytes = read_file_bytes(file);
  if (bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K') {
    const auto arrays = read_npz(file);
    const auto data = arrays.find("data");
    const auto labels = arrays.find("labels");
    if (data == arrays.end() || labels == arrays.end()) throw Error(file + ": .npz lacks 'data' or 'labels'");
    append_arrays(file, data->second, numpy_to_int64(labels->second, file + ":labels"), resolution, dataset);
    return;
  }
  const PyRef root = read_pickle(bytes, file);
  if (root->kind != PyValue::Kind::kDict) throw Error(file + ": pickle does not hold a dict");
  const PyRef data = root->get("data"), labels = root->get("labels");
  if (!data || !labels) throw Error(file + ": pickled dict lacks 'data' or 'labels'");
  append_arrays(file, as_numpy_array(data, file + ":data"), as_int_vector(labels, file + ":labels"),
                resolution, dataset);
}

ImageDataset read_imagenet_downsampled(const std::string& path, int resolution, const std::string& split) {
  namespace fs = std::filesystem;
  ImageDataset d;
  d.source = path;
  d.channels = 3;
  for (int k = 1; k <= kClasses; ++k)
    d.class_names.push_back(std::to_string(k));  // the 1-based Imagenet label
  std::vector<std::string> files;
  if (fs::is_directory(path)) {
    auto pick = [&](const std::string& stem) {
      for (const std::string& name : {stem, stem + ".npz"})
        if (fs::exists(fs::path(path) / name)) return (fs::path(path) / name).string();
      return std::string();
    };
    if (split == "train") {
      for (int b = 1; b <= 10; ++b)
        if (auto f = pick("train_data_batch_" + std::to_string(b)); !f.empty()) files.push_back(f);
    } else if (split == "val") {
      if (auto f = pick("val_data"); !f.empty()) files.push_back(f);
    } else {
      throw Error(path + ": split must be 'train' or 'val', got '" + split + "'");
    }
    if (files.empty())
      throw Error(path + ": no " + (split == "train" ? "train_data_batch_1..10" : "val_data") +
                  " files (pickle or .npz) in this folder");
    d.source = path + "@" + split;
  } else {
    files.push_back(path);
  }
  for (const auto& f : files) append_imagenet_batch(f, resolution, d);
  validate(d);
  return d;
}

}  // namespace tnas
