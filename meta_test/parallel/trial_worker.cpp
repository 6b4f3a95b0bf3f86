#include "meta_test/parallel/trial_worker.h"

#include <chrono>
#include <ctime>
#include <thread>

#include "basics/liveness_lock.h"
#include "meta_test/multi_objective/objective_set.h"
#include "meta_test/parallel/trial_queue.h"
#include "meta_test/search/search_setup.h"

namespace tnas {

int run_trial_worker(const SearchSettings& settings, const std::string& id,
                     const std::function<void(const std::string&)>& progress) {
  TrialQueue queue(settings.out);
  const LivenessLock alive(
      queue.worker_lock_path(id));  // before the first claim: a claim's holder is always visible
  const SearchBlackbox b = make_search_blackbox(settings);
  const std::vector<ObjectiveSpec>& objectives = settings.objectives;
  progress("worker " + id + " (" + process_name() + ") ready on " + settings.out);
  int finished = 0;
  while (!queue.stopped()) {
    const auto q = queue.claim(id);
    if (!q) {
      if (!is_alive(queue.coordinator_lock_path())) break;  // nothing queued and nobody to queue more
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    const Proposal p = proposal_from_json(*b.space, q->request);
    const auto start = std::chrono::steady_clock::now();
    const TrialResult outcome = run_trial(*b.objective, trial_request(settings, b, q->trial, p));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json record =
        trial_record(b, objectives, q->trial, p, outcome, seconds, q->request.value("propose_seconds", 0.0));
    record["worker"] = id;
    record["finished_at"] = static_cast<double>(std::time(nullptr));
    queue.finish(q->trial, record);
    ++finished;
    progress("trial " + std::to_string(q->trial) + " " +
             (outcome.ok ? "finished" : "failed: " + outcome.error) + " in " + std::to_string(seconds) +
             " s");
  }
  progress("worker " + id + " done: " + std::to_string(finished) + " trials");
  return finished;
}

}  // namespace tnas
