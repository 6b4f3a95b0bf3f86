#include "meta_test/dashboard/dashboard_content.h"

#include <algorithm>
#include <filesystem>

#include "basics/error.h"
#include "meta_test/dashboard/meta_train_artifacts.h"

namespace tnas {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxFolderDepth = 4;

long long modification_stamp(const std::string& path) {
  std::error_code error;
  const fs::path file = fs::is_directory(path) ? fs::path(path) / "manifest.json" : fs::path(path);
  const auto time = fs::last_write_time(file, error);
  if (error) return -1;
  const fs::path state = fs::path(path) / "last" / "state.json";
  const auto state_time = fs::is_directory(path) ? fs::last_write_time(state, error) : time;
  return std::max(time.time_since_epoch().count(), error ? 0 : state_time.time_since_epoch().count());
}

}  // namespace

DashboardContent::DashboardContent(const std::vector<std::string>& paths) {
  if (paths.empty()) throw Error("name at least one run directory (or a folder of runs)");
  for (const auto& path : paths) {
    if (!fs::exists(path)) throw Error(path + ": no such file or folder");
    const std::string label = fs::weakly_canonical(path).filename().string();
    add(path, label, 0);
    if (fs::is_directory(path) && !is_run_directory(path) && !is_checkpoint_folder(path))
      folders_.emplace_back(path, label);
    // Something followed is the path or below it (named twice is fine; nothing at all is an error).
    const std::string root = fs::weakly_canonical(path).string();
    const bool holds = std::any_of(known_.begin(), known_.end(), [&](const std::string& known) {
      return known == root || known.rfind(root + "/", 0) == 0;
    });
    if (!holds) throw Error(path + ": no run directory, checkpoint folder or meta-dataset (.h5) in it");
  }
}

void DashboardContent::add(const std::string& path, const std::string& name, int depth) {
  const std::string label = name.empty() ? path : name;
  if ((is_run_directory(path) || is_checkpoint_folder(path) || is_meta_dataset_file(path)) &&
      !known_.insert(fs::weakly_canonical(path).string()).second)
    return;  // followed already (named twice, or found again when a folder is looked through)
  if (is_run_directory(path)) {
    runs_.push_back(std::make_unique<RunFollower>(path, label));
  } else if (is_checkpoint_folder(path)) {
    artifacts_.push_back({ArtifactKind::kCheckpoint, path, label, nullptr});
  } else if (is_meta_dataset_file(path)) {
    artifacts_.push_back({ArtifactKind::kMetaDataset, path, label, nullptr});
  } else if (fs::is_directory(path) && depth < kMaxFolderDepth) {
    std::vector<fs::path> children;
    for (const auto& entry : fs::directory_iterator(path)) children.push_back(entry.path());
    std::sort(children.begin(), children.end());  // the page lists runs in a stable order
    for (const auto& child : children) add(child.string(), name + "/" + child.filename().string(), depth + 1);
  }
}

nlohmann::json DashboardContent::describe(Artifact& artifact) {
  const long long stamp = modification_stamp(artifact.path);
  if (artifact.description.is_null() || stamp != artifact.stamp) {
    try {
      artifact.description = artifact.kind == ArtifactKind::kCheckpoint
                                 ? describe_checkpoint(artifact.path, artifact.name)
                                 : describe_meta_dataset(artifact.path, artifact.name);
    } catch (const Error& e) {  // a file replaced while read: shown as an error, read again next time
      artifact.description = {
          {"kind", artifact.kind == ArtifactKind::kCheckpoint ? "checkpoint" : "meta_dataset"},
          {"name", artifact.name},
          {"path", artifact.path},
          {"error", e.what()}};
    }
    artifact.stamp = stamp;
  }
  return artifact.description;
}

void DashboardContent::look_through_folders() {
  for (const auto& [path, label] : folders_) {
    std::error_code error;
    if (fs::is_directory(path, error)) add(path, label, 0);
  }
}

nlohmann::json DashboardContent::overview() {
  std::lock_guard<std::mutex> guard(mutex_);
  look_through_folders();
  nlohmann::json runs = nlohmann::json::array(), artifacts = nlohmann::json::array();
  for (auto& run : runs_) {
    run->refresh();
    runs.push_back(run->overview());
  }
  for (auto& artifact : artifacts_) artifacts.push_back(describe(artifact));
  return {{"runs", runs}, {"artifacts", artifacts}};
}

nlohmann::json DashboardContent::trials(size_t run, size_t first) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (run >= runs_.size()) throw Error("no run " + std::to_string(run));
  const RunFollower& follower = *runs_[run];
  return {{"trials", follower.trials_from(first)},
          {"generation", follower.generation()},
          {"hypervolume", follower.hypervolume()}};
}

nlohmann::json DashboardContent::snapshot() {
  nlohmann::json all = overview();
  for (size_t run = 0; run < runs_.size(); ++run) all["runs"][run]["detail"] = trials(run, 0);
  return all;
}

std::optional<std::string> DashboardContent::run_directory(size_t run) const {
  if (run >= runs_.size()) return std::nullopt;
  return runs_[run]->directory();
}

}  // namespace tnas
