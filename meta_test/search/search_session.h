#pragma once
// One search as a sequence of asks and tells: the engine under meta_test search's sequential loop
// (search_loop.cpp: ask, evaluate with the objective, tell) and under the ask/tell API
// (include/tnas/ask_tell.h: the caller evaluates). It opens (or resumes) the run directory, replays its
// finished trials, proposes the next trial with the trials asked but not yet told as pending observations (as
// the parallel coordinator does), records each told result the one way every loop does (record_trial), and
// finishes with the plots, the summary and the final training. The proposal of trial k depends on the
// history and a seed per trial number only, so asking and telling one trial at a time gives exactly the
// trials of the sequential loop.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meta_test/search/search_setup.h"

namespace tnas {

struct AskedTrialState {
  int number = 0;  // 1-based, as trials.jsonl numbers it
  Proposal proposal;
  TrialRequest request;        // what the objective is asked for (configuration, fidelity, training seed)
  double propose_seconds = 0;  // what proposing it took
  double asked_at = 0;         // steady-clock seconds when it was asked (its wall time when told without one)
};

class SearchSession {
 public:
  SearchSession(const SearchSettings& settings, std::function<void(const std::string&)> progress);

  // The next trial, or nullopt when none can be asked now: then finished() says whether the search is over
  // (budget spent, pool exhausted) or waits for the results of trials still pending (a multi-fidelity
  // bracket's rung).
  std::optional<AskedTrialState> ask();
  // A trial that an earlier process asked and never told (kept in the run directory by its caller): pending
  // again under its number, so that it is asked again rather than lost.
  void restore(int number, const Proposal& proposal, double propose_seconds);
  // Records pending trial `number`'s result; `seconds` is what its evaluation took (< 0: the wall time since
  // it was asked). Throws tnas::Error for a number that is not pending.
  void tell(int number, const TrialResult& outcome, double seconds);
  // Records pending trial `number`'s finished trials.jsonl record as another process wrote it (a parallel
  // search's worker).
  void tell_record(const nlohmann::json& trial);
  // No more trials will be asked (pending ones may still be told).
  bool finished();
  // After the last tell: the plots, the final summary and (train objective) the incumbent's final training.
  nlohmann::json finish();

  const std::map<int, AskedTrialState>& pending() const { return pending_; }
  const SearchSetup& setup() const { return setup_; }
  const SearchSettings& settings() const { return settings_; }
  RunDirectory& run() { return run_; }
  const SearchTally& tally() const { return tally_; }
  size_t evaluations() const { return finished_.size(); }

 private:
  std::vector<Observation> history() const;                // finished and pending trials in trial order
  const AskedTrialState& pending_trial(int number) const;  // throws for one that is not pending
  bool budget_left() const;

  SearchSettings settings_;
  std::function<void(const std::string&)> progress_;
  SearchSetup setup_;
  RunDirectory run_;
  SearchTally tally_;
  std::map<int, Observation> finished_;  // as the method sees them, by trial number
  std::map<int, AskedTrialState> pending_;
  int next_ = 1;
  bool exhausted_ = false;
  bool said_why_stopped_ = false;
};

}  // namespace tnas
