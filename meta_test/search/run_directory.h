#pragma once
// A search's run directory (DESIGN section 8):
//   config.json      the full effective configuration, seeds, versions
//   trials.jsonl     one line per finished evaluation, appended and fsync'ed
//   trajectory.csv   trial, arch, accuracy, incumbent, fidelity, cumulative cost in seconds and epochs
//                    (rewritten atomically after each trial)
//   summary.json     best arch, its accuracy, evaluations, time (rewritten atomically after each trial)
//   incumbent.png    the incumbent against evaluations (gnuplot, when installed)
//   final.json       the incumbent's final training (meta_test/search/final_training.h), when there is one
//   queue/, workers/ a parallel search's trials in flight and its workers (meta_test/parallel/trial_queue.h)
// Reopening a directory whose config matches (the budget aside: a larger one continues the search) replays
// the finished trials; a different config is refused unless `force`, which starts the run afresh. The
// directory is locked while the object lives: a second search on it is refused, naming the first one's pid.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/output_lock.h"

namespace tnas {

// The incumbent of a search, from its trials.jsonl records: the best accuracy at the highest fidelity
// evaluated (with one fidelity, simply the best), so that a multi-fidelity search does not answer with a
// one-epoch number when it has trained configurations for longer.
struct Incumbent {
  int trial = 0;  // 0: none yet
  int fidelity = 0;
  double accuracy = 0;
  std::string arch;
  // Takes a finished trial's record; returns whether it became the incumbent.
  bool offer(const nlohmann::json& trial_record);
};

class RunDirectory {
 public:
  RunDirectory(std::string path, const nlohmann::json& config, bool force);

  const std::string& path() const { return path_; }
  // Finished trials in order (a torn last line, from a kill during the append, is dropped).
  const std::vector<nlohmann::json>& trials() const { return trials_; }
  // What a resumed run should say before it goes on (another thread count), or "".
  const std::string& resume_note() const { return resume_note_; }
  void append_trial(const nlohmann::json& trial);
  // trajectory.csv and summary.json; `hypervolume` (one per trial, multi-objective searches) adds a column.
  void write_outputs(const nlohmann::json& summary, const std::vector<double>& hypervolume = {});
  // final.json's content, or null when absent.
  nlohmann::json final_training() const;
  void write_final_training(const nlohmann::json& final);  // atomically
  // Plots the incumbent curve; returns a line saying what was written (or why not).
  std::string plot() const;

 private:
  std::string path_;
  std::string resume_note_;
  OutputLock lock_;
  std::vector<nlohmann::json> trials_;
};

}  // namespace tnas
