#pragma once
// The blackbox a search optimizes: cell -> accuracy (percent). Three kinds:
//   train                     train the NB201 network on the target dataset (models/cell_trainer.h)
//   table:FILE[:COLUMN]       look the cell up in a tabular benchmark (COLUMN default test_acc)
//   command:'CMD ... {arch}'  run a user program; it prints a JSON line {"accuracy": ...}
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "graphs/nb201_cell.h"

namespace tnas {

struct TrialOutcome {
  bool ok = false;
  double accuracy = 0;     // what the search maximizes
  nlohmann::json details;  // everything else the objective reports (test accuracy, seconds, ...)
  std::string error;       // when !ok: why the trial failed
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual TrialOutcome evaluate(const Nb201Cell& cell, uint64_t seed) = 0;
  virtual nlohmann::json describe() const = 0;
  virtual bool needs_images() const { return false; }
};

struct ObjectiveSettings {
  std::string spec;            // train | table:... | command:...
  std::string dataset;         // for train
  std::string test_dataset;    // for train (optional)
  std::string preset = "tiny"; // for train
  std::string device = "auto";
  std::string mode = "auto";   // for train: strict | fast | auto (see TrainOptions)
  double timeout_seconds = 3600;  // for command
  uint64_t seed = 0;              // for train: the data draw (the same images for every cell)
};

// Throws tnas::Error for an unknown kind, a missing table or column, or a train objective without data.
std::unique_ptr<Objective> make_objective(const ObjectiveSettings& settings);

}  // namespace tnas
