// --simulated-seconds: a table lookup that takes as long as a training run would, in proportion to the
// network's FLOPs, so that a parallel search's workers finish in a realistic, size-dependent order.
#include <algorithm>
#include <chrono>
#include <thread>

#include "basics/error.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

class SimulatedDuration final : public Objective {
 public:
  SimulatedDuration(std::unique_ptr<Objective> inner, const SearchSpace& space, double seconds,
                    double largest_flops)
      : inner_(std::move(inner)), space_(space), seconds_(seconds), largest_flops_(largest_flops) {}

  TrialResult evaluate(const TrialRequest& request) override {
    const auto start = std::chrono::steady_clock::now();
    TrialResult r = inner_->evaluate(request);
    const double wait = seconds_ * static_cast<double>(space_.cost(request.config).flops) / largest_flops_;
    std::this_thread::sleep_until(start + std::chrono::duration<double>(wait));
    r.cost.seconds = wait;
    return r;
  }
  nlohmann::json describe() const override {
    nlohmann::json j = inner_->describe();
    j["simulated_seconds"] = seconds_;
    return j;
  }
  bool reports_epochs() const override { return inner_->reports_epochs(); }
  std::vector<Arch> candidates() const override { return inner_->candidates(); }
  int max_epochs() const override { return inner_->max_epochs(); }
  std::optional<std::vector<std::string>> reported_metrics() const override {
    return inner_->reported_metrics();
  }

 private:
  std::unique_ptr<Objective> inner_;
  const SearchSpace& space_;
  double seconds_, largest_flops_;
};

}  // namespace

std::unique_ptr<Objective> simulate_durations(std::unique_ptr<Objective> inner, const SearchSpace& space,
                                              const std::vector<Arch>& pool, double seconds) {
  if (!(seconds > 0)) throw Error("--simulated-seconds must be > 0, got " + std::to_string(seconds));
  if (!inner->is_lookup())
    throw Error("--simulated-seconds: only a table objective can be slowed down, not " +
                inner->describe().value("kind", std::string("?")) + " (it takes its own time)");
  double largest = 0;
  for (const Arch& a : pool) largest = std::max(largest, static_cast<double>(space.cost(a).flops));
  if (!(largest > 0)) throw Error("--simulated-seconds: the pool's networks have no FLOPs to scale by");
  return std::make_unique<SimulatedDuration>(std::move(inner), space, seconds, largest);
}

}  // namespace tnas
