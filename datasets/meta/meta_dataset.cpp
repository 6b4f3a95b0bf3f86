#include "datasets/meta/meta_dataset.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "datasets/formats/h5_io.h"

namespace tnas {

int32_t MetaDataset::source_index(const MetaSource& source) {
  for (size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].name != source.name) continue;
    if (sources[i].format != source.format || sources[i].n_classes != source.n_classes)
      throw Error("meta-dataset: source '" + source.name +
                  "' is already recorded with another format or class count");
    if (sources[i].proxy_config != source.proxy_config)
      throw Error("meta-dataset: source '" + source.name +
                  "' is already recorded with another proxy config (its labels "
                  "come from another protocol; give one of them another source name)");
    return static_cast<int32_t>(i);
  }
  sources.push_back(source);
  return static_cast<int32_t>(sources.size() - 1);
}

const std::string& MetaDataset::proxy_config_of(int32_t source) const {
  const std::string& own = sources.at(source).proxy_config;
  return own.empty() ? proxy_config : own;
}

int32_t MetaDataset::arch_index(const MetaArch& a) {
  for (size_t i = 0; i < archs.size(); ++i)
    if (archs[i].string == a.string) return static_cast<int32_t>(i);
  archs.push_back(a);
  return static_cast<int32_t>(archs.size() - 1);
}

void write_meta_dataset(const std::string& path, const MetaDataset& meta_dataset) {
  h5::write_atomically(path, [&](H5::H5File& f) {
    h5::set_attr(f, "schema_version", MetaDataset::kSchemaVersion);
    h5::set_attr(f, "created_by", meta_dataset.created_by);
    h5::set_attr(f, "seed", static_cast<int64_t>(meta_dataset.seed));
    h5::set_attr(f, "proxy_config", meta_dataset.proxy_config);
    h5::set_attr(f, "search_space", meta_dataset.search_space);

    H5::Group sources = f.createGroup("sources");
    for (size_t i = 0; i < meta_dataset.sources.size(); ++i) {
      const auto& s = meta_dataset.sources[i];
      H5::Group g = sources.createGroup(s.name);
      h5::set_attr(g, "index", static_cast<int64_t>(i));
      h5::set_attr(g, "format", s.format);
      h5::set_attr(g, "path", s.path);
      h5::set_attr(g, "n_images", s.n_images);
      h5::set_attr(g, "n_classes", s.n_classes);
      if (!s.proxy_config.empty()) h5::set_attr(g, "proxy_config", s.proxy_config);
    }

    H5::Group tasks = f.createGroup("tasks");
    size_t k = 0;
    for (const auto& t : meta_dataset.tasks) k = std::max(k, t.classes.size());
    std::vector<int32_t> source, classes(meta_dataset.tasks.size() * k, -1), n, with_images;
    std::vector<uint64_t> seed;
    for (size_t i = 0; i < meta_dataset.tasks.size(); ++i) {
      const auto& t = meta_dataset.tasks[i];
      source.push_back(t.source);
      seed.push_back(t.seed);
      n.push_back(t.images_per_class);
      with_images.push_back(t.classes_with_images);
      std::copy(t.classes.begin(), t.classes.end(), classes.begin() + i * k);
    }
    h5::write(tasks, "source", source);
    h5::write(tasks, "classes", classes, {meta_dataset.tasks.size(), k});
    h5::write(tasks, "seed", seed);
    h5::write(tasks, "images_per_class", n);
    h5::write(tasks, "classes_with_images", with_images);

    H5::Group archs = f.createGroup("archs");
    size_t width = meta_dataset.archs.empty() ? 6 : 0;
    for (const auto& a : meta_dataset.archs) width = std::max(width, a.ops.size());
    std::vector<int32_t> ops;
    std::vector<std::string> strings;
    for (const auto& a : meta_dataset.archs) {  // a grammar's shorter derivations padded with -1
      ops.insert(ops.end(), a.ops.begin(), a.ops.end());
      ops.insert(ops.end(), width - a.ops.size(), -1);
      strings.push_back(a.string);
    }
    h5::write(archs, "ops", ops, {meta_dataset.archs.size(), width});
    h5::write_strings(archs, "string", strings);

    H5::Group results = f.createGroup("results");
    const size_t r = meta_dataset.results.size();
    std::vector<int32_t> task(r), arch(r), epochs(r);
    std::vector<double> valid(r), test(r), seconds(r);
    std::vector<int64_t> params(r), flops(r);
    std::vector<uint8_t> heldout(r);
    for (size_t i = 0; i < r; ++i) {
      const auto& x = meta_dataset.results[i];
      task[i] = x.task, arch[i] = x.arch, epochs[i] = x.epochs;
      valid[i] = x.valid_acc, test[i] = x.test_acc, seconds[i] = x.train_seconds;
      params[i] = x.params, flops[i] = x.flops, heldout[i] = x.heldout;
    }
    h5::write(results, "task", task);
    h5::write(results, "arch", arch);
    h5::write(results, "valid_acc", valid);
    h5::write(results, "test_acc", test);
    h5::write(results, "train_seconds", seconds);
    h5::write(results, "epochs", epochs);
    h5::write(results, "params", params);
    h5::write(results, "flops", flops);
    h5::write(results, "heldout", heldout);
  });
}

MetaDataset read_meta_dataset(const std::string& path) {
  H5::H5File f = h5::open_read_only(path);
  MetaDataset d;
  h5::guarded(path, [&] {
    if (!h5::has_attr(f, "schema_version"))
      throw Error(path + ": not a tnas meta-dataset (no schema_version)");
    const int64_t version = h5::attr_int(f, "schema_version");
    if (version != MetaDataset::kSchemaVersion)
      throw Error(path + ": meta-dataset schema version " + std::to_string(version) +
                  ", this tnas reads version " + std::to_string(MetaDataset::kSchemaVersion));
    d.created_by = h5::attr_string(f, "created_by");
    d.seed = static_cast<uint64_t>(h5::attr_int(f, "seed"));
    d.proxy_config = h5::attr_string(f, "proxy_config");
    d.search_space = h5::attr_string(f, "search_space");

    H5::Group sources = f.openGroup("sources");
    const hsize_t n_sources = sources.getNumObjs();
    if (n_sources > 100000) throw Error(path + ": implausible number of sources");
    d.sources.resize(n_sources);
    std::vector<bool> seen(n_sources, false);
    for (hsize_t i = 0; i < n_sources; ++i) {
      const std::string name = sources.getObjnameByIdx(i);
      H5::Group g = sources.openGroup(name);
      const int64_t index = h5::attr_int(g, "index");
      if (index < 0 || index >= static_cast<int64_t>(n_sources) || seen[index])
        throw Error(path + ": /sources/" + name + " has a bad index attribute");
      seen[index] = true;
      d.sources[index] = {
          name,
          h5::attr_string(g, "format"),
          h5::attr_string(g, "path"),
          h5::attr_int(g, "n_images"),
          h5::attr_int(g, "n_classes"),
          h5::has_attr(g, "proxy_config") ? h5::attr_string(g, "proxy_config") : std::string()};
    }

    std::vector<hsize_t> dims;
    const auto source = h5::read<int32_t>(f, "tasks/source");
    const auto classes = h5::read<int32_t>(f, "tasks/classes", &dims);
    const auto seed = h5::read<uint64_t>(f, "tasks/seed");
    const auto n = h5::read<int32_t>(f, "tasks/images_per_class");
    const size_t t = source.size();
    const auto with_images = h5::has(f, "tasks/classes_with_images")
                                 ? h5::read<int32_t>(f, "tasks/classes_with_images")
                                 : std::vector<int32_t>(t, -1);
    if (dims.size() != 2 || dims[0] != t || seed.size() != t || n.size() != t || with_images.size() != t)
      throw Error(path + ": /tasks datasets disagree in length");
    for (size_t i = 0; i < t; ++i) {
      MetaTask task{source[i], {}, seed[i], n[i], with_images[i]};
      if (task.source < 0 || task.source >= static_cast<int32_t>(d.sources.size()))
        throw Error(path + ": task " + std::to_string(i) + " names source " + std::to_string(task.source) +
                    ", out of range");
      for (size_t c = 0; c < dims[1]; ++c)
        if (classes[i * dims[1] + c] >= 0) task.classes.push_back(classes[i * dims[1] + c]);
      d.tasks.push_back(std::move(task));
    }

    const auto ops = h5::read<int32_t>(f, "archs/ops", &dims);
    const auto strings = h5::read_strings(f, "archs/string");
    if (dims.size() != 2 || dims[0] != strings.size())
      throw Error(path + ": /archs datasets disagree in length");
    for (size_t i = 0; i < strings.size(); ++i) {
      std::vector<int32_t> choices(ops.begin() + i * dims[1], ops.begin() + (i + 1) * dims[1]);
      while (!choices.empty() && choices.back() < 0) choices.pop_back();  // a choice is never -1: padding
      d.archs.push_back({std::move(choices), strings[i]});
    }

    const auto task = h5::read<int32_t>(f, "results/task");
    const auto arch = h5::read<int32_t>(f, "results/arch");
    const auto valid = h5::read<double>(f, "results/valid_acc");
    const auto test = h5::read<double>(f, "results/test_acc");
    const auto seconds = h5::read<double>(f, "results/train_seconds");
    const auto epochs = h5::read<int32_t>(f, "results/epochs");
    const auto params = h5::read<int64_t>(f, "results/params");
    const auto flops = h5::read<int64_t>(f, "results/flops");
    const auto heldout = h5::read<uint8_t>(f, "results/heldout");
    const size_t r = task.size();
    for (size_t len : {arch.size(), valid.size(), test.size(), seconds.size(), epochs.size(), params.size(),
                       flops.size(), heldout.size()})
      if (len != r) throw Error(path + ": /results datasets disagree in length");
    for (size_t i = 0; i < r; ++i) {
      if (task[i] < 0 || task[i] >= static_cast<int32_t>(d.tasks.size()) || arch[i] < 0 ||
          arch[i] >= static_cast<int32_t>(d.archs.size()))
        throw Error(path + ": result " + std::to_string(i) + " refers to a missing task or arch");
      d.results.push_back(
          {task[i], arch[i], valid[i], test[i], seconds[i], epochs[i], params[i], flops[i], heldout[i]});
    }
  });
  return d;
}

namespace {

// The settings of `meta_train collect` that choose which subtasks and cells are drawn, not how a cell is
// trained or how a subtask's images are split (every task records its own classes, images per class and
// seed): shards that differ only in these hold labels of one protocol, e.g. a second collection with another
// seed.
const char* const kSamplerSettings[] = {"seed",          "tasks",   "archs_per_task",
                                        "arch_sampling", "classes", "images_per_class"};

// The sampler settings of each collection behind a config: its own, or the list a join recorded.
nlohmann::json collections_of(const nlohmann::json& config) {
  const nlohmann::json& collect = config.at("collect");
  if (collect.contains("collections")) return collect.at("collections");
  nlohmann::json sampler = nlohmann::json::object();
  for (const char* key : kSamplerSettings)
    if (collect.contains(key)) sampler[key] = collect.at(key);
  return nlohmann::json::array({sampler});
}

// A config without its collections' sampler settings (null when it is not JSON with a collect object).
nlohmann::json labelling_protocol(const std::string& config) {
  nlohmann::json parsed = nlohmann::json::parse(config, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("collect") || !parsed.at("collect").is_object()) return nullptr;
  for (const char* key : kSamplerSettings) parsed["collect"].erase(key);
  parsed["collect"].erase("collections");
  return parsed;
}

// Whether two proxy configs label alike: the same text, or the same but for the sampler settings.
bool same_protocol(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const nlohmann::json x = labelling_protocol(a);
  return !x.is_null() && x == labelling_protocol(b);
}

// The config of labels of one protocol drawn by several collections: the common settings, and in
// collect.collections the sampler settings of each collection once (the tasks record which draw is whose).
std::string joined_config(const std::string& recorded, const std::string& added) {
  if (recorded == added) return recorded;
  nlohmann::json joined = labelling_protocol(recorded);
  nlohmann::json collections = collections_of(nlohmann::json::parse(recorded));
  for (const auto& collection : collections_of(nlohmann::json::parse(added)))
    if (std::find(collections.begin(), collections.end(), collection) == collections.end())
      collections.push_back(collection);
  joined["collect"]["collections"] = collections;
  return joined.dump();
}

// The name a source keeps in a merge of several protocols: its own, or, when a source of that name is
// already recorded with another protocol (the same images labelled by another preset), NAME@PRESET.
std::string protocol_source_name(const MetaDataset& merged, const MetaSource& source) {
  for (const MetaSource& recorded : merged.sources) {
    if (recorded.name != source.name || same_protocol(recorded.proxy_config, source.proxy_config)) continue;
    const nlohmann::json config = nlohmann::json::parse(source.proxy_config, nullptr, false);
    if (config.is_object() && config.contains("preset") && config["preset"].contains("name") &&
        config["preset"]["name"].is_string())
      return source.name + "@" + config["preset"]["name"].get<std::string>();
  }
  return source.name;
}

}  // namespace

MetaDataset merge_meta_datasets(const std::vector<MetaDataset>& shards,
                                const std::vector<std::string>& names) {
  if (shards.empty()) throw Error("merge: no shards given");
  MetaDataset out;
  out.created_by = shards[0].created_by;
  out.seed = shards[0].seed;
  out.proxy_config = shards[0].proxy_config;
  out.search_space = shards[0].search_space;
  // Mixed protocols: each source keeps its own config, and the root says so. One protocol drawn by several
  // collections: one config that lists them.
  const bool mixed = std::any_of(shards.begin(), shards.end(), [&](const MetaDataset& meta_dataset) {
    return !same_protocol(meta_dataset.proxy_config, out.proxy_config);
  });
  if (mixed)
    out.proxy_config =
        R"({"per_source":"the sources' labels come from different protocols: see each source's proxy_config"})";
  else
    for (const MetaDataset& shard : shards)
      out.proxy_config = joined_config(out.proxy_config, shard.proxy_config);
  using TaskKey = std::tuple<int32_t, std::vector<int32_t>, uint64_t, int32_t>;
  std::map<TaskKey, int32_t> task_ids;
  std::map<std::pair<int32_t, int32_t>, size_t> pairs;
  for (size_t s = 0; s < shards.size(); ++s) {
    const MetaDataset& in = shards[s];
    if (in.search_space != out.search_space)
      throw Error(names.at(s) + ": search space '" + in.search_space + "' differs from '" + out.search_space +
                  "'");
    std::vector<int32_t> source_map, task_map, arch_map;
    for (size_t i = 0; i < in.sources.size(); ++i) {
      MetaSource src = in.sources[i];
      if (mixed) {
        src.proxy_config = in.proxy_config_of(static_cast<int32_t>(i));
        src.name = protocol_source_name(out, src);
        for (MetaSource& recorded : out.sources)  // the same protocol by another collection: one source
          if (recorded.name == src.name && same_protocol(recorded.proxy_config, src.proxy_config))
            src.proxy_config = recorded.proxy_config = joined_config(recorded.proxy_config, src.proxy_config);
      }
      try {
        source_map.push_back(out.source_index(src));
      } catch (const Error& e) {
        throw Error(names.at(s) + ": " + e.what());
      }
    }
    for (const auto& a : in.archs) arch_map.push_back(out.arch_index(a));
    for (const auto& t : in.tasks) {
      MetaTask mapped = t;
      mapped.source = source_map.at(t.source);
      const TaskKey key{mapped.source, mapped.classes, mapped.seed, mapped.images_per_class};
      auto [it, fresh] = task_ids.emplace(key, static_cast<int32_t>(out.tasks.size()));
      if (fresh) out.tasks.push_back(mapped);
      task_map.push_back(it->second);
    }
    for (const auto& r : in.results) {
      MetaResult m = r;
      m.task = task_map.at(r.task);
      m.arch = arch_map.at(r.arch);
      if (!pairs.emplace(std::make_pair(m.task, m.arch), out.results.size()).second)
        continue;  // the same pair collected twice (overlapping shards): keep the first
      out.results.push_back(m);
    }
  }
  return out;
}

}  // namespace tnas
