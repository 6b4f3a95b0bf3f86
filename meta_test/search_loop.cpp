#include "meta_test/search_loop.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "graphs/error.h"
#include "graphs/memory_scope.h"
#include "graphs/search_space_factory.h"
#include "meta_test/final_training.h"
#include "meta_test/run_directory.h"
#include "models/runtime.h"

namespace tnas {

namespace {

// What the trials so far add up to: time, cost and the incumbent (from trials.jsonl records).
struct SearchTally {
  double best = -1e300, elapsed = 0, cost = 0;  // cost: seconds spent in evaluations
  long epochs = 0;                               // training epochs the evaluations cost
  std::string best_arch;
  int best_trial = 0;

  void add(const nlohmann::json& t) {
    elapsed += t.value("seconds", 0.0) + t.value("propose_seconds", 0.0);
    cost += t.value("seconds", 0.0);
    epochs += t.value("epochs", 0L);
    if (t.at("ok") && t.at("accuracy").get<double>() > best) {
      best = t.at("accuracy");
      best_arch = t.at("arch");
      best_trial = t.at("trial");
    }
  }
  bool budget_left(const SearchSettings& s) const {
    return (s.max_cost_seconds <= 0 || cost < s.max_cost_seconds) && (s.max_epochs_total <= 0 || epochs < s.max_epochs_total);
  }
  nlohmann::json summary(const SearchSettings& s, int budget, size_t evaluations, const std::vector<nlohmann::json>& trials) const {
    nlohmann::json j = {{"method", s.method}, {"evaluations", evaluations}, {"budget", budget},
                        {"seconds", elapsed}, {"cost_seconds", cost}, {"cost_epochs", epochs}, {"seed", s.seed}, {"run_directory", s.out}};
    if (s.max_cost_seconds > 0) j["max_cost_seconds"] = s.max_cost_seconds;
    if (s.max_epochs_total > 0) j["max_epochs_total"] = s.max_epochs_total;
    if (best > -1e300) {
      j["best_arch"] = best_arch;
      j["best_accuracy"] = best;
      j["best_trial"] = best_trial;
      for (const auto& t : trials)
        if (t.at("trial") == best_trial && t.contains("details")) j["best_details"] = t.at("details");
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

// The trials.jsonl record of trial i and its progress line.
nlohmann::json trial_record(int i, const std::string& text, const TrialResult& outcome, double seconds, const SearchMethod& method) {
  nlohmann::json trial = {{"trial", i + 1}, {"arch", text}, {"ok", outcome.ok}, {"seconds", seconds}, {"propose_seconds", method.last_seconds}};
  if (outcome.ok) trial["accuracy"] = outcome.accuracy();
  else trial["error"] = outcome.error;
  if (outcome.metrics.size() > 1) trial["metrics"] = outcome.metrics;
  if (outcome.cost.epochs > 0) trial["epochs"] = outcome.cost.epochs;
  if (!outcome.details.is_null()) trial["details"] = outcome.details;
  if (!method.last_note.empty()) trial["proposal"] = method.last_note;
  return trial;
}

std::string progress_line(int i, int budget, const std::string& text, const TrialResult& outcome, const SearchTally& tally,
                          double seconds, const SearchMethod& method) {
  char line[512];
  if (outcome.ok)
    std::snprintf(line, sizeof line, "[%2d/%d] %6.2f%%  %s | best %.2f%% (trial %d) | eval %.1fs, propose %.0f ms", i + 1, budget,
                  outcome.accuracy(), text.c_str(), tally.best, tally.best_trial, seconds, 1000 * method.last_seconds);
  else
    std::snprintf(line, sizeof line, "[%2d/%d] FAILED  %s: %s", i + 1, budget, text.c_str(), outcome.error.c_str());
  return line;
}

}  // namespace

nlohmann::json run_search(const SearchSettings& s, const std::function<void(const std::string&)>& progress) {
  validate(s);
  const MemoryScope scope("searching with " + s.method);
  const std::unique_ptr<SearchSpace> space_owner = make_search_space(s.space);
  const SearchSpace& space = *space_owner;
  const bool sampled = pool_is_sampled(space);
  const std::vector<Arch> pool = draw_pool(space, {s.dedupe, s.pool_size, s.seed});
  // More evaluations than cells cannot happen (no cell is evaluated twice): capped, and said.
  const int budget = static_cast<int>(std::min<size_t>(static_cast<size_t>(s.budget), pool.size()));
  if (budget < s.budget)
    progress("--budget " + std::to_string(s.budget) + " is more than the " + std::to_string(pool.size()) +
             " cells of the pool: capped at " + std::to_string(budget));
  ObjectiveSettings objective_settings = s.objective;
  objective_settings.seed = s.seed;
  auto objective = make_objective(objective_settings, space);
  if (s.max_epochs_total > 0 && !objective->reports_epochs())
    throw Error("--max-epochs-total: the " + objective->describe().value("kind", std::string("?")) +
                " objective trains nothing (use --budget or --max-cost-seconds)");
  auto method = make_search_method(s.method, {&space, pool, s.seed}, s.bo);

  const nlohmann::json pool_config = sampled ? nlohmann::json{{"size", pool.size()}, {"sampled_from", space.size()}, {"seed", s.seed}}
                                             : nlohmann::json{{"size", pool.size()}, {"dedupe_by_iso_key", s.dedupe}};
  const nlohmann::json config = {{"space", space.name()}, {"method", method->describe()}, {"objective", objective->describe()},
                                 {"budget", budget}, {"max_cost_seconds", s.max_cost_seconds}, {"max_epochs_total", s.max_epochs_total},
                                 {"seed", s.seed}, {"pool", pool_config}, {"versions", runtime_versions()}};
  RunDirectory run(s.out, config, s.force);
  std::vector<Observation> history;
  SearchTally tally;
  for (const auto& t : run.trials()) {
    history.push_back({space.parse(t.at("arch").get<std::string>()), t.value("accuracy", 0.0), t.at("ok").get<bool>()});
    tally.add(t);
  }
  if (!history.empty())
    progress("resuming " + s.out + ": " + std::to_string(history.size()) + " finished trials replayed");

  for (int i = static_cast<int>(history.size()); i < budget && tally.budget_left(s); ++i) {
    Rng rng(s.seed * 1000003ULL + static_cast<uint64_t>(i));  // per step: a replayed history proposes the same
    const Arch config = method->propose(history, rng);
    const std::string text = space.format(config);
    const auto start = std::chrono::steady_clock::now();
    const TrialResult outcome = run_trial(*objective, {config, Fidelity{}, s.seed * 1000ULL + static_cast<uint64_t>(i)});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::json trial = trial_record(i, text, outcome, seconds, *method);
    run.append_trial(trial);
    history.push_back({config, outcome.ok ? outcome.accuracy() : 0, outcome.ok});
    tally.add(trial);
    run.write_outputs(tally.summary(s, budget, history.size(), run.trials()));
    progress(progress_line(i, budget, text, outcome, tally, seconds, *method));
  }
  if (!tally.budget_left(s))
    progress((s.max_epochs_total > 0 && tally.epochs >= s.max_epochs_total ? "stopped by --max-epochs-total " + std::to_string(s.max_epochs_total)
                                                                            : "stopped by --max-cost-seconds " + std::to_string(s.max_cost_seconds)) +
             " after " + std::to_string(history.size()) + " evaluations");
  progress(run.plot());
  nlohmann::json summary = tally.summary(s, budget, history.size(), run.trials());
  if (!s.final_preset.empty() && summary.contains("best_arch")) {
    summary["final"] = final_training(space, summary["best_arch"], objective_settings, s.final_preset, run, progress);
    run.write_outputs(summary);
  }
  return summary;
}

}  // namespace tnas
