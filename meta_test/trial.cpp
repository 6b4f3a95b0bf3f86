#include "meta_test/trial.h"

#include "graphs/error.h"

namespace tnas {

double TrialResult::accuracy() const {
  const auto it = metrics.find("accuracy");
  if (it == metrics.end()) throw Error("a trial result without an \"accuracy\" metric");
  return it->second;
}

TrialResult TrialResult::failure(std::string reason) {
  TrialResult r;
  r.error = std::move(reason);
  return r;
}

}  // namespace tnas
