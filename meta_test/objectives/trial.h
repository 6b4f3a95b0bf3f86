#pragma once
// The trial protocol between a search and its blackbox: a request is a configuration of the search space at
// a fidelity; a result is named metric values, what the trial cost (seconds and training epochs), and
// whether it succeeded (with the reason when not). New objectives, fidelities and metrics are new fields'
// values, not new interfaces.
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"

namespace tnas {

// How much of a full evaluation a trial gets (JAHS-Bench-201's fidelities); 0 everywhere: the objective's own
// protocol (a preset's, a table's recorded one).
struct Fidelity {
  int epochs = 0;            // training epochs
  int depth = 0;             // cells per stage, N
  int width = 0;             // channels of the first stage, W
  double resolution = 0;     // fraction of the protocol's image size, R (e.g. 0.25, 0.5, 1)
  int images_per_class = 0;  // training + validation images drawn per class

  bool is_default() const {
    return epochs == 0 && depth == 0 && width == 0 && resolution == 0 && images_per_class == 0;
  }
  std::string describe() const;  // e.g. "epochs=10 depth=3" ("default" when all are 0)
};

struct TrialRequest {
  Arch config;
  Fidelity fidelity;
  uint64_t seed = 0;  // the training seed of this trial
  // Multi-fidelity: the same configuration (same seed, same other fidelities) was trained to this many epochs
  // earlier in the search; an objective that can continues that run and charges only the epochs beyond it.
  int previous_epochs = 0;
};

struct TrialCost {
  double seconds = 0;  // of the evaluation: its wall time, or what an oracle says it would have taken
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
