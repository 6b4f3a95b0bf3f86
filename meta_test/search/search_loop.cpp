#include "meta_test/search/search_loop.h"

#include <chrono>

#include "basics/error.h"
#include "basics/memory_scope.h"
#include "meta_test/parallel/parallel_search.h"
#include "meta_test/parallel/trial_queue.h"
#include "meta_test/search/search_session.h"
#include "models/runtime/runtime.h"

namespace tnas {

namespace {

void validate(const SearchSettings& settings) {
  // Local workers are processes on this machine: more than a few per core only thrash it (10,000 made the
  // load 116 and finished nothing). Slurm's are jobs elsewhere; a thousand is already a large allocation.
  const bool slurm = settings.executor == Executor::kSlurm;
  const int most_workers = slurm ? 1000 : 4 * available_cores();
  if (settings.workers < 1 || settings.workers > most_workers)
    throw Error("--workers must be in 1.." + std::to_string(most_workers) +
                (slurm ? "" : " (4 x the cores here)") + ", got " + std::to_string(settings.workers));
  if (find_objective_kind(settings.objective.spec).kind == "external")
    throw Error(
        "--objective external: its trials are evaluated by the program that asks and tells them "
        "(include/tnas/ask_tell.h, Python); meta_test search evaluates with train, table, "
        "table-curves or command");
}

// One evaluation at a time, in this process: ask -> evaluate -> tell (meta_test/search/search_session.h).
nlohmann::json run_sequential_search(const SearchSettings& settings,
                                     const std::function<void(const std::string&)>& progress) {
  SearchSession session(settings, progress);
  while (const auto trial = session.ask()) {
    const auto start = std::chrono::steady_clock::now();
    const TrialResult outcome = run_trial(*session.setup().objective, trial->request);
    session.tell(trial->number, outcome,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return session.finish();
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
