#pragma once
// One search's run directory as the dashboard sees it: read, never written, while the search may be appending
// to it. trials.jsonl is followed from the byte where the last read stopped, complete lines only (a line
// being appended right now is read once it ends), so a poll costs what was appended, not the whole file; a
// file shorter than what was read means the run was replaced (--force), and it is read afresh.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tnas {

enum class RunState { kRunning, kFinished, kStopped };

class RunFollower {
 public:
  // `name` is how the page labels the run (its path relative to what the user named).
  RunFollower(std::string directory, std::string name);

  // Re-reads config.json, summary.json and trajectory.csv, the lock, and what was appended to trials.jsonl.
  void refresh();

  // Space, method, objective(s), status (running with the lock holder's pid / finished / stopped), trials
  // done of the budget, failed and infeasible trials, the incumbent, elapsed seconds and cost.
  nlohmann::json overview() const;
  // Trials from the `first`-th (0-based) on, as recorded.
  nlohmann::json trials_from(size_t first) const;
  // trajectory.csv's hypervolume column (multi-objective runs), one value per trial; empty otherwise.
  const std::vector<double>& hypervolume() const { return hypervolume_; }
  // Unreadable complete lines of trials.jsonl (never written by tnas; a hand-edited file), skipped.
  int skipped_lines() const { return skipped_lines_; }
  // Times trials.jsonl was found replaced (shorter than what had been read) and read from its start again.
  int generation() const { return generation_; }

  const std::string& directory() const { return directory_; }
  const std::string& name() const { return name_; }

 private:
  void read_appended_trials();
  void read_state();

  std::string directory_, name_;
  nlohmann::json config_, summary_;
  std::string config_error_;
  RunState state_ = RunState::kStopped;
  std::string holder_pid_;
  uint64_t trials_offset_ = 0;
  std::vector<nlohmann::json> trials_;
  std::vector<double> hypervolume_;
  int skipped_lines_ = 0;
  int generation_ = 0;
};

// Whether `directory` is a search's run directory (it has config.json).
bool is_run_directory(const std::string& directory);

}  // namespace tnas
