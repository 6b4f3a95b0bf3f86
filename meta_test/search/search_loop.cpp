#include "meta_test/search/search_loop.h"

#include <chrono>

#include "basics/error.h"
#include "basics/memory_scope.h"
#include "basics/rng.h"
#include "meta_test/parallel/parallel_search.h"
#include "meta_test/parallel/trial_queue.h"
#include "meta_test/search/final_training.h"
#include "meta_test/search/search_setup.h"
#include "models/runtime/runtime.h"

namespace tnas {

namespace {

void validate(const SearchSettings& settings) {
  if (settings.budget < 1) throw Error("--budget must be >= 1, got " + std::to_string(settings.budget));
  if (!(settings.max_cost_seconds >= 0))
    throw Error("--max-cost-seconds must be >= 0, got " + std::to_string(settings.max_cost_seconds));
  if (settings.max_epochs_total < 0)
    throw Error("--max-epochs-total must be >= 0, got " + std::to_string(settings.max_epochs_total));
  if (settings.objective.timeout_seconds <= 0)
    throw Error("--timeout must be > 0 seconds, got " + std::to_string(settings.objective.timeout_seconds));
  if (!(settings.simulated_seconds >= 0))
    throw Error("--simulated-seconds must be >= 0, got " + std::to_string(settings.simulated_seconds));
  // Local workers are processes on this machine: more than a few per core only thrash it (10,000 made the
  // load 116 and finished nothing). Slurm's are jobs elsewhere; a thousand is already a large allocation.
  const bool slurm = settings.executor == Executor::kSlurm;
  const int most_workers = slurm ? 1000 : 4 * available_cores();
  if (settings.workers < 1 || settings.workers > most_workers)
    throw Error("--workers must be in 1.." + std::to_string(most_workers) +
                (slurm ? "" : " (4 x the cores here)") + ", got " + std::to_string(settings.workers));
  if (settings.out.empty()) throw Error("missing --out DIR");
  if (!settings.final_preset.empty())
    resolve_final_preset(settings.final_preset, settings.objective.spec);  // before any trial
}

// One evaluation at a time, in this process: propose -> evaluate -> record. The proposal of step i depends on
// the history and a per-step seed only, so a replayed history proposes exactly what the uninterrupted run
// did.
nlohmann::json run_sequential_search(const SearchSettings& settings,
                                     const std::function<void(const std::string&)>& progress) {
  SearchSetup u = set_up(settings, progress);
  RunDirectory run(settings.out, u.config, settings.force);
  if (!run.resume_note().empty()) progress(run.resume_note());
  std::vector<Observation> history;
  SearchTally tally;
  for (const auto& t : run.trials()) {
    history.push_back(observation(u, t));
    tally.add(t);
  }
  if (!history.empty())
    progress("resuming " + settings.out + ": " + std::to_string(history.size()) +
             " finished trials replayed");

  bool exhausted = false;
  for (int i = static_cast<int>(history.size());
       i < u.budget && tally.budget_left(settings.max_cost_seconds, u.max_epochs_total); ++i) {
    Rng rng(settings.seed * 1000003ULL +
            static_cast<uint64_t>(i));  // per step: a replayed history proposes the same
    Proposal p;
    try {
      p = u.method->propose_trial(history, rng);
    } catch (const PoolExhausted& e) {
      exhausted = true;
      progress(std::string(e.what()) + ": the search ends after " + std::to_string(history.size()) +
               " trials");
      break;
    }
    const auto start = std::chrono::steady_clock::now();
    const TrialResult outcome = run_trial(*u.objective, trial_request(settings, u, i + 1, p));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::json trial =
        trial_record(u, u.objectives, i + 1, p, outcome, seconds, u.method->last_seconds);
    history.push_back(record_trial(run, u, tally, history.size() + 1, trial, progress));
  }
  if (!exhausted && !tally.budget_left(settings.max_cost_seconds, u.max_epochs_total))
    progress("stopped by " + stop_reason(settings, u, tally) + " after " + std::to_string(history.size()) +
             " evaluations");
  return finish_search(settings, u, run, tally, history.size(), progress);
}

}  // namespace

nlohmann::json run_search(const SearchSettings& settings,
                          const std::function<void(const std::string&)>& progress) {
  validate(settings);
  const MemoryScope scope("searching with " + settings.method);
  // A parallel search's queue still holding trials (it was killed) is resumed by the parallel loop, with
  // whatever --workers, one included: the queued trials are finished, not lost.
  if (settings.workers > 1 || settings.executor == Executor::kSlurm ||
      TrialQueue::queued_trials(settings.out) > 0)
    return run_parallel_search(settings, progress);
  return run_sequential_search(settings, progress);
}

}  // namespace tnas
