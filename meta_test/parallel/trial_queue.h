#pragma once
// The shared state of a parallel search, in its run directory, so that any number of worker processes (on
// this machine or Slurm nodes sharing the folder) and a coordinator that may be killed and restarted agree on
// what runs where:
//   queue/NNNNNN.json         trial NNNNNN's request (the coordinator's proposal)
//   queue/NNNNNN.claim        who runs it (a worker's name and process), written when it claims the trial
//   queue/NNNNNN.result.json  its finished trials.jsonl record, written by the worker
//   queue/stop                the search has ended: workers exit
//   workers/ID.lock           held by worker ID while it lives (basics/liveness_lock.h)
//   workers/coordinator.lock  held by the coordinator while it lives
// Every change happens under flock on queue/.lock and every file is written atomically, so a process killed
// at any moment leaves either the old or the new state. A trial leaves the queue only after the coordinator
// has appended its record to trials.jsonl (and a record already there is never appended again), so no trial
// is lost or recorded twice; a claim whose worker has died is released and the trial runs again elsewhere.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tnas {

struct QueuedTrial {
  int trial = 0;
  nlohmann::json request;
  std::string worker;                    // who claimed it; "" while unclaimed
  std::optional<nlohmann::json> result;  // its record, once finished
};

class TrialQueue {
 public:
  explicit TrialQueue(std::string run_dir);  // creates run_dir/queue and run_dir/workers

  // How many trials run_dir's queue holds (0 when it has none); creates nothing.
  static size_t queued_trials(const std::string& run_dir);
  std::string worker_lock_path(const std::string& worker) const;
  std::string coordinator_lock_path() const;

  // Coordinator.
  void add(const nlohmann::json& request);  // request["trial"] numbers it
  std::vector<QueuedTrial> list() const;    // by trial number
  void remove(int trial);                   // once its record is in trials.jsonl
  // Claims without a result whose worker no longer holds its lock: released (unclaimed again), returned.
  std::vector<QueuedTrial> release_orphans();
  void stop();    // the search has ended
  void reopen();  // a resumed search: workers may run again

  // Worker.
  bool stopped() const;
  // The lowest-numbered unclaimed trial, now claimed by `worker`; nullopt when there is none.
  std::optional<QueuedTrial> claim(const std::string& worker);
  void finish(int trial, const nlohmann::json& record);

 private:
  std::string file(int trial, const char* suffix) const;
  std::string run_dir_, queue_;
};

}  // namespace tnas
