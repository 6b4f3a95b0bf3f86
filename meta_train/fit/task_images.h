#pragma once
// The images behind a meta-dataset's subtasks, for the dataset embedding: every source loaded once (from
// --source NAME=SPEC or its recorded path), each task's training images listed, and their features computed
// once (through the per-source feature cache) into one matrix.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "datasets/images/image_dataset.h"
#include "datasets/meta/meta_dataset.h"
#include "models/proxies/zero_cost_proxies.h"

namespace tnas {

class Surrogate;

struct TaskImages {
  int source = 0;
  std::vector<int64_t>
      feature_rows;             // source image ids, then (after task_features) rows of the feature matrix
  std::vector<int32_t> labels;  // 0..classes-1 per row
  int classes = 0;              // 0: no class of the task has images (the task cannot be embedded)
};

struct FeatureMatrix {
  std::vector<float> values;  // rows x dim, row-major
  int64_t rows = 0, dim = 0;
};

using ProgressFn = std::function<void(const std::string&)>;

// Classes of a source that have at least one image (a source loaded with its empty classes kept).
std::vector<int> present_classes(const ImageDataset& dataset);

// Every source as featurizer input (RGB 32x32), empty classes kept so that the tasks' class ids index them
// as recorded. `specs` overrides recorded paths by source name; `meta_path` names the file in errors.
std::vector<ImageDataset> load_meta_sources(const MetaDataset& md,
                                            const std::map<std::string, std::string>& specs,
                                            const std::string& meta_path, const ProgressFn& progress);

// Each task's training images: a collected task is redrawn exactly from its source, classes, seed and n; an
// imported task (n = -1, e.g. MetaD2A's) takes all images of those of its classes that have any.
std::vector<TaskImages> list_task_images(const MetaDataset& md, const std::vector<ImageDataset>& sources,
                                         const std::string& meta_path);

// Features of every image some task uses, one matrix for all sources; rewrites each task's feature_rows
// from source image ids to rows of it. `cache_dir` "" = no cache.
FeatureMatrix task_features(const Surrogate& surrogate, const MetaDataset& md,
                            const std::vector<ImageDataset>& sources, std::vector<TaskImages>& tasks,
                            const std::string& cache_dir, const ProgressFn& progress);

// The proxy inputs of each (task, cell) pair with a result: the chosen zero-cost proxies of the cell on its
// task's training images (models/proxies/proxy_inputs.h), values of proxy_input_row.
using PairProxyInputs = std::map<std::pair<int, int>, std::vector<float>>;

// Computes (through the proxies' cache, with progress and ETA) the pairs' proxy inputs. Call it before
// task_features, while each task's feature_rows still name images of its source. Tasks without images are
// left out (their pairs are not fitted).
PairProxyInputs pair_proxy_inputs(const MetaDataset& md, const std::vector<ImageDataset>& sources,
                                  const std::vector<TaskImages>& tasks,
                                  const std::vector<ZeroCostProxy>& chosen, const ProgressFn& progress);

// Appends to each (task, cell) pair with a result the protocol inputs of its task (protocol_input_row of its
// source's recorded protocol, with the task's images per class; models/protocol/training_protocol.h), adding
// the pairs `inputs` lacks. `given` names the protocol of sources whose config records none. Throws
// tnas::Error naming `meta_path` and the source when one has no protocol.
void append_protocol_inputs(PairProxyInputs& inputs, const MetaDataset& md,
                            const std::map<std::string, std::string>& given, const std::string& meta_path);

}  // namespace tnas
