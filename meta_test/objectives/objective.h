#pragma once
// The blackbox a search optimizes: a TrialRequest (a configuration of the search space at a fidelity) ->
// a TrialResult (meta_test/objectives/trial.h). Four kinds, one file each:
//   train                     train the NB201 network on the target dataset (models/trainer/cell_trainer.h)
//   table:FILE[:COLUMN]       look the cell up in a tabular benchmark (COLUMN default test_acc)
//   command:'CMD ... {arch}'  run a user program; it prints a JSON line {"accuracy": ..., other metrics}
//   table-curves:FILE         a learning-curve table (cells x epochs; meta_train collect --curves): the
//                             validation accuracy at the requested epoch, charged the recorded seconds
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"
#include "meta_test/objectives/trial.h"

namespace tnas {

class Objective {
 public:
  virtual ~Objective() = default;
  // A failure of the trial itself (a table without the cell, a command that crashed) is a result with
  // ok = false; an exception is left to the search loop, which records it as that trial's failure.
  virtual TrialResult evaluate(const TrialRequest& request) = 0;
  virtual nlohmann::json describe() const = 0;
  virtual bool needs_images() const { return false; }
  // Whether results report the training epochs they cost (what --max-epochs-total counts).
  virtual bool reports_epochs() const { return false; }
  // The configurations it can evaluate, when that is not the whole space (a table of some cells); else empty.
  virtual std::vector<Arch> candidates() const { return {}; }
  // The most epochs a trial may request (a learning-curve table's length); 0: no limit.
  virtual int max_epochs() const { return 0; }
  // The metrics its successful trials report, so that a search can refuse an objective none of them has;
  // nullopt where that is only known from the trials (a command prints what it prints).
  virtual std::optional<std::vector<std::string>> reported_metrics() const { return std::nullopt; }
};

struct ObjectiveSettings {
  std::string spec;             // train | table:... | command:...
  std::string dataset;          // for train
  std::string test_dataset;     // for train (optional)
  std::string preset = "tiny";  // for train
  std::string device = "auto";
  std::string mode = "auto";      // for train: strict | fast | auto (see TrainOptions)
  double timeout_seconds = 3600;  // for command
  uint64_t seed = 0;              // for train: the data draw (the same images for every cell)
  // Multi-fidelity (train): the learning-rate schedule spans this many epochs whatever a trial requests, so
  // a shorter run is a prefix of a longer one (0: each trial's own epochs); trained states are kept in
  // state_dir so that a promoted configuration continues its run ("" = none kept).
  int schedule_epochs = 0;
  std::string state_dir;
  // Train: groups of classes for the fairness metrics (a file of "class name,group" lines; "": each class its
  // own group), and whether to time the trained network's inference (latency metrics).
  std::string groups;
  bool measure_latency = false;
};

// Throws tnas::Error for an unknown kind, a missing table or column, a train objective without data, or a
// kind that cannot evaluate `space`'s configurations. `space` must outlive the objective.
std::unique_ptr<Objective> make_objective(const ObjectiveSettings& settings, const SearchSpace& space);

// One trial, whatever happens in it: an exception (a torch error, CUDA out of memory, bad_alloc) or an
// accuracy outside [0, 100] is that trial's failure, with the reason; never an exception.
TrialResult run_trial(Objective& objective, const TrialRequest& request);

// Each kind's maker (one file each); make_objective picks by the spec.
std::unique_ptr<Objective> make_table_objective(const std::string& path, const std::string& column,
                                                const SearchSpace& space);
std::unique_ptr<Objective> make_train_objective(const ObjectiveSettings& settings, const SearchSpace& space);
std::unique_ptr<Objective> make_curve_table_objective(const std::string& path, const SearchSpace& space);
std::unique_ptr<Objective> make_command_objective(const std::string& command, double timeout_seconds,
                                                  const SearchSpace& space);

// `inner` (a table lookup) made to take as long as training would, for benchmarks of parallel search: each
// trial waits seconds x (its network's FLOPs / the pool's largest network's FLOPs) and records that as its
// cost. Throws tnas::Error for an objective that trains (it takes its own time) or seconds <= 0.
std::unique_ptr<Objective> simulate_durations(std::unique_ptr<Objective> inner, const SearchSpace& space,
                                              const std::vector<Arch>& pool, double seconds);

}  // namespace tnas
