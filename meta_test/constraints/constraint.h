#pragma once
// What a feasible configuration must satisfy (--constraint 'params<=2e6', 'latency<=5', 'acc>=60'): a bound
// on one metric, named as --objectives names them (meta_test/multi_objective/objective_set.h). Constraints on
// the network's size (params, flops) are known before any evaluation: the candidate pool holds only
// configurations that satisfy them. The others are measured: a trial that violates one is recorded as
// infeasible (with the violations), the methods treat it as a failed trial, and neither the incumbent nor the
// Pareto front is ever an infeasible trial.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"
#include "meta_test/multi_objective/objective_set.h"

namespace tnas {

enum class ConstraintBound { kAtMost, kAtLeast };

struct Constraint {
  ObjectiveSpec metric;  // the metric (its direction is not used)
  ConstraintBound bound = ConstraintBound::kAtMost;
  double value = 0;

  std::string text() const;  // "params<=2000000"
  // params and flops: from the space's cost model, known before the configuration is evaluated.
  bool known_in_advance() const;
  // An upper bound on a metric that grows with the network (params, flops, latency, latency64, memory).
  bool caps_size() const;
  bool satisfied_by(double measured) const;
};

// "METRIC<=VALUE" or "METRIC>=VALUE". Throws tnas::Error naming the text for anything else.
Constraint parse_constraint(const std::string& text);
std::vector<Constraint> parse_constraints(const std::vector<std::string>& texts);

// Whether `config` satisfies every constraint known in advance (params, FLOPs); true without such
// constraints.
bool satisfies_known_constraints(const std::vector<Constraint>& constraints, const SearchSpace& space,
                                 const Arch& config);
// The configurations of `pool` that satisfy every constraint known in advance, in their order. Throws
// tnas::Error naming the constraints when none does.
std::vector<Arch> feasible_configurations(const std::vector<Constraint>& constraints,
                                          const SearchSpace& space, const std::vector<Arch>& pool);

// What a successful trial's record violates, e.g. "latency<=5 (measured 7.2)" or "latency<=5 (not
// measured)"; empty when it is feasible.
std::vector<std::string> constraint_violations(const std::vector<Constraint>& constraints,
                                               const nlohmann::json& trial_record, const SearchSpace& space);

// A successful trial's slack on each constraint that is measured (not known in advance), in their order:
// bound - value for <=, value - bound for >= (negative: violated), NaN when the trial did not measure it.
// Empty when no constraint is measured.
std::vector<double> measured_constraint_slacks(const std::vector<Constraint>& constraints,
                                               const nlohmann::json& trial_record, const SearchSpace& space);

// Whether a trials.jsonl record is a feasible success (records without "feasible" are: no constraints).
inline bool feasible_success(const nlohmann::json& trial_record) {
  return trial_record.at("ok").get<bool>() && trial_record.value("feasible", true);
}

}  // namespace tnas
