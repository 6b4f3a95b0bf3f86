#pragma once
// The blackbox a search optimizes: a TrialRequest (a configuration of the search space at a fidelity) ->
// a TrialResult (meta_test/objectives/trial.h). Each kind lives in its own file and has one row in the
// registry below (objective_registry(): train, table, table-curves, command, external).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"
#include "meta_test/objectives/trial.h"
#include "models/trainer/compute_device.h"

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
  // Whether an evaluation is a lookup that takes no time of its own (a table), so that --simulated-seconds
  // may give it one.
  virtual bool is_lookup() const { return false; }
  // The metrics its successful trials report, so that a search can refuse an objective none of them has;
  // nullopt where that is only known from the trials (a command prints what it prints).
  virtual std::optional<std::vector<std::string>> reported_metrics() const { return std::nullopt; }
};

struct ObjectiveSettings {
  std::string spec;                             // KIND[:ARGUMENT], a kind of objective_registry()
  std::string dataset;                          // for train
  std::string test_dataset;                     // for train (optional)
  std::string preset = "tiny";                  // for train
  ComputeDevice device = ComputeDevice::kAuto;  // for train
  TrainingMode mode = TrainingMode::kAuto;      // for train
  double timeout_seconds = 3600;                // for command
  uint64_t seed = 0;                            // for train: the data draw (the same images for every cell)
  // Multi-fidelity (train): the learning-rate schedule spans this many epochs whatever a trial requests, so
  // a shorter run is a prefix of a longer one (0: each trial's own epochs); trained states are kept in
  // state_dir so that a promoted configuration continues its run ("" = none kept).
  int schedule_epochs = 0;
  std::string state_dir;
  // Train: groups of classes for the fairness metrics (a file of "class name,group" lines; "": each class its
  // own group), and whether to time the trained network's inference (latency metrics).
  std::string groups;
  bool measure_latency = false;
  bool measure_robustness = false;
  bool measure_memory = false;  // train: weights and peak activation bytes at batch 1 (metric memory_mb)  //
                                // train: accuracy under fixed corruptions of the validation images
};

// The registry: one row per kind of objective, in the order --help, --list-objectives, the error for an
// unknown kind and the README's objective table list them. A spec is KIND or KIND:ARGUMENT; a new kind is its
// own file plus one row in objective.cpp.
struct ObjectiveEntry {
  std::string kind;     // what a spec starts with: "train", "table", ...
  std::string usage;    // the spec's form, e.g. "table:FILE[:COLUMN]"
  std::string help;     // one line
  bool trains = false;  // trains networks: the final training, a preset's epochs and kept states apply
  std::function<std::unique_ptr<Objective>(const std::string& argument, const ObjectiveSettings& settings,
                                           const SearchSpace& space)>
      make;
};
const std::vector<ObjectiveEntry>& objective_registry();
// The row of `spec`'s kind. Throws tnas::Error naming every usage for an unknown kind, a kind without its
// argument (table) or one with an argument it does not take (train:x).
const ObjectiveEntry& find_objective_kind(const std::string& spec);
// "train, table:FILE[:COLUMN], table-curves:FILE or command:'CMD {arch}'"
std::string objective_usages();
// The markdown table `meta_test search --list-objectives` prints (and the README holds).
std::string objectives_markdown();

// Throws tnas::Error for an unknown kind, a missing table or column, a train objective without data, or a
// kind that cannot evaluate `space`'s configurations. `space` must outlive the objective.
std::unique_ptr<Objective> make_objective(const ObjectiveSettings& settings, const SearchSpace& space);

// One trial, whatever happens in it: an exception (a torch error, CUDA out of memory, bad_alloc) or an
// accuracy outside [0, 100] is that trial's failure, with the reason; never an exception.
TrialResult run_trial(Objective& objective, const TrialRequest& request);
// A successful result without an accuracy, or with one outside [0, 100], made that trial's failure (with the
// reason); any other result as it is. What run_trial does with an objective's result, and the ask/tell API
// with a told one.
TrialResult checked_result(TrialResult result);

// Each kind's maker (one file each); make_objective picks by the spec.
std::unique_ptr<Objective> make_table_objective(const std::string& path, const std::string& column,
                                                const SearchSpace& space);
std::unique_ptr<Objective> make_train_objective(const ObjectiveSettings& settings, const SearchSpace& space);
std::unique_ptr<Objective> make_curve_table_objective(const std::string& path, const SearchSpace& space);
std::unique_ptr<Objective> make_command_objective(const std::string& command, double timeout_seconds,
                                                  const SearchSpace& space);
std::unique_ptr<Objective> make_external_objective();

// `inner` (a table lookup) made to take as long as training would, for benchmarks of parallel search: each
// trial waits seconds x (its network's FLOPs / the pool's largest network's FLOPs) and records that as its
// cost. Throws tnas::Error for an objective that trains (it takes its own time) or seconds <= 0.
std::unique_ptr<Objective> simulate_durations(std::unique_ptr<Objective> inner, const SearchSpace& space,
                                              const std::vector<Arch>& pool, double seconds);

}  // namespace tnas
