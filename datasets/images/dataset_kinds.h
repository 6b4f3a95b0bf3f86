#pragma once
// The kinds of image source a dataset spec names (KIND[:PATH][@SPLIT][?classes=LIST], dataset_spec.h): one
// row each, with what it takes and how it is read, so that a new format is its reader
// (datasets/formats/) plus one row here; the spec's parser, its errors and --help are written from the rows.
#include <functional>
#include <string>
#include <vector>

#include "datasets/images/image_dataset.h"

namespace tnas {

struct DatasetSpec;

struct DatasetKind {
  std::string name;                 // what a spec starts with, e.g. "cifar10"
  std::string usage;                // e.g. "cifar10:FILE_OR_DIR"
  bool takes_path = false;          // false: an embedded default, installed by scripts/setup.sh
  std::vector<std::string> splits;  // the @SPLIT values it has (the first is the default); empty: none
  // Reads every class (?classes= is applied afterwards by load_dataset).
  std::function<ImageDataset(const DatasetSpec&)> read;
  // The files or folders it reads, whose names, sizes and modification times identify the data.
  std::function<std::vector<std::string>(const DatasetSpec&)> files;
  // What is wrong with a path given to it ("" for nothing); none: any non-empty path.
  std::function<std::string(const std::string& path)> path_problem = {};
};

const std::vector<DatasetKind>& dataset_kinds();
// Throws tnas::Error naming the spec and every kind's usage for an unknown name.
const DatasetKind& find_dataset_kind(const std::string& name, const std::string& spec);
// Whether some kind has the split (what an @SUFFIX of a spec may be).
bool is_dataset_split(const std::string& split);
// "fashion-mnist, mnist, idx:IMAGES,LABELS, ... or h5:FILE"
std::string dataset_kind_usages();

}  // namespace tnas
