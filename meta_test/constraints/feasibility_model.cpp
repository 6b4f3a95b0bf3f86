#include "meta_test/constraints/feasibility_model.h"

#include <cmath>

namespace tnas {

std::vector<double> FeasibilityModel::log_probability(const std::vector<Observation>& history,
                                                      const std::vector<long>& candidates) {
  std::vector<double> log_p(candidates.size(), 0.0);
  size_t constraints = 0;
  for (const Observation& o : history) constraints = std::max(constraints, o.constraint_slacks.size());
  for (size_t k = 0; k < constraints; ++k) {
    std::vector<long> rows;
    std::vector<double> slacks;
    for (const Observation& o : history)
      if (k < o.constraint_slacks.size() && std::isfinite(o.constraint_slacks[k]))
        if (const long row = pool_.find(o.config); row >= 0)
          rows.push_back(row), slacks.push_back(o.constraint_slacks[k]);
    if (rows.size() < 2) continue;
    const double n = static_cast<double>(slacks.size());
    double mean = 0, variance = 0;
    for (double s : slacks) mean += s / n;
    for (double s : slacks) variance += (s - mean) * (s - mean) / n;
    const auto gp = fit_additive_gp(standardized(slacks), {wl_.family(rows, candidates, {1.0})},
                                    {1e-3, 1e-2, 1e-1, 3e-1});
    // Slack 0 in the standardized units the GP was fitted in (as standardized(): sd 1 when all are equal).
    const double zero = -mean / (variance > 1e-12 ? std::sqrt(variance) : 1.0);
    for (size_t c = 0; c < candidates.size(); ++c) {
      const double z =
          (gp.mean(static_cast<long>(c)) - zero) / std::sqrt(gp.variance(static_cast<long>(c)) + 1e-12);
      log_p[c] += std::log(std::max(0.5 * std::erfc(-z / std::sqrt(2.0)), 1e-300));
    }
  }
  return log_p;
}

}  // namespace tnas
