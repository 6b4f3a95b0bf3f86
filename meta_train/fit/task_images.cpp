#include "meta_train/fit/task_images.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "basics/duration_text.h"
#include "basics/error.h"
#include "basics/memory_scope.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/images/feature_cache.h"
#include "datasets/images/subtask_sampler.h"
#include "models/protocol/training_protocol.h"
#include "models/proxies/proxy_inputs.h"
#include "models/surrogate/surrogate.h"

namespace tnas {

// Classes of a source that have at least one image (a source loaded with its empty classes kept).
std::vector<int> present_classes(const ImageDataset& dataset) {
  std::vector<bool> seen(dataset.num_classes(), false);
  for (int32_t l : dataset.labels) seen[l] = true;
  std::vector<int> out;
  for (int k = 0; k < dataset.num_classes(); ++k)
    if (seen[k]) out.push_back(k);
  return out;
}

std::vector<ImageDataset> load_meta_sources(const MetaDataset& md,
                                            const std::map<std::string, std::string>& specs,
                                            const std::string& meta_path, const ProgressFn& progress) {
  for (const auto& [name, spec] : specs)
    if (std::none_of(md.sources.begin(), md.sources.end(),
                     [&](const MetaSource& source) { return source.name == name; }))
      throw Error("--source " + name + "=" + spec + ": " + meta_path + " has no source named '" + name + "'");
  std::vector<ImageDataset> sources;
  for (const auto& m : md.sources) {
    const auto it = specs.find(m.name);
    const std::string spec = it != specs.end() ? it->second : m.path;
    if (spec.empty())
      throw Error(meta_path + ": source '" + m.name + "' records no images; pass --source " + m.name +
                  "=SPEC (e.g. imagenet32:DIR) or fit with --no-dataset-embedding");
    progress("source " + m.name + ": loading " + spec);
    // Imported tasks index the file's classes, empty ones included (MetaD2A's 1,000 labels); collected tasks
    // index the classes that have images, as `collect` loaded them.
    ImageDataset d = featurizer_input(load_dataset(spec, LoadOptions{true}));
    if (d.num_classes() != m.n_classes && static_cast<int64_t>(present_classes(d).size()) == m.n_classes)
      d = keep_classes(d, present_classes(d));
    if (d.num_classes() != m.n_classes)
      throw Error(spec + ": has " + std::to_string(d.num_classes()) + " classes, but source '" + m.name +
                  "' of " + meta_path + " was recorded with " + std::to_string(m.n_classes));
    d.source = spec;
    sources.push_back(std::move(d));
  }
  return sources;
}

std::vector<TaskImages> list_task_images(const MetaDataset& md, const std::vector<ImageDataset>& sources,
                                         const std::string& path) {
  // Each source's collect settings (how its subtasks were drawn), from its own protocol or the file's.
  std::vector<nlohmann::json> collect_of(sources.size(), nlohmann::json::object());
  for (size_t s = 0; s < sources.size(); ++s) try {
      collect_of[s] = nlohmann::json::parse(md.proxy_config_of(static_cast<int32_t>(s)))
                          .value("collect", nlohmann::json::object());
    } catch (const std::exception&) {
    }
  std::vector<ClassIndex> index;
  for (const auto& src : sources) index.emplace_back(src);
  std::vector<TaskImages> tasks(md.tasks.size());
  for (size_t t = 0; t < md.tasks.size(); ++t) {
    const MetaTask& mt = md.tasks[t];
    const ImageDataset& src = sources.at(mt.source);
    TaskImages& task = tasks[t];
    task.source = mt.source;
    if (mt.images_per_class < 0) {
      for (int32_t c : mt.classes) {
        if (c < 0 || c >= src.num_classes())
          throw Error(path + ": task " + std::to_string(t) + " names class " + std::to_string(c) +
                      ", outside " + src.source);
        const auto& ids = index[mt.source].images_of(c);
        if (ids.empty()) continue;
        for (int64_t i : ids) task.feature_rows.push_back(i), task.labels.push_back(task.classes);
        ++task.classes;
      }
      continue;
    }
    const nlohmann::json& collect = collect_of[mt.source];
    if (!collect.contains("valid_fraction"))
      throw Error(path +
                  ": no collect settings recorded, so subtask images cannot be redrawn (fit it with "
                  "--no-dataset-embedding)");
    SubtaskConfig config;
    config.valid_fraction = collect.at("valid_fraction");
    config.test_fraction = collect.at("test_fraction");
    config.classes = static_cast<int>(mt.classes.size());
    config.images_per_class = mt.images_per_class;
    const Subtask sub = sample_subtask(src, index[mt.source], config, mt.seed);
    if (std::vector<int32_t>(sub.classes.begin(), sub.classes.end()) != mt.classes)
      throw Error(path + ": task " + std::to_string(t) +
                  " cannot be redrawn (classes differ): was it collected from another version of " +
                  src.source + "?");
    task.classes = config.classes;
    for (int64_t i : sub.train) {
      task.feature_rows.push_back(i);
      task.labels.push_back(static_cast<int32_t>(
          std::find(sub.classes.begin(), sub.classes.end(), src.labels[i]) - sub.classes.begin()));
    }
  }
  return tasks;
}

FeatureMatrix task_features(const Surrogate& surrogate, const MetaDataset& md,
                            const std::vector<ImageDataset>& sources, std::vector<TaskImages>& tasks,
                            const std::string& cache_dir, const ProgressFn& progress) {
  const std::string featurizer = surrogate.featurizer_id();
  const int64_t dim = surrogate.options().feature_dim;
  std::vector<float> all;
  int64_t rows_total = 0;
  for (size_t si = 0; si < sources.size(); ++si) {
    const ImageDataset& src = sources[si];
    std::map<int64_t, int64_t> row_of;  // source image -> row of the matrix
    std::vector<int64_t> images;
    for (auto& t : tasks)
      if (t.source == static_cast<int>(si))
        for (int64_t& r : t.feature_rows) {
          auto [it, fresh] = row_of.emplace(r, rows_total + static_cast<int64_t>(images.size()));
          if (fresh) images.push_back(r);
          r = it->second;
        }
    if (images.empty()) continue;
    const MemoryScope scope("computing the features of " + std::to_string(images.size()) + " images of " +
                            src.source + " (" + std::to_string(dim) + " floats each)");
    FeatureCacheStats stats;
    const auto values = cached_features(
        cache_dir.empty() ? "" : feature_cache_path(cache_dir, src.source, featurizer), src.source,
        featurizer, src.size(), dim, images,
        [&](const std::vector<int64_t>& rows) {
          progress("features: running the featurizer on " + std::to_string(rows.size()) + " images of " +
                   src.source);
          const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> f =
              surrogate.image_features(select_images(src, rows));
          return std::vector<float>(f.data(), f.data() + f.size());
        },
        &stats);
    if (!stats.warning.empty()) progress("feature cache " + stats.path + ": " + stats.warning);
    all.insert(all.end(), values.begin(), values.end());
    rows_total += static_cast<int64_t>(images.size());
    progress("features: source " + md.sources[si].name + ": " + std::to_string(images.size()) + " images (" +
             std::to_string(stats.from_cache) + " from the cache, " + std::to_string(stats.computed) +
             " computed; featurizer " + featurizer +
             (stats.path.empty() ? ", no cache" : ", cache " + stats.path) + ")");
  }
  return FeatureMatrix{std::move(all), rows_total, dim};
}

PairProxyInputs pair_proxy_inputs(const MetaDataset& md, const std::vector<ImageDataset>& sources,
                                  const std::vector<TaskImages>& tasks,
                                  const std::vector<ZeroCostProxy>& chosen, const ProgressFn& progress) {
  std::vector<std::vector<int>> archs_of(tasks.size());
  for (const auto& result : md.results) archs_of.at(result.task).push_back(result.arch);
  size_t total = 0, done = 0;
  for (auto& archs : archs_of) {
    std::sort(archs.begin(), archs.end());
    archs.erase(std::unique(archs.begin(), archs.end()), archs.end());
    total += archs.size();
  }
  PairProxyInputs inputs;
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  for (size_t t = 0; t < tasks.size(); ++t) {
    if (tasks[t].classes == 0 || archs_of[t].empty()) continue;
    const ImageDataset batch = proxy_input_batch(sources.at(tasks[t].source), tasks[t].feature_rows,
                                                 tasks[t].labels, tasks[t].classes);
    std::vector<std::string> cells;
    for (int arch : archs_of[t]) cells.push_back(md.archs.at(arch).string);
    const auto scores = zero_cost_scores_for(chosen, cells, batch, nullptr);
    for (size_t i = 0; i < cells.size(); ++i) {
      const Eigen::RowVectorXf row = proxy_input_row(scores[i], chosen);
      inputs[{static_cast<int>(t), archs_of[t][i]}] = std::vector<float>(row.data(), row.data() + row.size());
    }
    done += cells.size();
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report > std::chrono::seconds(10) || done == total) {
      last_report = now;
      const double seconds = std::chrono::duration<double>(now - start).count();
      progress("zero-cost proxies: " + std::to_string(done) + "/" + std::to_string(total) + " pairs, " +
               format_duration(seconds / static_cast<double>(done) * static_cast<double>(total - done)) +
               " left");
    }
  }
  return inputs;
}

void append_protocol_inputs(PairProxyInputs& inputs, const MetaDataset& md,
                            const std::map<std::string, std::string>& given, const std::string& meta_path) {
  std::vector<std::optional<TrainingProtocol>> of_source(md.sources.size());
  for (size_t s = 0; s < md.sources.size(); ++s)
    if (const auto it = given.find(md.sources[s].name); it != given.end())
      of_source[s] = parse_training_protocol(it->second, "--source-protocol " + it->first);
  for (const auto& [name, text] : given) {
    const bool known = std::any_of(md.sources.begin(), md.sources.end(),
                                   [&](const MetaSource& source) { return source.name == name; });
    if (!known) throw Error("--source-protocol " + name + ": " + meta_path + " has no source of that name");
  }
  std::map<int, Eigen::RowVectorXf> row_of_task;
  std::set<std::pair<int, int>> appended;  // a pair with several results gets its inputs once
  for (const MetaResult& result : md.results) {
    if (!appended.insert({result.task, result.arch}).second) continue;
    auto row = row_of_task.find(result.task);
    if (row == row_of_task.end()) {
      const MetaTask& task = md.tasks.at(result.task);
      std::optional<TrainingProtocol> protocol = of_source.at(task.source);
      if (!protocol)
        protocol = recorded_training_protocol(nlohmann::json::parse(md.proxy_config_of(task.source)),
                                              task.images_per_class);
      if (!protocol)
        throw Error(meta_path + ": source " + md.sources.at(task.source).name +
                    " records no training protocol: give it with --source-protocol " +
                    md.sources.at(task.source).name +
                    "=SPEC (e.g. epochs=200,resolution=32,channels=16,"
                    "cells=5,images=1300)");
      row = row_of_task.emplace(result.task, protocol_input_row(*protocol)).first;
    }
    std::vector<float>& values = inputs[{result.task, result.arch}];
    values.insert(values.end(), row->second.data(), row->second.data() + row->second.size());
  }
}

}  // namespace tnas
