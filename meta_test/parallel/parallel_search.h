#pragma once
// A search with several evaluations in flight (--workers N, --executor local|slurm): the coordinator (this
// process) proposes, N worker processes evaluate (meta_test/parallel/trial_worker.h), and the run directory
// is the state they share (meta_test/parallel/trial_queue.h). Asynchronous: as soon as a worker's trial
// finishes, its record goes to trials.jsonl (in the order trials finish) and a new proposal is queued, made
// with the running trials as pending observations (ProposalSettings::pending). A worker that dies loses only
// its own trial, which runs again; the coordinator, killed and restarted with the same command, continues
// with what was finished and what was still queued or running: no trial is lost or recorded twice. Proposals
// depend on which trials finished first, so a parallel search is not repeatable trial by trial as a
// sequential one is.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "meta_test/search/search_loop.h"

namespace tnas {

nlohmann::json run_parallel_search(const SearchSettings& settings,
                                   const std::function<void(const std::string&)>& progress);

}  // namespace tnas
