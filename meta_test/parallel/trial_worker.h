#pragma once
// A worker of a parallel search: claims the run directory's queued trials one at a time (meta_test/
// trial_queue.h), evaluates each with the search's blackbox and writes its record back. It ends when the
// search says stop, or when nothing is left to claim and no coordinator is alive (a killed coordinator's
// workers finish what was queued, which the resumed search records). Killed at any moment, it loses only
// the trial it was running, which the coordinator gives to another worker.
#include <functional>
#include <string>

#include "meta_test/search/search_loop.h"

namespace tnas {

// Returns how many trials it finished. Throws tnas::Error when the blackbox cannot be built.
int run_trial_worker(const SearchSettings& settings, const std::string& id,
                     const std::function<void(const std::string&)>& progress);

}  // namespace tnas
