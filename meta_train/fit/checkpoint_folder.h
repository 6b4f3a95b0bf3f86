#pragma once
// The one writer of `meta_train fit`'s output folder. DIR/ holds the best checkpoint so far (Surrogate::save:
// every file to a temporary name, fsync, rename, the manifest last with every file's content hash); DIR/last/
// holds the resume state: the epoch's weights and optimizer under names of their own, then state.json naming
// them (the commit point), then the previous epoch's files removed. A kill anywhere leaves a state.json whose
// files are complete and belong to it.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "basics/output_lock.h"

namespace tnas {

class Surrogate;

class CheckpointFolder {
 public:
  // Locks `dir` (a second fit on it gets a one-line error naming the holder's pid), which also checks that it
  // is writable before any work starts.
  explicit CheckpointFolder(const std::string& dir);

  const std::string& dir() const { return dir_; }

  // DIR/last/state.json, if a previous run saved one.
  std::optional<nlohmann::json> resume_state() const;
  // The path of the file a resume state names under `key` (states of older versions: `fallback`).
  std::string resume_file(const nlohmann::json& state, const std::string& key,
                          const std::string& fallback) const;
  // Commits epoch `epoch`'s resume state; `state` gets the names of the two files it is written with.
  void write_resume_state(int epoch, const std::vector<uint8_t>& model, const std::vector<uint8_t>& optimizer,
                          nlohmann::json state);

  void write_best(const Surrogate& surrogate, const nlohmann::json& extra,
                  const std::map<std::string, std::vector<uint8_t>>& files);

 private:
  std::string dir_;
  OutputLock lock_;
};

}  // namespace tnas
