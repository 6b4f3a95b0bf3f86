#pragma once
// The multi-objective view of a run directory's trials: the non-dominated trials (the Pareto front found so
// far) and the hypervolume after every trial, in the objectives' reported units against a fixed reference
// point (config.json). Written as pareto.csv and pareto.png beside trials.jsonl, reprinted by `meta_test
// pareto`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meta_test/multi_objective/objective_set.h"

namespace tnas {

struct ParetoReport {
  std::vector<size_t> front;                // indices into the trials, in trial order
  std::vector<std::vector<double>> values;  // per trial, reported units (empty for a failed trial)
  std::vector<double> hypervolume;          // after each trial
};

ParetoReport pareto_report(const std::vector<nlohmann::json>& trials, const std::vector<ObjectiveSpec>& specs,
                           const std::vector<double>& reference, const SearchSpace& space);

// {"objectives", "reference_point", "hypervolume", "front": [{trial, arch, <objective>: value}...]}
nlohmann::json pareto_json(const ParetoReport& report, const std::vector<nlohmann::json>& trials,
                           const std::vector<ObjectiveSpec>& specs, const std::vector<double>& reference);

// dir/pareto.csv (the front: trial, arch, one column per objective), written atomically, and dir/pareto.png
// (with `plot`: the first two objectives, every trial and the front marked; gnuplot, when installed). Returns
// what became of the plot.
std::string write_pareto_outputs(const std::string& dir, const ParetoReport& report,
                                 const std::vector<nlohmann::json>& trials,
                                 const std::vector<ObjectiveSpec>& specs, bool plot);

}  // namespace tnas
