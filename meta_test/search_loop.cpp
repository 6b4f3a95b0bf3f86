#include "meta_test/search_loop.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>

#include "basics/error.h"
#include "basics/memory_scope.h"
#include "basics/stable_hash.h"
#include "graphs/search_space_factory.h"
#include "meta_test/final_training.h"
#include "meta_test/objective_set.h"
#include "meta_test/pareto_report.h"
#include "meta_test/run_directory.h"
#include "models/proxy_preset.h"
#include "models/runtime.h"

namespace tnas {

namespace {

// What the trials so far add up to: time, cost and the incumbent (from trials.jsonl records).
struct SearchTally {
  double elapsed = 0, cost = 0;  // cost: seconds the evaluations cost
  long epochs = 0;               // training epochs the evaluations cost
  Incumbent incumbent;

  void add(const nlohmann::json& t) {
    elapsed += t.value("seconds", 0.0) + t.value("propose_seconds", 0.0);
    cost += t.value("cost_seconds", t.value("seconds", 0.0));  // an oracle's recorded cost, else the wall time
    epochs += t.value("epochs", 0L);
    incumbent.offer(t);
  }
  bool budget_left(double max_cost_seconds, long max_epochs_total) const {
    return (max_cost_seconds <= 0 || cost < max_cost_seconds) && (max_epochs_total <= 0 || epochs < max_epochs_total);
  }
  nlohmann::json summary(const SearchSettings& s, size_t evaluations, const std::vector<nlohmann::json>& trials) const {
    nlohmann::json j = {{"method", s.method}, {"evaluations", evaluations}, {"budget", s.budget},
                        {"seconds", elapsed}, {"cost_seconds", cost}, {"cost_epochs", epochs}, {"seed", s.seed}, {"run_directory", s.out}};
    if (s.max_cost_seconds > 0) j["max_cost_seconds"] = s.max_cost_seconds;
    if (s.max_epochs_total > 0) j["max_epochs_total"] = s.max_epochs_total;
    if (incumbent.trial > 0) {
      j["best_arch"] = incumbent.arch;
      j["best_accuracy"] = incumbent.accuracy;
      j["best_trial"] = incumbent.trial;
      if (incumbent.fidelity > 0) j["best_fidelity_epochs"] = incumbent.fidelity;
      for (const auto& t : trials)
        if (t.at("trial") == incumbent.trial && t.contains("details")) j["best_details"] = t.at("details");
    }
    int failed = 0;
    std::map<std::string, int> reasons;  // why trials failed, with counts
    for (const auto& t : trials)
      if (!t.at("ok").get<bool>()) ++failed, ++reasons[t.value("error", std::string("unknown"))];
    j["failed_trials"] = failed;
    if (failed > 0) j["failure_reasons"] = reasons;
    return j;
  }
};

void validate(const SearchSettings& s) {
  if (s.budget < 1) throw Error("--budget must be >= 1, got " + std::to_string(s.budget));
  if (!(s.max_cost_seconds >= 0)) throw Error("--max-cost-seconds must be >= 0, got " + std::to_string(s.max_cost_seconds));
  if (s.max_epochs_total < 0) throw Error("--max-epochs-total must be >= 0, got " + std::to_string(s.max_epochs_total));
  if (s.objective.timeout_seconds <= 0) throw Error("--timeout must be > 0 seconds, got " + std::to_string(s.objective.timeout_seconds));
  if (s.out.empty()) throw Error("missing --out DIR");
  if (!s.final_preset.empty()) resolve_final_preset(s.final_preset, s.objective.spec);  // before any trial
}

// The trials.jsonl record of trial i and its progress line. A multi-fidelity trial also records the epochs it
// was asked for, the run it continued, and (when the objective gives it) its cost in seconds. A trial whose
// objective does not say what training it cost is charged the epochs it asked for beyond its continued run.
nlohmann::json trial_record(int i, const std::string& text, const Proposal& p, const TrialResult& outcome, double seconds,
                            const SearchMethod& method) {
  nlohmann::json trial = {{"trial", i + 1}, {"arch", text}, {"ok", outcome.ok}, {"seconds", seconds}, {"propose_seconds", method.last_seconds}};
  if (outcome.ok) trial["accuracy"] = outcome.accuracy();
  else trial["error"] = outcome.error;
  if (outcome.metrics.size() > 1) trial["metrics"] = outcome.metrics;
  const int epochs = outcome.cost.epochs > 0 ? outcome.cost.epochs : method.multi_fidelity() ? p.epochs - p.previous_epochs : 0;
  if (epochs > 0) trial["epochs"] = epochs;
  if (p.epochs > 0) trial["fidelity_epochs"] = p.epochs;
  if (p.previous_epochs > 0) trial["continued_from_epochs"] = p.previous_epochs;
  if (outcome.cost.seconds > 0) trial["cost_seconds"] = outcome.cost.seconds;
  if (!outcome.details.is_null()) trial["details"] = outcome.details;
  if (!p.note.empty()) trial["proposal"] = p.note;
  return trial;
}

// "[ 7/30]" or, for a multi-fidelity search (budget in epochs), "[ 7 | 45/270 ep] @9ep".
std::string progress_line(int i, const std::string& budget, const std::string& text, const Proposal& p, const TrialResult& outcome,
                          const SearchTally& tally, double seconds, const SearchMethod& method) {
  const std::string at = p.epochs > 0 ? " @" + std::to_string(p.epochs) + "ep" + (p.previous_epochs > 0 ? " (from " + std::to_string(p.previous_epochs) + ")" : "") : "";
  char line[768];
  if (outcome.ok)
    std::snprintf(line, sizeof line, "[%2d%s]%s %6.2f%%  %s | best %.2f%% (trial %d) | eval %.1fs, propose %.0f ms", i + 1, budget.c_str(),
                  at.c_str(), outcome.accuracy(), text.c_str(), tally.incumbent.accuracy, tally.incumbent.trial, seconds, 1000 * method.last_seconds);
  else
    std::snprintf(line, sizeof line, "[%2d%s]%s FAILED  %s: %s", i + 1, budget.c_str(), at.c_str(), text.c_str(), outcome.error.c_str());
  return line;
}

// The longest fidelity of a multi-fidelity search: --max-fidelity, else the objective's longest (a curve
// table's epochs), else the train preset's epochs. Throws tnas::Error when the objective records fewer.
int max_fidelity(const SearchSettings& s, const Objective& objective) {
  int e = s.mf.max_epochs;
  if (e <= 0) e = objective.max_epochs();
  if (e <= 0 && s.objective.spec == "train") e = find_preset(s.objective.preset).epochs;  // (not its grayscale_epochs)
  if (e <= 0) throw Error("--method " + s.method + ": give --max-fidelity (epochs) for this objective");
  if (objective.max_epochs() > 0 && e > objective.max_epochs())
    throw Error("--max-fidelity " + std::to_string(e) + ": the objective records only " + std::to_string(objective.max_epochs()) + " epochs");
  return e;
}

// Everything a search needs before its first trial: the space, the objective (with a multi-fidelity
// schedule), the pool, the budget, the method and the configuration the run directory records.
struct SearchSetup {
  std::unique_ptr<SearchSpace> space;
  bool multi_fidelity = false;
  ObjectiveSettings objective_settings;  // as the user gave them (the final training uses these)
  std::unique_ptr<Objective> objective;
  std::vector<Arch> pool;
  int budget = 0;               // trials at most
  long max_epochs_total = 0;    // 0: none
  std::unique_ptr<SearchMethod> method;
  nlohmann::json config;
  SearchSettings effective;     // what the summary reports
  std::vector<ObjectiveSpec> objectives;  // more than one: a multi-objective search
  std::vector<double> reference;          // its hypervolume's reference point
  bool multi_objective() const { return objectives.size() > 1; }
};

SearchSetup set_up(const SearchSettings& s, const std::function<void(const std::string&)>& progress) {
  SearchSetup u;
  u.space = make_search_space(s.space);
  const SearchSpace& space = *u.space;
  u.multi_fidelity = is_multi_fidelity_method(s.method);
  u.objective_settings = s.objective;
  u.objective_settings.seed = s.seed;
  u.objectives = parse_objectives(s.objectives);
  for (const auto& o : u.objectives) u.objective_settings.measure_latency |= o.metric == "latency_ms" || o.metric == "latency64_ms";
  MultiFidelitySettings mf = s.mf;
  u.objective = make_objective(u.objective_settings, space);
  if (u.multi_fidelity) {
    // The schedule spans the longest fidelity, and every trained state is kept, so that promotions continue.
    mf.max_epochs = max_fidelity(s, *u.objective);
    ObjectiveSettings scheduled = u.objective_settings;
    scheduled.schedule_epochs = mf.max_epochs;
    scheduled.state_dir = (std::filesystem::path(s.out) / "train_states").string();
    if (scheduled.spec == "train") u.objective = make_objective(scheduled, space);
  }
  if (s.max_epochs_total > 0 && !u.objective->reports_epochs())
    throw Error("--max-epochs-total: the " + u.objective->describe().value("kind", std::string("?")) +
                " objective trains nothing (use --budget or --max-cost-seconds)");
  // The pool: the objective's configurations when it has only some (a curve table), else the space's.
  const bool sampled = u.objective->candidates().empty() && pool_is_sampled(space);
  u.pool = u.objective->candidates().empty() ? draw_pool(space, {s.dedupe, s.pool_size, s.seed}) : u.objective->candidates();
  // Single fidelity: no configuration is evaluated twice, so more evaluations than the pool holds are capped,
  // and said. Multi-fidelity: the budget is epochs, budget x max_epochs unless --max-epochs-total says.
  u.budget = u.multi_fidelity ? std::numeric_limits<int>::max() : static_cast<int>(std::min<size_t>(static_cast<size_t>(s.budget), u.pool.size()));
  u.max_epochs_total = u.multi_fidelity && s.max_epochs_total <= 0 ? static_cast<long>(s.budget) * mf.max_epochs : s.max_epochs_total;
  if (!u.multi_fidelity && u.budget < s.budget)
    progress("--budget " + std::to_string(s.budget) + " is more than the " + std::to_string(u.pool.size()) +
             " cells of the pool: capped at " + std::to_string(u.budget));
  if (u.multi_objective()) u.reference = reference_point(u.objectives, space, u.pool, s.reference_point);
  u.method = make_search_method(s.method, {&space, u.pool, s.seed, u.objectives, u.reference}, s.bo, mf);

  const nlohmann::json pool_config = sampled ? nlohmann::json{{"size", u.pool.size()}, {"sampled_from", space.size()}, {"seed", s.seed}}
                                             : nlohmann::json{{"size", u.pool.size()}, {"dedupe_by_iso_key", s.dedupe}};
  u.config = {{"space", space.name()}, {"method", u.method->describe()}, {"objective", u.objective->describe()},
              {"budget", u.multi_fidelity ? nlohmann::json(nullptr) : nlohmann::json(u.budget)},
              {"max_cost_seconds", s.max_cost_seconds}, {"max_epochs_total", u.max_epochs_total},
              {"seed", s.seed}, {"pool", pool_config}, {"versions", runtime_versions()}};
  if (!u.multi_fidelity && s.mf.max_epochs > 0) u.config["fidelity_epochs"] = s.mf.max_epochs;
  if (u.multi_objective()) {
    u.config["objectives"] = pareto_json({}, {}, u.objectives, u.reference).at("objectives");
    u.config["reference_point"] = u.reference;
  }
  u.effective = s;
  u.effective.max_epochs_total = u.max_epochs_total;
  if (!u.multi_fidelity) u.effective.budget = u.budget;
  return u;
}

// Trial i: the request for a proposal (a configuration keeps its training seed at every fidelity, so that a
// promotion continues the same run), its outcome and its trials.jsonl record.
nlohmann::json run_one_trial(const SearchSettings& s, const SearchSetup& u, int i, Proposal& p, TrialResult& outcome) {
  // A single-fidelity method with --max-fidelity trains every trial that long (a side-by-side comparison).
  if (!u.multi_fidelity && p.epochs == 0) p.epochs = s.mf.max_epochs;
  const auto start = std::chrono::steady_clock::now();
  TrialRequest request{p.config, Fidelity{}, s.seed * 1000ULL + static_cast<uint64_t>(i)};
  if (u.multi_fidelity) request.seed = s.seed * 1000ULL + stable_hash(u.space->iso_key(p.config)) % 1000;
  request.fidelity.epochs = p.epochs;
  request.previous_epochs = p.previous_epochs;
  outcome = run_trial(*u.objective, request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return trial_record(i, u.space->format(p.config), p, outcome, seconds, *u.method);
}

// A trials.jsonl record as the methods see it.
Observation observation(const SearchSetup& u, const nlohmann::json& t) {
  Observation o{u.space->parse(t.at("arch").get<std::string>()), t.value("accuracy", 0.0), t.at("ok").get<bool>(), t.value("fidelity_epochs", 0), {}};
  if (u.multi_objective())
    if (const auto values = objective_values(u.objectives, t, *u.space)) o.objectives = to_maximized(u.objectives, *values);
  return o;
}

// trajectory.csv and summary.json, and for a multi-objective search the front (summary "pareto", pareto.csv,
// the hypervolume column; with `plot`, pareto.png, whose line is returned); `summary` gets "pareto".
std::string write_outputs(RunDirectory& run, const SearchSetup& u, nlohmann::json& summary, bool plot) {
  if (!u.multi_objective()) {
    run.write_outputs(summary);
    return "";
  }
  const ParetoReport report = pareto_report(run.trials(), u.objectives, u.reference, *u.space);
  summary["pareto"] = pareto_json(report, run.trials(), u.objectives, u.reference);
  run.write_outputs(summary, report.hypervolume);
  return write_pareto_outputs(run.path(), report, run.trials(), u.objectives, plot);
}

std::string stop_reason(const SearchSettings& s, const SearchSetup& u, const SearchTally& tally) {
  if (u.max_epochs_total > 0 && tally.epochs >= u.max_epochs_total)
    return s.max_epochs_total > 0 ? "--max-epochs-total " + std::to_string(u.max_epochs_total)
                                  : "the budget of " + std::to_string(u.max_epochs_total) + " epochs (--budget " + std::to_string(s.budget) +
                                        " full evaluations)";
  return "--max-cost-seconds " + std::to_string(s.max_cost_seconds);
}

}  // namespace

nlohmann::json run_search(const SearchSettings& s, const std::function<void(const std::string&)>& progress) {
  validate(s);
  const MemoryScope scope("searching with " + s.method);
  SearchSetup u = set_up(s, progress);
  const SearchSpace& space = *u.space;
  RunDirectory run(s.out, u.config, s.force);
  std::vector<Observation> history;
  SearchTally tally;
  for (const auto& t : run.trials()) {
    history.push_back(observation(u, t));
    tally.add(t);
  }
  if (!history.empty())
    progress("resuming " + s.out + ": " + std::to_string(history.size()) + " finished trials replayed");

  bool exhausted = false;
  for (int i = static_cast<int>(history.size()); i < u.budget && tally.budget_left(s.max_cost_seconds, u.max_epochs_total); ++i) {
    Rng rng(s.seed * 1000003ULL + static_cast<uint64_t>(i));  // per step: a replayed history proposes the same
    Proposal p;
    try {
      p = u.method->propose_trial(history, rng);
    } catch (const PoolExhausted& e) {
      exhausted = true;
      progress(std::string(e.what()) + ": the search ends after " + std::to_string(history.size()) + " trials");
      break;
    }
    TrialResult outcome;
    nlohmann::json trial = run_one_trial(s, u, i, p, outcome);
    if (u.multi_objective())
      if (const auto values = objective_values(u.objectives, trial, space))
        for (size_t k = 0; k < values->size(); ++k) trial["objectives"][u.objectives[k].name] = (*values)[k];
    run.append_trial(trial);
    history.push_back(observation(u, trial));
    tally.add(trial);
    nlohmann::json summary = tally.summary(u.effective, history.size(), run.trials());
    write_outputs(run, u, summary, false);
    const std::string of = u.multi_fidelity ? " | " + std::to_string(tally.epochs) + "/" + std::to_string(u.max_epochs_total) + " ep"
                                            : "/" + std::to_string(u.budget);
    progress(progress_line(i, of, space.format(p.config), p, outcome, tally, trial.at("seconds").get<double>(), *u.method));
  }
  if (!exhausted && !tally.budget_left(s.max_cost_seconds, u.max_epochs_total))
    progress("stopped by " + stop_reason(s, u, tally) + " after " + std::to_string(history.size()) + " evaluations");
  progress(run.plot());
  nlohmann::json summary = tally.summary(u.effective, history.size(), run.trials());
  if (u.multi_objective()) progress(write_outputs(run, u, summary, true));
  if (!s.final_preset.empty() && summary.contains("best_arch")) {
    summary["final"] = final_training(space, summary["best_arch"], u.objective_settings, s.final_preset, run, progress);
    write_outputs(run, u, summary, false);
  }
  return summary;
}

}  // namespace tnas
