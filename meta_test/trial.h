#pragma once
// The trial protocol between a search and its blackbox: a request is a configuration of the search space at
// a fidelity; a result is named metric values, what the trial cost (seconds and training epochs), and
// whether it succeeded (with the reason when not). New objectives, fidelities and metrics are new fields'
// values, not new interfaces.
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "graphs/search_space.h"

namespace tnas {

struct Fidelity {
  int epochs = 0;  // training epochs; 0: the objective's own (a preset's, a table's recorded protocol)
};

struct TrialRequest {
  Arch config;
  Fidelity fidelity;
  uint64_t seed = 0;  // the training seed of this trial
};

struct TrialCost {
  double seconds = 0;  // wall time of the evaluation
  int epochs = 0;      // training epochs paid for (0 for a table lookup)
};

struct TrialResult {
  bool ok = false;
  std::map<std::string, double> metrics;  // named values; "accuracy" (percent) is what a search maximizes
  TrialCost cost;
  nlohmann::json details;  // everything else the objective reports (test accuracy, device, ...)
  std::string error;       // when !ok: why the trial failed

  // metrics["accuracy"]; throws tnas::Error when a successful trial lacks it.
  double accuracy() const;
  static TrialResult failure(std::string reason);
};

}  // namespace tnas
