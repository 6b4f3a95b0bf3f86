#pragma once
// What a multi-objective search optimizes (--objectives acc,params): each objective a named metric of the
// trial and its direction. Known names: acc (validation accuracy, maximized), params and flops (the network's
// size, minimized; exact from the space's cost model when the trial does not report them), fairness (the
// train objective's fairness_gap: the best group's validation accuracy minus the worst's, minimized), latency
// and latency64 (inference ms per image at batch 1 and 64 on the search's device, minimized), calibration
// (the train objective's expected calibration error of its validation predictions, percent, minimized),
// robustness (its validation accuracy under fixed corruptions, models/trainer/corruptions.h, maximized). Any
// other name is a metric the objective reports (a command prints it in its JSON line), maximized, or
// minimized when written with a leading '-' (e.g. -latency_ms).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"
#include "meta_test/multi_objective/pareto.h"

namespace tnas {

struct ObjectiveSpec {
  std::string name;    // as given, without the sign
  std::string metric;  // the trial metric it reads ("accuracy" for acc)
  bool maximize = true;
};

// Throws tnas::Error for an empty list, an empty or repeated name.
std::vector<ObjectiveSpec> parse_objectives(const std::string& text);

// The trial's values in the specs' order, as reported (not negated); params and flops from `space`'s cost
// model when the metrics lack them. nullopt when the trial failed or lacks a metric.
std::optional<std::vector<double>> objective_values(const std::vector<ObjectiveSpec>& specs,
                                                    const nlohmann::json& trial_record,
                                                    const SearchSpace& space);

// Values -> the maximization convention of meta_test/multi_objective/pareto.h (minimized objectives negated).
ObjectiveVector to_maximized(const std::vector<ObjectiveSpec>& specs, const std::vector<double>& values);

// The hypervolume's reference point, in reported units: 0 for a maximized objective bounded below by 0
// (accuracy, a metric); for params and flops the largest of `pool` (every configuration the search may
// propose, so every trial counts); 100 for fairness; `given` (one value per objective) overrides.
// Throws tnas::Error for a `given` of another length or a minimized metric without one.
std::vector<double> reference_point(const std::vector<ObjectiveSpec>& specs, const SearchSpace& space,
                                    const std::vector<Arch>& pool, const std::vector<double>& given);
// --reference-point's text ("0,2e6"; "" for none). Throws tnas::Error for a value that is not a finite
// number.
std::vector<double> parse_reference_point(const std::string& text);

}  // namespace tnas
