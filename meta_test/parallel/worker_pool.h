#pragma once
// Where a parallel search's workers run (`meta_test worker RUN_DIR --id ID`,
// meta_test/parallel/trial_worker.h):
//   local  child processes of the coordinator, each logging to RUN_DIR/workers/ID.log
//   slurm  one sbatch job each (--sbatch-args added), logging to RUN_DIR/workers/slurm-JOBID.log
// The pool keeps its number of workers running: a worker that ends while the search runs (killed, preempted,
// its node lost) is replaced. A worker that fails by itself (a non-zero exit: its settings or data are bad)
// would fail again: that ends the search with the worker's last line.
#include <functional>
#include <memory>
#include <string>

#include "meta_test/search/search_loop.h"

namespace tnas {

class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  // Starts the missing workers (at first: all of them) and replaces those that ended. Throws tnas::Error when
  // workers fail by themselves, or cannot be started.
  virtual void maintain() = 0;
  // The search has ended (the queue says stop): waits a moment for the workers to exit, then ends the rest.
  virtual void shut_down() = 0;
};

// `executable` is meta_test's own path. Throws tnas::Error for an unknown executor or slurm without sbatch.
std::unique_ptr<WorkerPool> make_worker_pool(const SearchSettings& settings, const std::string& executable,
                                             const std::function<void(const std::string&)>& progress);

}  // namespace tnas
