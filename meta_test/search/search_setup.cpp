#include "meta_test/search/search_setup.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>

#include "basics/error.h"
#include "basics/stable_hash.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/multi_objective/objective_set.h"
#include "meta_test/multi_objective/pareto_report.h"
#include "meta_test/search/final_training.h"
#include "models/runtime/runtime.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

namespace {

// The longest fidelity of a multi-fidelity search: --max-fidelity, else the objective's longest (a curve
// table's epochs), else the train preset's epochs. Throws tnas::Error when the objective records fewer.
int max_fidelity(const SearchSettings& settings, const Objective& objective) {
  int e = settings.method_settings.multi_fidelity.max_epochs;
  if (e <= 0) e = objective.max_epochs();
  if (e <= 0 && find_objective_kind(settings.objective.spec).trains)
    e = find_preset(settings.objective.preset).epochs;  // (not its grayscale_epochs)
  if (e <= 0)
    throw Error("--method " + settings.method + ": give --max-fidelity (epochs) for this objective");
  if (objective.max_epochs() > 0 && e > objective.max_epochs())
    throw Error("--max-fidelity " + std::to_string(e) + ": the objective records only " +
                std::to_string(objective.max_epochs()) + " epochs");
  return e;
}

// An objective that no trial of this blackbox can have (a typo, fairness from a table) would give every trial
// ok and an empty front: refused up front, naming what the blackbox reports.
void require_reported(const std::vector<ObjectiveSpec>& objectives, const Objective& objective,
                      const std::string& option) {
  const auto reported = objective.reported_metrics();
  if (!reported) return;  // a command: known only from its trials
  for (const ObjectiveSpec& spec : objectives) {
    const bool from_space = spec.metric == "params" || spec.metric == "flops";  // the space's cost model
    if (from_space || std::find(reported->begin(), reported->end(), spec.metric) != reported->end()) continue;
    std::string names;
    for (const std::string& metric : *reported) names += (names.empty() ? "" : ", ") + metric;
    throw Error(option + ": '" + spec.name + "' is not reported by the " +
                objective.describe().value("kind", std::string("?")) + " objective (it reports " + names +
                "; params and flops come from the space)");
  }
}

}  // namespace

SearchBlackbox make_search_blackbox(const SearchSettings& settings) {
  SearchBlackbox b;
  b.space = make_search_space(settings.space);
  const SearchSpace& space = *b.space;
  b.multi_fidelity = is_multi_fidelity_method(settings.method);
  b.objective_settings = settings.objective;
  b.objective_settings.seed = settings.seed;
  // What the objectives and the constraints name is measured (latency and robustness cost passes of their
  // own: only when named).
  std::vector<ObjectiveSpec> named = settings.objectives;
  for (const Constraint& c : settings.constraints) named.push_back(c.metric);
  for (const ObjectiveSpec& o : named) {
    b.objective_settings.measure_latency |= o.metric == "latency_ms" || o.metric == "latency64_ms";
    b.objective_settings.measure_robustness |= o.metric == "robust_accuracy";
    b.objective_settings.measure_memory |= o.metric == "memory_mb";
  }
  b.objective = make_objective(b.objective_settings, space);
  if (b.multi_fidelity) {
    // The schedule spans the longest fidelity, and every trained state is kept, so that promotions continue.
    b.max_epochs = max_fidelity(settings, *b.objective);
    ObjectiveSettings scheduled = b.objective_settings;
    scheduled.schedule_epochs = b.max_epochs;
    scheduled.state_dir = (std::filesystem::path(settings.out) / "train_states").string();
    if (find_objective_kind(scheduled.spec).trains) b.objective = make_objective(scheduled, space);
  }
  // The pool: the objective's configurations when it has only some (a curve table), else the space's.
  b.pool_sampled = b.objective->candidates().empty() && pool_is_sampled(space);
  b.pool = b.objective->candidates().empty()
               ? draw_pool(space, {settings.dedupe, settings.pool_size, settings.seed})
               : b.objective->candidates();
  b.unconstrained_pool = b.pool.size();
  b.constraints = settings.constraints;
  b.pool = feasible_configurations(b.constraints, space, b.pool);
  if (settings.simulated_seconds > 0)
    b.objective = simulate_durations(std::move(b.objective), space, b.pool, settings.simulated_seconds);
  return b;
}

namespace {

// The user's prior, or null; its default joins a sampled pool that lacks it (JAHS), so that it can be drawn.
// Its strength defaults to piBO's: the budget / 10 (at least 1).
std::shared_ptr<const ConfigurationPrior> read_prior(const SearchSettings& settings,
                                                     SearchBlackbox& blackbox) {
  if (settings.prior.empty()) return nullptr;
  const double strength =
      settings.prior_strength > 0 ? settings.prior_strength : std::max(1.0, settings.budget / 10.0);
  auto prior = std::make_shared<const ConfigurationPrior>(settings.prior, *blackbox.space, strength);
  if (prior->default_config()) {
    const std::string key = blackbox.space->iso_key(*prior->default_config());
    const bool in_pool = std::any_of(blackbox.pool.begin(), blackbox.pool.end(), [&](const Arch& config) {
      return blackbox.space->iso_key(config) == key;
    });
    if (!in_pool && !blackbox.objective->candidates().empty())
      throw Error(settings.prior + ": the default " + blackbox.space->format(*prior->default_config()) +
                  " is not one of the objective's configurations");
    if (!in_pool &&
        !feasible_configurations(blackbox.constraints, *blackbox.space, {*prior->default_config()}).empty())
      blackbox.pool.push_back(*prior->default_config());
  }
  return prior;
}

// tnas's size family (meta_test/methods/search_methods.h: a kernel family that rewards bigger cells where the
// target's data vouch for it) drives the search to the edge of a bound on the network's size, where the
// bound cuts the best cells away: bench/RESULTS.md 1q measured 0.22 points of regret against the best
// feasible cell with it and 0.07 without under params <= the median cell's, and 11 infeasible trials per
// search instead of 7 under a latency bound. Under such a bound it is left out unless --proxy-kernel asks for
// it, and said.
void leave_out_size_family_under_size_caps(MethodSettings& method_settings,
                                           const std::vector<Constraint>& constraints,
                                           const std::function<void(const std::string&)>& progress) {
  if (method_settings.deep_kernel.proxy_kernel) return;
  const auto cap =
      std::find_if(constraints.begin(), constraints.end(), [](const Constraint& c) { return c.caps_size(); });
  if (cap == constraints.end()) return;
  method_settings.deep_kernel.proxy_kernel = ProxyKernel::kNone;
  progress("--constraint " + cap->text() +
           ": tnas leaves its size family out (--proxy-kernel params to keep it; bench/RESULTS.md 1q)");
}

}  // namespace

SearchSetup set_up(const SearchSettings& settings, const std::function<void(const std::string&)>& progress) {
  check_search_settings(settings);
  SearchSetup u;
  static_cast<SearchBlackbox&>(u) = make_search_blackbox(settings);
  const SearchSpace& space = *u.space;
  u.objectives = settings.objectives;
  require_reported(u.objectives, *u.objective, "--objectives");
  for (const Constraint& c : u.constraints)
    require_reported({c.metric}, *u.objective, "--constraint " + c.text());
  const bool fairness = std::any_of(u.objectives.begin(), u.objectives.end(), [](const ObjectiveSpec& spec) {
    return spec.metric == "fairness_gap" || spec.metric == "worst_group_acc";
  });
  if (!settings.objective.groups.empty() && !fairness)
    throw Error(
        "--groups " + settings.objective.groups +
        ": only the fairness objectives use groups; add fairness to --objectives (e.g. acc,fairness)");
  MethodSettings method_settings = settings.method_settings;
  if (settings.method == "tnas")
    leave_out_size_family_under_size_caps(method_settings, u.constraints, progress);
  MultiFidelitySettings& mf = method_settings.multi_fidelity;
  if (u.multi_fidelity) mf.max_epochs = u.max_epochs;
  if (settings.max_epochs_total > 0 && !u.objective->reports_epochs())
    throw Error("--max-epochs-total: the " + u.objective->describe().value("kind", std::string("?")) +
                " objective trains nothing (use --budget or --max-cost-seconds)");
  // Single fidelity: no configuration is evaluated twice, so more evaluations than the pool holds are capped,
  // and said. Multi-fidelity: the budget is epochs, budget x max_epochs unless --max-epochs-total says.
  u.budget = u.multi_fidelity
                 ? std::numeric_limits<int>::max()
                 : static_cast<int>(std::min<size_t>(static_cast<size_t>(settings.budget), u.pool.size()));
  u.max_epochs_total = u.multi_fidelity && settings.max_epochs_total <= 0
                           ? static_cast<long>(settings.budget) * mf.max_epochs
                           : settings.max_epochs_total;
  if (!u.multi_fidelity && u.budget < settings.budget)
    progress("--budget " + std::to_string(settings.budget) + " is more than the " +
             std::to_string(u.pool.size()) + " cells of the pool: capped at " + std::to_string(u.budget));
  if (u.pool.size() < u.unconstrained_pool)
    progress("--constraint: " + std::to_string(u.pool.size()) + " of the pool's " +
             std::to_string(u.unconstrained_pool) + " configurations satisfy the constraints on size");
  if (u.multi_objective())
    u.reference = reference_point(u.objectives, space, u.pool, settings.reference_point);
  std::shared_ptr<const ConfigurationPrior> prior = read_prior(settings, u);
  const auto admissible = [&space, constraints = u.constraints](const Arch& config) {
    return satisfies_known_constraints(constraints, space, config);
  };
  u.method = make_search_method(settings.method,
                                {&space, u.pool, settings.seed, u.objectives, u.reference, prior, admissible},
                                method_settings);

  const nlohmann::json pool_config =
      u.pool_sampled
          ? nlohmann::json{{"size", u.pool.size()}, {"sampled_from", space.size()}, {"seed", settings.seed}}
          : nlohmann::json{{"size", u.pool.size()}, {"dedupe_by_iso_key", settings.dedupe}};
  u.config = {{"space", space.name()},
              {"method", u.method->describe()},
              {"objective", u.objective->describe()},
              {"budget", u.multi_fidelity ? nlohmann::json(nullptr) : nlohmann::json(u.budget)},
              {"max_cost_seconds", settings.max_cost_seconds},
              {"max_epochs_total", u.max_epochs_total},
              {"seed", settings.seed},
              {"pool", pool_config},
              {"versions", runtime_versions()}};
  if (prior) u.config["prior"] = prior->describe(space);
  if (!u.constraints.empty()) {
    u.config["constraints"] = nlohmann::json::array();
    for (const Constraint& c : u.constraints) u.config["constraints"].push_back(c.text());
    const bool measured = std::any_of(u.constraints.begin(), u.constraints.end(),
                                      [](const Constraint& c) { return !c.known_in_advance(); });
    if (measured)
      u.config["feasibility_model"] = settings.method_settings.proposal.feasibility_model
                                          ? "bowl, gp, tnas with EI, tnas-mo with EHVI, bohb's TPE (parego "
                                            "and tnas-hb through their models): "
                                            "P(feasible) from a WL-kernel GP per measured constraint"
                                          : "off";
  }
  if (!u.multi_fidelity && settings.method_settings.multi_fidelity.max_epochs > 0)
    u.config["fidelity_epochs"] = settings.method_settings.multi_fidelity.max_epochs;
  if (u.multi_objective()) {
    u.config["objectives"] = pareto_json({}, {}, u.objectives, u.reference).at("objectives");
    u.config["reference_point"] = u.reference;
  }
  // Workers, where they run and how proposals treat the running ones may change when a run is resumed
  // (config.json records them; the comparison with the run's earlier configuration leaves them out).
  if (settings.workers > 1 || settings.executor != Executor::kLocal)
    u.config["workers"] = {{"count", settings.workers},
                           {"executor", enum_name(settings.executor)},
                           {"pending", enum_name(settings.method_settings.proposal.pending)}};
  u.effective = settings;
  u.effective.max_epochs_total = u.max_epochs_total;
  if (!u.multi_fidelity) u.effective.budget = u.budget;
  return u;
}

void check_search_settings(const SearchSettings& settings) {
  if (settings.budget < 1) throw Error("--budget must be >= 1, got " + std::to_string(settings.budget));
  if (!(settings.max_cost_seconds >= 0))
    throw Error("--max-cost-seconds must be >= 0, got " + std::to_string(settings.max_cost_seconds));
  if (settings.max_epochs_total < 0)
    throw Error("--max-epochs-total must be >= 0, got " + std::to_string(settings.max_epochs_total));
  if (settings.objective.timeout_seconds <= 0)
    throw Error("--timeout must be > 0 seconds, got " + std::to_string(settings.objective.timeout_seconds));
  if (!(settings.simulated_seconds >= 0))
    throw Error("--simulated-seconds must be >= 0, got " + std::to_string(settings.simulated_seconds));
  if (settings.out.empty()) throw Error("missing --out DIR");
  if (settings.prior_strength < 0)
    throw Error("--prior-strength must be > 0 (0: the default), got " +
                std::to_string(settings.prior_strength));
  if (!settings.prior.empty() &&
      settings.method_settings.proposal.acquisition != Acquisition::Kind::kExpectedImprovement)
    throw Error(
        "--prior weights the acquisition as piBO does, which needs --acquisition ei (log EI); got ucb");
  if (!settings.final_preset.empty())
    resolve_final_preset(settings.final_preset, settings.objective.spec);  // before any trial
}

TrialRequest trial_request(const SearchSettings& settings, const SearchBlackbox& blackbox, int number,
                           const Proposal& proposal) {
  TrialRequest request{proposal.config, Fidelity{},
                       settings.seed * 1000ULL + static_cast<uint64_t>(number - 1)};
  if (blackbox.multi_fidelity)
    request.seed = settings.seed * 1000ULL + stable_hash(blackbox.space->iso_key(proposal.config)) % 1000;
  request.fidelity.epochs = !blackbox.multi_fidelity && proposal.epochs == 0
                                ? settings.method_settings.multi_fidelity.max_epochs
                                : proposal.epochs;
  request.previous_epochs = proposal.previous_epochs;
  return request;
}

nlohmann::json proposal_json(const SearchSpace& space, int number, const Proposal& proposal,
                             double propose_seconds) {
  nlohmann::json j = {{"trial", number},
                      {"arch", space.format(proposal.config)},
                      {"epochs", proposal.epochs},
                      {"previous_epochs", proposal.previous_epochs},
                      {"propose_seconds", propose_seconds}};
  if (!proposal.note.empty()) j["note"] = proposal.note;
  return j;
}

Proposal proposal_from_json(const SearchSpace& space, const nlohmann::json& j) {
  Proposal p;
  p.config = space.parse(j.at("arch").get<std::string>());
  p.epochs = j.value("epochs", 0);
  p.previous_epochs = j.value("previous_epochs", 0);
  p.note = j.value("note", std::string());
  return p;
}

nlohmann::json trial_record(const SearchBlackbox& blackbox, const std::vector<ObjectiveSpec>& objectives,
                            int number, const Proposal& proposal, const TrialResult& outcome, double seconds,
                            double propose_seconds) {
  nlohmann::json trial = {{"trial", number},
                          {"arch", blackbox.space->format(proposal.config)},
                          {"ok", outcome.ok},
                          {"seconds", seconds},
                          {"propose_seconds", propose_seconds}};
  if (outcome.ok)
    trial["accuracy"] = outcome.accuracy();
  else
    trial["error"] = outcome.error;
  if (outcome.metrics.size() > 1) trial["metrics"] = outcome.metrics;
  const int epochs = outcome.cost.epochs > 0   ? outcome.cost.epochs
                     : blackbox.multi_fidelity ? proposal.epochs - proposal.previous_epochs
                                               : 0;
  if (epochs > 0) trial["epochs"] = epochs;
  if (proposal.epochs > 0) trial["fidelity_epochs"] = proposal.epochs;
  if (proposal.previous_epochs > 0) trial["continued_from_epochs"] = proposal.previous_epochs;
  if (outcome.cost.seconds > 0) trial["cost_seconds"] = outcome.cost.seconds;
  if (!outcome.details.is_null()) trial["details"] = outcome.details;
  if (!proposal.note.empty()) trial["proposal"] = proposal.note;
  if (outcome.ok && !blackbox.constraints.empty()) {
    const std::vector<std::string> violations =
        constraint_violations(blackbox.constraints, trial, *blackbox.space);
    if (!violations.empty()) {
      trial["feasible"] = false;
      trial["violations"] = violations;
    }
  }
  if (objectives.size() > 1)
    if (const auto values = objective_values(objectives, trial, *blackbox.space))
      for (size_t k = 0; k < values->size(); ++k) trial["objectives"][objectives[k].name] = (*values)[k];
  return trial;
}

Observation observation(const SearchSetup& setup, const nlohmann::json& t) {
  Observation o{setup.space->parse(t.at("arch").get<std::string>()),
                t.value("accuracy", 0.0),
                feasible_success(t),  // an infeasible trial is a failure to the methods
                t.value("fidelity_epochs", 0),
                {}};
  if (setup.multi_objective())
    if (const auto values = objective_values(setup.objectives, t, *setup.space))
      o.objectives = to_maximized(setup.objectives, *values);
  if (t.at("ok").get<bool>())
    o.constraint_slacks = measured_constraint_slacks(setup.constraints, t, *setup.space);
  return o;
}

Observation pending_observation(const Proposal& proposal) {
  Observation o;
  o.config = proposal.config;
  o.epochs = proposal.epochs;
  o.pending = true;
  return o;
}

bool trials_budget_left(const SearchSettings& settings, const SearchSetup& setup, const SearchTally& tally,
                        size_t finished, const std::vector<Proposal>& in_flight) {
  if (finished + in_flight.size() >= static_cast<size_t>(setup.budget)) return false;
  long epochs = tally.epochs;
  for (const Proposal& p : in_flight) epochs += p.epochs - p.previous_epochs;
  return tally.budget_left(settings.max_cost_seconds, 0) &&
         (setup.max_epochs_total <= 0 || epochs < setup.max_epochs_total);
}

void SearchTally::add(const nlohmann::json& t) {
  elapsed += t.value("seconds", 0.0) + t.value("propose_seconds", 0.0);
  cost += t.value("cost_seconds", t.value("seconds", 0.0));  // an oracle's recorded cost, else the wall time
  epochs += t.value("epochs", 0L);
  incumbent.offer(t);
}

bool SearchTally::budget_left(double max_cost_seconds, long max_epochs_total) const {
  return (max_cost_seconds <= 0 || cost < max_cost_seconds) &&
         (max_epochs_total <= 0 || epochs < max_epochs_total);
}

nlohmann::json SearchTally::summary(const SearchSettings& settings, size_t evaluations,
                                    const std::vector<nlohmann::json>& trials) const {
  nlohmann::json j = {{"method", settings.method}, {"evaluations", evaluations},
                      {"budget", settings.budget}, {"seconds", elapsed},
                      {"cost_seconds", cost},      {"cost_epochs", epochs},
                      {"seed", settings.seed},     {"run_directory", settings.out}};
  if (settings.max_cost_seconds > 0) j["max_cost_seconds"] = settings.max_cost_seconds;
  if (settings.max_epochs_total > 0) j["max_epochs_total"] = settings.max_epochs_total;
  if (settings.workers > 1) j["workers"] = settings.workers;
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
  if (!settings.constraints.empty())
    j["infeasible_trials"] = std::count_if(trials.begin(), trials.end(), [](const nlohmann::json& t) {
      return t.at("ok").get<bool>() && !feasible_success(t);
    });
  return j;
}

std::string progress_line(const SearchSetup& setup, const nlohmann::json& trial, const SearchTally& tally) {
  const int epochs = trial.value("fidelity_epochs", 0), from = trial.value("continued_from_epochs", 0);
  const std::string at = epochs > 0 ? " @" + std::to_string(epochs) + "ep" +
                                          (from > 0 ? " (from " + std::to_string(from) + ")" : "")
                                    : "";
  const std::string of = setup.multi_fidelity ? " | " + std::to_string(tally.epochs) + "/" +
                                                    std::to_string(setup.max_epochs_total) + " ep"
                                              : "/" + std::to_string(setup.budget);
  const std::string worker =
      trial.contains("worker") ? " [" + trial.at("worker").get<std::string>() + "]" : "";
  const int number = trial.at("trial").get<int>();
  const std::string arch = trial.at("arch").get<std::string>();
  char line[900];
  const std::string infeasible =
      trial.contains("violations") ? " INFEASIBLE: " + trial.at("violations").at(0).get<std::string>() : "";
  char best[64] = "best: none feasible yet";
  if (tally.incumbent.trial > 0)
    std::snprintf(best, sizeof best, "best %.2f%% (trial %d)", tally.incumbent.accuracy,
                  tally.incumbent.trial);
  if (trial.at("ok").get<bool>())
    std::snprintf(line, sizeof line, "[%2d%s]%s %6.2f%%  %s%s | %s | eval %.1fs, propose %.0f ms%s", number,
                  of.c_str(), at.c_str(), trial.at("accuracy").get<double>(), arch.c_str(),
                  infeasible.c_str(), best, trial.at("seconds").get<double>(),
                  1000 * trial.value("propose_seconds", 0.0), worker.c_str());
  else
    std::snprintf(line, sizeof line, "[%2d%s]%s FAILED  %s: %s%s", number, of.c_str(), at.c_str(),
                  arch.c_str(), trial.value("error", std::string("?")).c_str(), worker.c_str());
  return line;
}

std::string stop_reason(const SearchSettings& settings, const SearchSetup& setup, const SearchTally& tally) {
  if (setup.max_epochs_total > 0 && tally.epochs >= setup.max_epochs_total)
    return settings.max_epochs_total > 0
               ? "--max-epochs-total " + std::to_string(setup.max_epochs_total)
               : "the budget of " + std::to_string(setup.max_epochs_total) + " epochs (--budget " +
                     std::to_string(settings.budget) + " full evaluations)";
  return "--max-cost-seconds " + std::to_string(settings.max_cost_seconds);
}

std::string write_outputs(RunDirectory& run, const SearchSetup& setup, nlohmann::json& summary, bool plot) {
  if (!setup.multi_objective()) {
    run.write_outputs(summary);
    return "";
  }
  const ParetoReport report = pareto_report(run.trials(), setup.objectives, setup.reference, *setup.space);
  summary["pareto"] = pareto_json(report, run.trials(), setup.objectives, setup.reference);
  run.write_outputs(summary, report.hypervolume);
  return write_pareto_outputs(run.path(), report, run.trials(), setup.objectives, plot);
}

Observation record_trial(RunDirectory& run, const SearchSetup& setup, SearchTally& tally, size_t evaluations,
                         const nlohmann::json& trial,
                         const std::function<void(const std::string&)>& progress) {
  run.append_trial(trial);
  tally.add(trial);
  nlohmann::json summary = tally.summary(setup.effective, evaluations, run.trials());
  write_outputs(run, setup, summary, false);
  progress(progress_line(setup, trial, tally));
  return observation(setup, trial);
}

nlohmann::json finish_search(const SearchSettings& settings, const SearchSetup& setup, RunDirectory& run,
                             const SearchTally& tally, size_t evaluations,
                             const std::function<void(const std::string&)>& progress) {
  progress(run.plot());
  nlohmann::json summary = tally.summary(setup.effective, evaluations, run.trials());
  if (setup.multi_objective()) progress(write_outputs(run, setup, summary, true));
  if (!settings.final_preset.empty() && summary.contains("best_arch")) {
    summary["final"] = final_training(*setup.space, summary["best_arch"], setup.objective_settings,
                                      settings.final_preset, run, progress);
    write_outputs(run, setup, summary, false);
  }
  return summary;
}

}  // namespace tnas
