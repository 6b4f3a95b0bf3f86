#pragma once
// Dataset specs as given on the command line:
//   fashion-mnist | mnist | idx:IMAGES,LABELS | cifar10:FILE_OR_DIR | cifar100:FILE_OR_DIR |
//   imagenet32:DIR_OR_FILE | imagenet16:DIR_OR_FILE | h5:FILE
// optionally followed by @SPLIT (fashion-mnist: train|test, cifar folders: train|test, imagenet
// folders: train|val). Without @SPLIT a source with splits gives its training split.
#include <string>

#include "datasets/image_dataset.h"

namespace tnas {

struct DatasetSpec {
  std::string kind;   // "fashion-mnist", "mnist", "idx", "cifar10", "cifar100", "imagenet32", "imagenet16", "h5"
  std::string path;   // "" for the embedded defaults; for idx "IMAGES,LABELS"
  std::string split;  // "" = the source's default
  std::string text;   // the spec as given

  std::string name() const;  // a short name for the source, e.g. "fashion-mnist" or "cifar10"
};

// Throws tnas::Error naming the spec and what is wrong.
DatasetSpec parse_dataset_spec(const std::string& text);
ImageDataset load_dataset(const DatasetSpec& spec);
inline ImageDataset load_dataset(const std::string& text) { return load_dataset(parse_dataset_spec(text)); }

// The tnas data cache ($TNAS_DATA_CACHE, else $XDG_CACHE_HOME/tnas, else ~/.cache/tnas); MNIST lives there.
std::string data_cache_dir();
// Folder of the Debian package dataset-fashion-mnist ($TNAS_FASHION_MNIST_DIR overrides).
std::string fashion_mnist_dir();

}  // namespace tnas
