#pragma once
// Dataset specs as given on the command line: KIND[:PATH] (the kinds and what each takes:
// datasets/images/dataset_kinds.h), optionally followed by @SPLIT (fashion-mnist: train|test, cifar folders:
// train|test, imagenet folders: train|val) and by ?classes=LIST, which keeps only the named classes (names or
// numeric ranges, e.g. ?classes=1-120 for Imagenet labels 1..120, or ?classes=airplane,cat). Without @SPLIT a
// source with splits gives its training split. Classes without any image (725 of the 1,000 labels of
// ../shared/data/imagenet) are left out, relabelling the rest densely, and that is said once on stderr.
// Class names: the dataset's own (CIFAR-10, Fashion-MNIST), the 1-based label for Imagenet16/32
// ("1".."1000", map_clsloc.txt order), else "0", "1", ...
#include <string>

#include "datasets/images/image_dataset.h"

namespace tnas {

struct DatasetSpec {
  std::string kind;                  // a DatasetKind's name (dataset_kinds.h), e.g. "cifar10"
  std::string path;                  // "" for the embedded defaults; for idx "IMAGES,LABELS"
  std::string split;                 // "" = the source's default
  std::string text;                  // the spec as given
  std::vector<std::string> classes;  // ?classes=: the class names to keep, in this order ("" = all)

  std::string name() const;  // a short name for the source, e.g. "fashion-mnist" or "cifar10"
};

// Throws tnas::Error naming the spec and what is wrong.
DatasetSpec parse_dataset_spec(const std::string& text);
struct LoadOptions {
  // Keep classes without images (labels as in the files): for data whose class ids index the file's classes,
  // like MetaD2A's tasks. ?classes= is still applied.
  bool keep_empty_classes = false;
};
ImageDataset load_dataset(const DatasetSpec& spec, const LoadOptions& options = {});
inline ImageDataset load_dataset(const std::string& text, const LoadOptions& options = {}) {
  return load_dataset(parse_dataset_spec(text), options);
}

// What identifies the data a spec loads without loading it: the spec, and the name, size and modification
// time of each file it reads (of every file of a folder it names). Keys caches of what is computed from the
// images; a changed file changes it.
std::string dataset_identity(const DatasetSpec& spec);

// The tnas data cache ($TNAS_DATA_CACHE, else $XDG_CACHE_HOME/tnas, else ~/.cache/tnas); MNIST lives there.
std::string data_cache_dir();
// Folder of the Debian package dataset-fashion-mnist ($TNAS_FASHION_MNIST_DIR overrides).
std::string fashion_mnist_dir();

}  // namespace tnas
