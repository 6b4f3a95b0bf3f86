#include "datasets/formats/cifar_format.h"

#include <filesystem>
#include <fstream>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas {
namespace {

constexpr int kSide = 32;
constexpr size_t kPixels = 3 * kSide * kSide;

const std::vector<std::string> kCifar10Names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                "dog",      "frog",       "horse", "ship", "truck"};

// Class names from the dataset's own meta file when present (batches.meta.txt / fine_label_names.txt).
std::vector<std::string> names_from_meta(const std::string& file, size_t expected) {
  std::ifstream in(file);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  return names.size() == expected ? names : std::vector<std::string>{};
}

void append_file(const std::string& file, CifarVariant variant, ImageDataset& dataset) {
  const size_t label_bytes = variant == CifarVariant::kCifar10 ? 1 : 2;
  const size_t record = label_bytes + kPixels;
  const auto bytes = read_file_bytes(file);
  const std::string kind = variant == CifarVariant::kCifar10 ? "CIFAR-10" : "CIFAR-100";
  if (bytes.empty()) throw Error(file + ": empty file");
  if (bytes.size() % record != 0)
    throw Error(file + ": truncated or not " + kind + " binary: " + std::to_string(bytes.size()) +
                " bytes is not a multiple of the " + std::to_string(record) + "-byte record");
  const size_t n = bytes.size() / record;
  const size_t classes = dataset.class_names.size();
  dataset.pixels.reserve(dataset.pixels.size() + n * kPixels);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* r = bytes.data() + i * record;
    const int label = r[label_bytes - 1];
    if (static_cast<size_t>(label) >= classes)
      throw Error(file + ": record " + std::to_string(i) + " has label " + std::to_string(label) +
                  ", out of range for " + kind + " (" + std::to_string(classes) + " classes)");
    dataset.labels.push_back(label);
    dataset.pixels.insert(dataset.pixels.end(), r + label_bytes, r + record);
  }
}

}  // namespace

ImageDataset read_cifar(const std::string& path, CifarVariant variant, const std::string& split) {
  const bool is10 = variant == CifarVariant::kCifar10;
  ImageDataset d;
  d.source = path;
  d.channels = 3;
  d.height = d.width = kSide;
  d.class_names = is10 ? kCifar10Names : numbered_class_names(100);
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path)) {
    if (split != "train" && split != "test")
      throw Error(path + ": split must be 'train' or 'test' for a CIFAR folder, got '" + split + "'");
    namespace fs = std::filesystem;
    if (is10) {
      if (split == "train")
        for (int b = 1; b <= 5; ++b)
          files.push_back((fs::path(path) / ("data_batch_" + std::to_string(b) + ".bin")).string());
      else
        files.push_back((fs::path(path) / "test_batch.bin").string());
      auto names = names_from_meta((fs::path(path) / "batches.meta.txt").string(), 10);
      if (!names.empty()) d.class_names = names;
    } else {
      files.push_back((fs::path(path) / (split + ".bin")).string());
      auto names = names_from_meta((fs::path(path) / "fine_label_names.txt").string(), 100);
      if (!names.empty()) d.class_names = names;
    }
    d.source = path + "@" + split;
  } else {
    files.push_back(path);
  }
  for (const auto& f : files) append_file(f, variant, d);
  validate(d);
  return d;
}

}  // namespace tnas
