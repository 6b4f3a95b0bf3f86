#pragma once
// Everything one dashboard (or report) shows: the run directories, meta-datasets and checkpoint folders the
// user named, a folder of them expanded. The server asks it for JSON on every poll; it re-reads what
// changed. Thread-safe: the HTTP server's threads share one.
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meta_test/dashboard/run_follower.h"

namespace tnas {

enum class ArtifactKind { kMetaDataset, kCheckpoint };

class DashboardContent {
 public:
  // Each path is a run directory, a checkpoint folder, a meta-dataset (.h5), or a folder holding such
  // things (searched down to 4 levels). Throws tnas::Error naming a path that does not exist or holds none.
  explicit DashboardContent(const std::vector<std::string>& paths);

  // Re-reads every run and returns the overview: {"runs": [...], "artifacts": [...]} (artifacts are read
  // once, at startup and when their file changes). Folders the user named are looked through again, so a run
  // started in one after the dashboard is listed too (appended: the runs' numbers never change).
  nlohmann::json overview();
  // {"trials": [...], "generation": G, "hypervolume": [...]}: run `run`'s trials from the `first`-th on.
  // Throws tnas::Error for an unknown run.
  nlohmann::json trials(size_t run, size_t first);
  // Everything at once (the static report).
  nlohmann::json snapshot();

  size_t run_count() const { return runs_.size(); }
  // The directory of run `run` (the file route serves only files inside it).
  std::optional<std::string> run_directory(size_t run) const;

 private:
  struct Artifact {
    ArtifactKind kind;
    std::string path, name;
    nlohmann::json description;
    long long stamp = -1;  // modification time when described
  };
  void add(const std::string& path, const std::string& name, int depth);
  void look_through_folders();
  nlohmann::json describe(Artifact& artifact);

  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>>
      folders_;                  // named folders (path, label), looked through again
  std::set<std::string> known_;  // every path already followed or described
  std::vector<std::unique_ptr<RunFollower>> runs_;
  std::vector<Artifact> artifacts_;
};

}  // namespace tnas
