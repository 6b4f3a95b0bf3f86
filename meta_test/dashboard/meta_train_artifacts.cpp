#include "meta_test/dashboard/meta_train_artifacts.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "basics/error.h"
#include "basics/liveness_lock.h"
#include "datasets/meta/meta_dataset.h"

namespace tnas {
namespace fs = std::filesystem;

namespace {

nlohmann::json parse_or_null(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

// The protocol's preset name of a proxy config ("fast", "fast32", ...), or "".
std::string preset_name(const std::string& proxy_config) {
  const nlohmann::json config = parse_or_null(proxy_config);
  if (config.is_object() && config.contains("preset") && config["preset"].is_object())
    return config["preset"].value("name", std::string());
  return "";
}

// The first array named "history" in a resume state (the fit loop's part may be nested).
nlohmann::json find_history(const nlohmann::json& state) {
  if (!state.is_object()) return nlohmann::json::array();
  if (state.contains("history") && state["history"].is_array()) return state["history"];
  for (const auto& [key, value] : state.items()) {
    nlohmann::json found = find_history(value);
    if (!found.empty()) return found;
  }
  return nlohmann::json::array();
}

}  // namespace

bool is_meta_dataset_file(const std::string& path) {
  return fs::is_regular_file(path) && fs::path(path).extension() == ".h5";
}

bool is_checkpoint_folder(const std::string& path) {
  return fs::is_regular_file(fs::path(path) / "manifest.json");
}

nlohmann::json describe_meta_dataset(const std::string& path, const std::string& name) {
  const MetaDataset data = read_meta_dataset(path);
  std::vector<int> tasks_of_source(data.sources.size(), 0), results_of_source(data.sources.size(), 0);
  std::map<size_t, int> tasks_by_classes;
  for (const auto& task : data.tasks) {
    ++tasks_of_source.at(static_cast<size_t>(task.source));
    size_t classes = 0;
    for (int32_t c : task.classes) classes += c >= 0;
    ++tasks_by_classes[classes];
  }
  for (const auto& result : data.results)
    ++results_of_source.at(static_cast<size_t>(data.tasks.at(static_cast<size_t>(result.task)).source));
  nlohmann::json sources = nlohmann::json::array();
  for (size_t s = 0; s < data.sources.size(); ++s) {
    const auto& source = data.sources[s];
    sources.push_back({{"name", source.name},
                       {"format", source.format},
                       {"path", source.path},
                       {"images", source.n_images},
                       {"classes", source.n_classes},
                       {"protocol", preset_name(data.proxy_config_of(static_cast<int32_t>(s)))},
                       {"tasks", tasks_of_source[s]},
                       {"results", results_of_source[s]}});
  }
  nlohmann::json by_classes = nlohmann::json::array();
  for (const auto& [classes, count] : tasks_by_classes) by_classes.push_back({classes, count});
  return {{"kind", "meta_dataset"},
          {"name", name},
          {"path", path},
          {"created_by", data.created_by},
          {"search_space", data.search_space},
          {"seed", data.seed},
          {"protocol", preset_name(data.proxy_config)},
          {"sources", sources},
          {"tasks", data.tasks.size()},
          {"tasks_by_classes", by_classes},
          {"archs", data.archs.size()},
          {"results", data.results.size()},
          {"status", is_alive(path + ".lock") ? "being written" : "complete"}};
}

nlohmann::json describe_checkpoint(const std::string& directory, const std::string& name) {
  const std::string manifest_path = directory + "/manifest.json";
  std::ifstream in(manifest_path);
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw Error(manifest_path + ": not valid JSON");
  }
  nlohmann::json out = {{"kind", "checkpoint"},
                        {"name", name},
                        {"path", directory},
                        {"manifest", manifest},
                        {"status", is_alive(directory + "/.lock") ? "being fitted" : "complete"}};
  std::ifstream state_file(directory + "/last/state.json");
  if (state_file) {
    std::string text((std::istreambuf_iterator<char>(state_file)), std::istreambuf_iterator<char>());
    out["history"] = find_history(parse_or_null(text));
  } else {
    out["history"] = nlohmann::json::array();
  }
  return out;
}

}  // namespace tnas
