#pragma once
// The meta-dataset (HDF5, schema v1): what `meta_train collect` learned about (subtask, cell) pairs, and
// the input of `meta_train fit`.
//
//   /  attrs: schema_version = 1, created_by ("tnas X.Y.Z"), seed, proxy_config (JSON), search_space
//   /sources/<name>   group, attrs: index, format, path, n_images, n_classes, proxy_config (optional: the
//     source's own protocol, JSON, when the file mixes sources labelled under different protocols; absent:
//     the root's)
//   /tasks/source T int32 · /tasks/classes T x k int32 (-1 padded) · /tasks/seed T uint64
//   /tasks/images_per_class T int32 (n; with the seed and source this redraws the exact images;
//     -1: the task used all images of its classes, as MetaD2A's)
//   /tasks/classes_with_images T int32 (optional; how many of the task's classes have images in the
//     source's recorded path, -1 unknown. `fit` embeds a task from those; a task with none is left out
//     of training when the dataset embedding is on, as the root attr rows_without_images says)
//   /archs/ops A x W int32 (the configuration's choices; W = 6 for nb201; a grammar's derivations differ in
//     length: -1 padded) · /archs/string A vlen str
//   /results/{task,arch} R int32 · /results/{valid_acc,test_acc,train_seconds} R float64 (percent, seconds)
//   /results/{epochs} R int32 · /results/{params,flops} R int64 · /results/heldout R uint8
//     (heldout = 1: the pair's own source reserved it for validation, e.g. MetaD2A's 400-row split)
//   Unknown values are -1 (e.g. train_seconds of imported rows).
//
// Writes are atomic (temporary file, fsync, rename): a writer killed at any moment leaves the previous
// complete file, so every result appended before the kill is readable.
#include <cstdint>
#include <string>
#include <vector>

namespace tnas {

struct MetaSource {
  std::string name, format, path;
  int64_t n_images = 0, n_classes = 0;
  std::string proxy_config;  // JSON text; "" = the meta-dataset's
};
struct MetaTask {
  int32_t source = 0;
  std::vector<int32_t> classes;
  uint64_t seed = 0;
  int32_t images_per_class = 0;
  int32_t classes_with_images = -1;
};
struct MetaArch {
  std::vector<int32_t> ops;
  std::string string;
};
struct MetaResult {
  int32_t task = 0, arch = 0;
  double valid_acc = -1, test_acc = -1, train_seconds = -1;
  int32_t epochs = -1;
  int64_t params = -1, flops = -1;
  uint8_t heldout = 0;
};

struct MetaDataset {
  static constexpr int64_t kSchemaVersion = 1;
  std::string created_by;
  uint64_t seed = 0;
  std::string proxy_config = "{}";  // JSON text
  std::string search_space = "nb201";
  std::vector<MetaSource> sources;
  std::vector<MetaTask> tasks;
  std::vector<MetaArch> archs;
  std::vector<MetaResult> results;

  // Index of the source with this name, adding it when new; throws when the same name has other attrs.
  int32_t source_index(const MetaSource& source);
  // The protocol the labels of `source`'s tasks were made with: its own, else the meta-dataset's.
  const std::string& proxy_config_of(int32_t source) const;
  // Index of the arch with this string, adding it when new.
  int32_t arch_index(const MetaArch& arch);
};

void write_meta_dataset(const std::string& path, const MetaDataset& data);
// Checks schema version, shapes and index ranges; throws tnas::Error naming the file and the problem.
MetaDataset read_meta_dataset(const std::string& path);

// Joins shards written by parallel collectors, or meta-data of several sources: sources and archs are matched
// by name / string, tasks by (source, classes, seed, n). All shards must share the search space. Shards with
// different proxy configs (e.g. MetaD2A's import and our own collection) keep each config with their sources;
// a source whose name is already taken by another protocol's becomes NAME@PRESET (the same images labelled
// by another preset, e.g. imagenet16@fast-long), and one that appears under two configs otherwise is an
// error. Configs that differ only in the collect sampler's settings (seed, tasks, cells per task, how cells
// and classes are drawn) are one protocol: their sources join, and the config lists each collection's
// settings in collect.collections.
MetaDataset merge_meta_datasets(const std::vector<MetaDataset>& shards,
                                const std::vector<std::string>& names);

}  // namespace tnas
