#include "meta_test/parallel/parallel_search.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "basics/liveness_lock.h"
#include "basics/rng.h"
#include "meta_test/parallel/trial_queue.h"
#include "meta_test/parallel/worker_pool.h"
#include "meta_test/search/search_setup.h"

namespace tnas {
namespace {

// The coordinator's view of the search: finished trials (by number) and the ones queued or running.
class Coordinator {
 public:
  Coordinator(const SearchSettings& settings, SearchSetup& setup, RunDirectory& run, TrialQueue& queue,
              const std::function<void(const std::string&)>& progress)
      : s_(settings), u_(setup), run_(run), queue_(queue), progress_(progress) {
    for (const auto& t : run.trials()) {
      finished_[t.at("trial").get<int>()] = observation(setup, t);
      tally_.add(t);
    }
    for (const auto& [number, o] : finished_) next_ = std::max(next_, number + 1);
    for (const auto& q : queue.list()) next_ = std::max(next_, q.trial + 1);
  }

  const SearchTally& tally() const { return tally_; }
  size_t evaluations() const { return finished_.size(); }
  size_t in_flight() const { return running_.size(); }

  // Finished trials from the queue into trials.jsonl (once each), released claims of dead workers, and what
  // is still running. Returns whether anything finished.
  bool collect() {
    bool any = false;
    running_.clear();
    for (const auto& q : queue_.list()) {
      if (!q.result) {
        running_.push_back(q);
        continue;
      }
      if (!finished_.count(q.trial))
        record(*q.result);  // (already there: the coordinator died before removing it)
      queue_.remove(q.trial);
      any = true;
    }
    for (const auto& q : queue_.release_orphans()) {
      const std::string what =
          "trial " + std::to_string(q.trial) + " (" + q.request.at("arch").get<std::string>() + ")";
      if (++lost_[q.trial] < kMaxLosses) {
        progress_("worker " + q.worker + " is gone: " + what + " runs again");
        continue;
      }
      // A trial that takes its worker down with it (a crash in the objective, memory) would do so forever.
      progress_("worker " + q.worker + " is gone: " + what + " has now lost " + std::to_string(kMaxLosses) +
                " workers: recorded as failed");
      const TrialResult failure = TrialResult::failure("its worker died " + std::to_string(kMaxLosses) +
                                                       " times while running it (last: " + q.worker + ")");
      record(trial_record(u_, u_.objectives, q.trial, proposal_from_json(*u_.space, q.request), failure, 0,
                          q.request.value("propose_seconds", 0.0)));
      queue_.remove(q.trial);
      running_.erase(std::remove_if(running_.begin(), running_.end(),
                                    [&](const QueuedTrial& r) { return r.trial == q.trial; }),
                     running_.end());
      any = true;
    }
    return any;
  }

  // Queues proposals until `workers` trials are in flight or the budget is spoken for; returns false once the
  // search can queue nothing more (budget spent, pool exhausted).
  bool fill(size_t workers) {
    while (running_.size() < workers) {
      if (!budget_left()) return false;
      Rng rng(s_.seed * 1000003ULL +
              static_cast<uint64_t>(next_ - 1));  // per trial number, as the sequential loop
      Proposal p;
      try {
        p = u_.method->propose_trial(history(), rng);
      } catch (const PoolExhausted& e) {
        if (!exhausted_) progress_(std::string(e.what()) + " or is being evaluated: no more proposals");
        exhausted_ = true;
        return false;
      } catch (const WaitForResults&) {
        return true;  // asked again after the next result
      }
      const nlohmann::json request = proposal_json(*u_.space, next_, p, u_.method->last_seconds);
      queue_.add(request);
      running_.push_back({next_++, request, "", std::nullopt});
    }
    return true;
  }

  bool stopped_by_budget() const {
    return !exhausted_ && !tally_.budget_left(s_.max_cost_seconds, u_.max_epochs_total);
  }

 private:
  void record(const nlohmann::json& trial) {
    const int number = trial.at("trial").get<int>();
    const size_t evaluations = finished_.size() + (finished_.count(number) ? 0 : 1);
    finished_[number] = record_trial(run_, u_, tally_, evaluations, trial, progress_);
  }

  bool budget_left() const {
    if (exhausted_) return false;
    std::vector<Proposal> in_flight;
    for (const auto& q : running_) in_flight.push_back(proposal_from_json(*u_.space, q.request));
    return trials_budget_left(s_, u_, tally_, finished_.size(), in_flight);
  }

  // Finished and running trials in trial order, the running ones pending.
  std::vector<Observation> history() const {
    std::map<int, Observation> by_number = finished_;
    for (const auto& q : running_)
      by_number[q.trial] = pending_observation(proposal_from_json(*u_.space, q.request));
    std::vector<Observation> h;
    for (auto& [number, o] : by_number) h.push_back(std::move(o));
    return h;
  }

  const SearchSettings& s_;
  SearchSetup& u_;
  RunDirectory& run_;
  TrialQueue& queue_;
  std::function<void(const std::string&)> progress_;
  static constexpr int kMaxLosses = 5;   // enough for preemptions, few enough for a crashing trial
  std::map<int, int> lost_;              // trial -> workers that died running it
  std::map<int, Observation> finished_;  // as the method sees them, by trial number
  std::vector<QueuedTrial> running_;
  SearchTally tally_;
  int next_ = 1;
  bool exhausted_ = false;
};

// What workers need to build the same blackbox: the search's command line and the folder it ran in.
void record_worker_command(const SearchSettings& settings) {
  if (settings.worker_command.empty() || settings.worker_executable.empty())
    throw Error("--workers: this program cannot start workers (no meta_test command line to give them)");
  write_text_atomically(settings.out + "/workers/command.json",
                        nlohmann::json{{"argv", settings.worker_command},
                                       {"working_directory", settings.working_directory},
                                       {"executable", settings.worker_executable}}
                                .dump(2) +
                            "\n");
}

}  // namespace

nlohmann::json run_parallel_search(const SearchSettings& settings,
                                   const std::function<void(const std::string&)>& progress) {
  SearchSetup u = set_up(settings, progress);
  RunDirectory run(settings.out, u.config, settings.force);
  if (!run.resume_note().empty()) progress(run.resume_note());
  TrialQueue queue(settings.out);
  const LivenessLock alive(queue.coordinator_lock_path());
  record_worker_command(settings);
  queue.reopen();
  Coordinator c(settings, u, run, queue, progress);
  c.collect();
  if (c.evaluations() > 0 || c.in_flight() > 0)
    progress("resuming " + settings.out + ": " + std::to_string(c.evaluations()) + " finished trials, " +
             std::to_string(c.in_flight()) + " queued or running");
  const auto pool = make_worker_pool(settings, settings.worker_executable, progress);
  progress(std::to_string(settings.workers) + " " + enum_name(settings.executor) + " workers; logs in " +
           settings.out + "/workers/");
  for (;;) {
    pool->maintain();
    const bool more = c.fill(static_cast<size_t>(settings.workers));
    if (!more && c.in_flight() == 0) break;
    if (!c.collect()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  queue.stop();
  pool->shut_down();
  if (c.stopped_by_budget())
    progress("stopped by " + stop_reason(settings, u, c.tally()) + " after " +
             std::to_string(c.evaluations()) + " evaluations");
  return finish_search(settings, u, run, c.tally(), c.evaluations(), progress);
}

}  // namespace tnas
