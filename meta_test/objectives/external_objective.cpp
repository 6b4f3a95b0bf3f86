// external: trials evaluated by the program that drives the search through the ask/tell API
// (include/tnas/ask_tell.h): it asks for a trial, evaluates it however it likes and tells the result. The
// search never evaluates one itself, so meta_test search refuses this objective (search_loop.cpp).
#include "basics/error.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

class ExternalObjective final : public Objective {
 public:
  TrialResult evaluate(const TrialRequest&) override {
    throw Error(
        "--objective external: trials are evaluated by the caller of the ask/tell API, not by the search");
  }
  nlohmann::json describe() const override { return {{"kind", "external"}}; }
  bool reports_epochs() const override { return true; }  // when the caller tells them
};

}  // namespace

std::unique_ptr<Objective> make_external_objective() { return std::make_unique<ExternalObjective>(); }

}  // namespace tnas
