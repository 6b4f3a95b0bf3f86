#include "datasets/images/subtask_sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "basics/error.h"
#include "basics/rng.h"

namespace tnas {

Subtask sample_subtask_with_classes(const ImageDataset& source, const ClassIndex& index,
                                    const std::vector<int>& classes, const SubtaskConfig& config,
                                    uint64_t seed) {
  const std::string where = source.source + ": subtask: ";
  if (config.images_per_class < 1)
    throw Error(where + "images per class must be >= 1, got " + std::to_string(config.images_per_class));
  if (config.valid_fraction < 0 || config.test_fraction < 0 ||
      config.valid_fraction + config.test_fraction >= 1)
    throw Error(where + "valid and test fractions must be >= 0 and sum to < 1");
  const int n = config.images_per_class;
  const int n_valid = static_cast<int>(std::floor(n * config.valid_fraction + 0.5));
  const int n_test = static_cast<int>(std::floor(n * config.test_fraction + 0.5));
  if (n - n_valid - n_test < 1) throw Error(where + "the split leaves no training image per class");

  Subtask t;
  t.source = source.source;
  t.seed = seed;
  t.classes = classes;
  t.images_per_class = n;
  Rng rng(seed);
  for (int c : classes) {
    if (c < 0 || c >= index.num_classes())
      throw Error(where + "class id " + std::to_string(c) + " is out of range 0.." +
                  std::to_string(index.num_classes() - 1));
    std::vector<int64_t> pool = index.images_of(c);
    if (static_cast<int>(pool.size()) < n)
      throw Error(where + "class " + std::to_string(c) + " has " + std::to_string(pool.size()) +
                  " images, fewer than the " + std::to_string(n) + " requested per class");
    // Partial Fisher-Yates: the first n positions become a uniform sample without replacement.
    for (int i = 0; i < n; ++i) std::swap(pool[i], pool[i + rng.uniform_int(pool.size() - i)]);
    t.test.insert(t.test.end(), pool.begin(), pool.begin() + n_test);
    t.valid.insert(t.valid.end(), pool.begin() + n_test, pool.begin() + n_test + n_valid);
    t.train.insert(t.train.end(), pool.begin() + n_test + n_valid, pool.begin() + n);
  }
  return t;
}

Subtask sample_subtask(const ImageDataset& source, const ClassIndex& index, const SubtaskConfig& config,
                       uint64_t seed) {
  const int k = config.classes;
  if (k < 2) throw Error(source.source + ": subtask: needs at least 2 classes, got " + std::to_string(k));
  if (k > index.num_classes())
    throw Error(source.source + ": subtask: " + std::to_string(k) + " classes requested but the source has " +
                std::to_string(index.num_classes()));
  Rng rng(seed);
  std::vector<int> all(index.num_classes());
  for (int c = 0; c < index.num_classes(); ++c) all[c] = c;
  for (int i = 0; i < k; ++i) std::swap(all[i], all[i + rng.uniform_int(all.size() - i)]);
  std::vector<int> classes(all.begin(), all.begin() + k);
  std::sort(classes.begin(), classes.end());
  Subtask t = sample_subtask_with_classes(source, index, classes, config, rng.fork_seed());
  t.seed = seed;  // sample_subtask(source, index, config, seed) redraws exactly this subtask
  return t;
}

ImageDataset subtask_images(const ImageDataset& source, const Subtask& task, const std::string& split) {
  const std::vector<int64_t>* ids = split == "train"   ? &task.train
                                    : split == "valid" ? &task.valid
                                    : split == "test"  ? &task.test
                                                       : nullptr;
  if (!ids) throw Error("subtask split must be train, valid or test, got '" + split + "'");
  ImageDataset out = select_images(source, *ids);
  std::unordered_map<int, int> remap;
  for (size_t i = 0; i < task.classes.size(); ++i) remap[task.classes[i]] = static_cast<int>(i);
  for (auto& l : out.labels) l = remap.at(l);
  out.class_names.clear();
  for (int c : task.classes) out.class_names.push_back(source.class_names.at(c));
  return out;
}

}  // namespace tnas
