#include "meta_test/constraints/constraint.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "basics/error.h"
#include "basics/strict_number.h"

namespace tnas {

std::string Constraint::text() const {
  char number[32];
  std::snprintf(number, sizeof number, "%.10g", value);
  return metric.name + (bound == ConstraintBound::kAtMost ? "<=" : ">=") + number;
}

bool Constraint::known_in_advance() const { return metric.metric == "params" || metric.metric == "flops"; }

bool Constraint::caps_size() const {
  static const std::vector<std::string> growing = {"params", "flops", "latency_ms", "latency64_ms",
                                                   "memory_mb"};
  return bound == ConstraintBound::kAtMost &&
         std::find(growing.begin(), growing.end(), metric.metric) != growing.end();
}

bool Constraint::satisfied_by(double measured) const {
  return bound == ConstraintBound::kAtMost ? measured <= value : measured >= value;
}

Constraint parse_constraint(const std::string& text) {
  const auto fail = [&](const std::string& why) {
    return Error("--constraint '" + text + "': " + why + " (e.g. params<=2e6, latency<=5, acc>=60)");
  };
  size_t at = text.find("<=");
  ConstraintBound bound = ConstraintBound::kAtMost;
  if (at == std::string::npos) {
    at = text.find(">=");
    bound = ConstraintBound::kAtLeast;
  }
  if (at == std::string::npos) throw fail("give METRIC<=VALUE or METRIC>=VALUE");
  const std::string name = text.substr(0, at);
  if (name.empty() || name[0] == '-') throw fail("name a metric before the bound");
  const auto value = parse_finite_double(text.substr(at + 2));
  if (!value) throw fail("'" + text.substr(at + 2) + "' is not a finite number");
  return {parse_objectives(name).front(), bound, *value};
}

std::vector<Constraint> parse_constraints(const std::vector<std::string>& texts) {
  std::vector<Constraint> constraints;
  for (const std::string& text : texts) constraints.push_back(parse_constraint(text));
  return constraints;
}

namespace {

double known_value(const Constraint& constraint, const SearchSpace& space, const Arch& config) {
  const ArchCost cost = space.cost(config);
  return static_cast<double>(constraint.metric.metric == "params" ? cost.params : cost.flops);
}

}  // namespace

bool satisfies_known_constraints(const std::vector<Constraint>& constraints, const SearchSpace& space,
                                 const Arch& config) {
  for (const Constraint& c : constraints)
    if (c.known_in_advance() && !c.satisfied_by(known_value(c, space, config))) return false;
  return true;
}

std::vector<Arch> feasible_configurations(const std::vector<Constraint>& constraints,
                                          const SearchSpace& space, const std::vector<Arch>& pool) {
  std::vector<Arch> feasible;
  std::string known;
  for (const Constraint& c : constraints)
    if (c.known_in_advance()) known += (known.empty() ? "" : ", ") + c.text();
  if (known.empty()) return pool;
  for (const Arch& config : pool)
    if (satisfies_known_constraints(constraints, space, config)) feasible.push_back(config);
  if (feasible.empty())
    throw Error("--constraint " + known + ": none of the " + std::to_string(pool.size()) +
                " configurations of the pool satisfies it");
  return feasible;
}

std::vector<std::string> constraint_violations(const std::vector<Constraint>& constraints,
                                               const nlohmann::json& trial_record, const SearchSpace& space) {
  std::vector<std::string> violations;
  for (const Constraint& c : constraints) {
    // Size: always the space's cost model, as the pool was filtered (a trained network's own params, a
    // preset's narrower network, would be another quantity).
    std::optional<std::vector<double>> value;
    if (c.known_in_advance())
      value =
          std::vector<double>{known_value(c, space, space.parse(trial_record.at("arch").get<std::string>()))};
    else
      value = objective_values({c.metric}, trial_record, space);
    if (!value) {
      violations.push_back(c.text() + " (not measured)");
    } else if (!c.satisfied_by(value->front())) {
      char measured[48];
      std::snprintf(measured, sizeof measured, " (measured %.6g)", value->front());
      violations.push_back(c.text() + measured);
    }
  }
  return violations;
}

std::vector<double> measured_constraint_slacks(const std::vector<Constraint>& constraints,
                                               const nlohmann::json& trial_record, const SearchSpace& space) {
  std::vector<double> slacks;
  for (const Constraint& c : constraints) {
    if (c.known_in_advance()) continue;
    const std::optional<std::vector<double>> value = objective_values({c.metric}, trial_record, space);
    if (!value)
      slacks.push_back(std::numeric_limits<double>::quiet_NaN());
    else
      slacks.push_back(c.bound == ConstraintBound::kAtMost ? c.value - value->front()
                                                           : value->front() - c.value);
  }
  return slacks;
}

}  // namespace tnas
