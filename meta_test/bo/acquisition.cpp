#include "meta_test/bo/acquisition.h"

#include <algorithm>
#include <cmath>

#include "basics/error.h"

namespace tnas {
namespace {
double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
}  // namespace

double log_expected_improvement(double mean, double sd, double best) {
  const double z = (mean - best) / sd;
  if (z > -6) return std::log(std::max(1e-300, sd * (z * normal_cdf(z) + normal_pdf(z))));
  return std::log(sd) - 0.5 * z * z - 0.5 * std::log(2 * M_PI) - 2 * std::log(-z);
}

template <>
const EnumNames<Acquisition::Kind>& enum_names<Acquisition::Kind>() {
  static const EnumNames<Acquisition::Kind> names = {{Acquisition::Kind::kExpectedImprovement, "ei"},
                                                     {Acquisition::Kind::kUpperConfidenceBound, "ucb"}};
  return names;
}

Acquisition::Acquisition(Kind kind, double ucb_beta)
    : ucb_(kind == Kind::kUpperConfidenceBound), beta_(ucb_beta) {}

double Acquisition::operator()(double mean, double sd, double best) const {
  return ucb_ ? mean + beta_ * sd : log_expected_improvement(mean, sd, best);
}

double Acquisition::in_accuracy_units(double value, double shift, double scale) const {
  return ucb_ ? shift + scale * value : value + std::log(scale);
}

double Acquisition::average(const std::vector<double>& values) const {
  if (values.empty()) throw Error("acquisition: an average of no values");
  const double top = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += ucb_ ? v : std::exp(v - top);
  return ucb_ ? sum / values.size() : top + std::log(sum / values.size());
}

nlohmann::json Acquisition::describe() const {
  return ucb_ ? nlohmann::json{{"kind", "ucb"}, {"beta", beta_}} : nlohmann::json{{"kind", "ei"}};
}

}  // namespace tnas
