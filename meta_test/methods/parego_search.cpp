// parego: ParEGO (Knowles 2006). Every step draws weights uniformly from the simplex (seeded by the step),
// scales each objective to [0, 1] over the successful observations (1 = the best seen), and hands the model
// the augmented Chebyshev scalarization min_k w_k f_k + 0.05 sum_k w_k f_k (times 100, an accuracy-like
// scale) as each observation's value; the model (a single-objective GP method: NAS-BOWL's WL-kernel GP, or
// tnas's meta-learned one) proposes the configuration that maximizes it. A failed observation stays failed.
#include <cmath>

#include "basics/error.h"
#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

class ParEgoSearch final : public SearchMethod {
 public:
  ParEgoSearch(const SearchContext& context, std::unique_ptr<SearchMethod> model) : model_(std::move(model)) {
    if (context.objectives.size() < 2) throw Error("--method parego needs two or more --objectives");
  }
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const Arch a = model_->propose(scalarized(history, rng), rng);
    last_note = model_->last_note;
    last_seconds = model_->last_seconds;
    return a;
  }
  nlohmann::json describe() const override {
    return {{"method", "parego"}, {"rho", kRho}, {"model", model_->describe()}};
  }

 private:
  std::vector<Observation> scalarized(const std::vector<Observation>& history, Rng& rng) const {
    size_t m = 0;
    for (const auto& o : history) m = std::max(m, o.objectives.size());
    if (m == 0) return history;
    std::vector<double> w(m), lo(m, 1e300), hi(m, -1e300);
    double total = 0;
    for (auto& x : w)
      total += x = -std::log(1 - rng.uniform01());  // exponential draws, normalized: Dirichlet(1)
    for (auto& x : w) x /= total;
    for (const auto& o : history)
      for (size_t k = 0; k < o.objectives.size(); ++k)
        lo[k] = std::min(lo[k], o.objectives[k]), hi[k] = std::max(hi[k], o.objectives[k]);
    std::vector<Observation> s = history;
    for (auto& o : s) {
      if (!o.ok || o.objectives.size() != m) continue;
      double worst = 1e300, sum = 0;
      for (size_t k = 0; k < m; ++k) {
        const double f = hi[k] > lo[k] ? (o.objectives[k] - lo[k]) / (hi[k] - lo[k]) : 1.0;
        worst = std::min(worst, w[k] * f);
        sum += w[k] * f;
      }
      o.accuracy = 100 * (worst + kRho * sum);
    }
    return s;
  }

  static constexpr double kRho = 0.05;
  std::unique_ptr<SearchMethod> model_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_parego_search(const SearchContext& context,
                                                 std::unique_ptr<SearchMethod> model) {
  return std::make_unique<ParEgoSearch>(context, std::move(model));
}

}  // namespace tnas
