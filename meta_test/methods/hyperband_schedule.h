#pragma once
// Hyperband's brackets (Li et al. 2018) as a fixed sequence of trial slots, so that the next trial is a pure
// function of the history: a search that was killed replays its trials.jsonl and continues exactly where it
// stopped, with no finished rung trained again.
//
// With fidelities r_min..r_max epochs and factor eta, s_max = floor(log_eta(r_max / r_min)); bracket s
// (s_max down to 0) starts n = ceil((s_max + 1) / (s + 1) * eta^s) new configurations at r_max * eta^-s
// epochs, and rung i keeps the best floor(n * eta^-i) of rung i - 1 and trains them to r_max * eta^(i - s)
// epochs. Hyperband runs the brackets in turn, round after round; successive halving only bracket s_max.
#include <string>
#include <vector>

#include "meta_test/search/candidate_pool.h"

namespace tnas {

struct Rung {
  int epochs = 0;
  int size = 0;  // trials in the rung
};

struct Bracket {
  int s = 0;
  std::vector<Rung> rungs;
};

// The trial of one slot: a new configuration (rung 0) or the promotion of a configuration from the rung
// below.
struct ScheduledTrial {
  int round = 0, bracket = 0, rung = 0, slot = 0;  // bracket: its s
  int epochs = 0;
  bool promotion = false;
  Arch config;                   // for a promotion
  int previous_epochs = 0;       // for a promotion that continues a successful run
  std::string describe() const;  // e.g. "round 1 bracket 2 rung 1: promoted (3rd best of 9)"
};

class HyperbandSchedule {
 public:
  // Throws tnas::Error for min_epochs < 1, max_epochs < min_epochs or eta <= 1.
  HyperbandSchedule(int min_epochs, int max_epochs, double eta, bool successive_halving_only);

  const std::vector<Bracket>& brackets() const { return brackets_; }
  // The trial at position history.size(). The history must be this schedule's own trials in order (those
  // still running included, as pending). Throws WaitForResults for a promotion whose rung is still running.
  ScheduledTrial next(const std::vector<Observation>& history) const;

 private:
  std::vector<Bracket> brackets_;
};

}  // namespace tnas
