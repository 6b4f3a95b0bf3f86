#include "meta_test/objectives/objective.h"

#include <cmath>
#include <cstdio>

#include "basics/error.h"

namespace tnas {

std::unique_ptr<Objective> make_objective(const ObjectiveSettings& s, const SearchSpace& space) {
  if (s.spec == "train") return make_train_objective(s, space);
  if (s.spec.rfind("table-curves:", 0) == 0) return make_curve_table_objective(s.spec.substr(13), space);
  if (s.spec.rfind("table:", 0) == 0) {
    std::string rest = s.spec.substr(6), column = "test_acc";
    const size_t colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find('/', colon) == std::string::npos && colon + 1 < rest.size()) {
      column = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    return make_table_objective(rest, column, space);
  }
  if (s.spec.rfind("command:", 0) == 0)
    return make_command_objective(s.spec.substr(8), s.timeout_seconds, space);
  throw Error(
      "--objective must be train, table:FILE[:COLUMN], table-curves:FILE or command:'CMD {arch}', got '" +
      s.spec + "'");
}

// One trial, whatever happens in it: an exception (a torch error, CUDA out of memory, bad_alloc) or an
// accuracy outside [0, 100] (a broken objective, not a result: it would lead the search and the plot) is
// that trial's failure, with the reason.
TrialResult run_trial(Objective& objective, const TrialRequest& request) {
  TrialResult r;
  try {
    r = objective.evaluate(request);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    return TrialResult::failure(what.substr(0, what.find('\n')));  // LibTorch errors append a stack trace
  }
  if (!r.ok) return r;
  const auto it = r.metrics.find("accuracy");
  if (it == r.metrics.end()) return TrialResult::failure("the objective reported no accuracy");
  if (!(std::isfinite(it->second) && it->second >= 0 && it->second <= 100)) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "objective value %g is outside [0, 100]", it->second);
    return TrialResult::failure(reason);
  }
  return r;
}

}  // namespace tnas
