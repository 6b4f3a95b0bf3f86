#pragma once
// Acquisition functions of the model-based methods: a value per candidate from the posterior mean and
// standard deviation (in standardized units) and the best standardized observation so far.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/enum_names.h"

namespace tnas {

class Acquisition {
 public:
  // log Expected Improvement ("ei", stable far below the incumbent) or mean + beta * sd ("ucb").
  enum class Kind { kExpectedImprovement, kUpperConfidenceBound };
  Acquisition(Kind kind, double ucb_beta);
  double operator()(double mean, double sd, double best) const;
  // A value of operator() for a model standardized as accuracy = shift + scale * standardized, in accuracy
  // units (log EI: log points; UCB: points), so that values of differently standardized models compare.
  double in_accuracy_units(double value, double shift, double scale) const;
  // The mean of such values over models (log EI: the log of the mean EI).
  double average(const std::vector<double>& values) const;
  nlohmann::json describe() const;

 private:
  bool ucb_;
  double beta_;
};

template <>
const EnumNames<Acquisition::Kind>& enum_names<Acquisition::Kind>();

// log EI, with the asymptotic expansion of the Mills ratio for z << 0 (never -inf or NaN for sd > 0).
double log_expected_improvement(double mean, double sd, double best);

}  // namespace tnas
