#pragma once
// What the sequential search loop (meta_test/search/search_loop.cpp) and the parallel coordinator and its
// workers (meta_test/parallel/parallel_search.cpp, meta_test/parallel/trial_worker.cpp) share: everything a
// search needs before its first trial, how a proposal becomes a trial request, what a finished trial's
// trials.jsonl record holds, and what the records add up to.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meta_test/methods/search_methods.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/search/run_directory.h"
#include "meta_test/search/search_loop.h"

namespace tnas {

// The blackbox of a search and what it runs on: the space, the objective (for a multi-fidelity method with
// its schedule spanning the longest fidelity and its trained states kept in the run directory; with
// --simulated-seconds, slowed down to the simulated durations) and the candidate pool. Workers build exactly
// this from the search's settings; only the coordinator builds the method.
struct SearchBlackbox {
  std::unique_ptr<SearchSpace> space;
  bool multi_fidelity = false;
  int max_epochs = 0;                    // multi-fidelity: the longest fidelity
  ObjectiveSettings objective_settings;  // as the user gave them (the final training uses these)
  std::unique_ptr<Objective> objective;
  std::vector<Arch> pool;         // only configurations that satisfy the constraints known in advance
  bool pool_sampled = false;      // drawn from a space too large to enumerate
  size_t unconstrained_pool = 0;  // the pool's size before the constraints known in advance
  std::vector<Constraint> constraints;
};
SearchBlackbox make_search_blackbox(const SearchSettings& settings);

// The checks of the settings that need nothing built (set_up makes them first): budgets and limits in range,
// --out given, the final preset known. Throws tnas::Error naming the option.
void check_search_settings(const SearchSettings& settings);

// Everything a search needs before its first trial: the blackbox, the budget, the method and the
// configuration the run directory records.
struct SearchSetup : SearchBlackbox {
  int budget = 0;             // trials at most
  long max_epochs_total = 0;  // 0: none
  std::unique_ptr<SearchMethod> method;
  nlohmann::json config;
  SearchSettings effective;               // what the summary reports
  std::vector<ObjectiveSpec> objectives;  // more than one: a multi-objective search
  std::vector<double> reference;          // its hypervolume's reference point
  bool multi_objective() const { return objectives.size() > 1; }
};
SearchSetup set_up(const SearchSettings& settings, const std::function<void(const std::string&)>& progress);

// What the objective is asked for trial `number` (1-based): a configuration keeps its training seed at every
// fidelity, so that a promotion continues the same run. A single-fidelity method with --max-fidelity trains
// every trial that long.
TrialRequest trial_request(const SearchSettings& settings, const SearchBlackbox& blackbox, int number,
                           const Proposal& proposal);

// A proposal as the run directory's queue holds it, and back.
nlohmann::json proposal_json(const SearchSpace& space, int number, const Proposal& proposal,
                             double propose_seconds);
Proposal proposal_from_json(const SearchSpace& space, const nlohmann::json& j);

// The trials.jsonl record of trial `number`. A multi-fidelity trial also records the epochs it was asked for,
// the run it continued, and (when the objective gives it) its cost in seconds. A trial whose objective does
// not say what training it cost is charged the epochs it asked for beyond its continued run. With more than
// one objective, the record gets every objective's value.
nlohmann::json trial_record(const SearchBlackbox& blackbox, const std::vector<ObjectiveSpec>& objectives,
                            int number, const Proposal& proposal, const TrialResult& outcome, double seconds,
                            double propose_seconds);

// A trials.jsonl record as the methods see it.
Observation observation(const SearchSetup& setup, const nlohmann::json& t);
// A trial asked and not yet finished as the methods see it: pending (never proposed again; the deep-kernel BO
// may condition on it).
Observation pending_observation(const Proposal& proposal);

// What the trials so far add up to: time, cost and the incumbent (from trials.jsonl records).
struct SearchTally {
  double elapsed = 0, cost = 0;  // cost: seconds the evaluations cost
  long epochs = 0;               // training epochs the evaluations cost
  Incumbent incumbent;

  void add(const nlohmann::json& t);
  bool budget_left(double max_cost_seconds, long max_epochs_total) const;
  nlohmann::json summary(const SearchSettings& settings, size_t evaluations,
                         const std::vector<nlohmann::json>& trials) const;
};

// Whether another trial may be asked, with `finished` trials told and `in_flight` asked but not told: none
// goes over the trials, the epochs (those in flight counted as requested) or the cost seconds (only finished
// ones are known).
bool trials_budget_left(const SearchSettings& settings, const SearchSetup& setup, const SearchTally& tally,
                        size_t finished, const std::vector<Proposal>& in_flight);

// "[ 7/30]" or, for a multi-fidelity search (budget in epochs), "[ 7 | 45/270 ep] @9ep".
std::string progress_line(const SearchSetup& setup, const nlohmann::json& trial, const SearchTally& tally);

// Why the search stopped before its number of trials.
std::string stop_reason(const SearchSettings& settings, const SearchSetup& setup, const SearchTally& tally);

// trajectory.csv and summary.json, and for a multi-objective search the front (summary "pareto", pareto.csv,
// the hypervolume column; with `plot`, pareto.png, whose line is returned); `summary` gets "pareto".
std::string write_outputs(RunDirectory& run, const SearchSetup& setup, nlohmann::json& summary, bool plot);

// Records a finished trial, the one way both the sequential and the parallel loop do it: appends it to
// trials.jsonl, adds it to the tally, rewrites the summary and trajectory (and the front) with `evaluations`
// trials finished, says its progress line; returns the trial as the methods see it.
Observation record_trial(RunDirectory& run, const SearchSetup& setup, SearchTally& tally, size_t evaluations,
                         const nlohmann::json& trial,
                         const std::function<void(const std::string&)>& progress);

// After the last trial: the plots, the final summary and (train objective) the incumbent's final training.
nlohmann::json finish_search(const SearchSettings& settings, const SearchSetup& setup, RunDirectory& run,
                             const SearchTally& tally, size_t evaluations,
                             const std::function<void(const std::string&)>& progress);

}  // namespace tnas
