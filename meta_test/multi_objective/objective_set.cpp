#include "meta_test/multi_objective/objective_set.h"

#include <cmath>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "basics/strict_number.h"

namespace tnas {
namespace {

// The objectives tnas knows by name: one row each. A name not here is a metric the objective reports.
enum class SpaceSize { kNone, kParams, kFlops };  // a size the space's cost model gives
struct KnownObjective {
  const char* name;             // as written in --objectives
  const char* metric;           // the trial metric it reads
  bool minimized;               // with or without a leading '-'
  SpaceSize size;               // computed from the space when the trial does not report it
  std::optional<double> worst;  // the default reference point (sizes: the pool's largest)
};
const std::vector<KnownObjective>& known_objectives() {
  static const std::vector<KnownObjective> rows = {
      {"acc", "accuracy", false, SpaceSize::kNone, 0.0},
      {"params", "params", true, SpaceSize::kParams, std::nullopt},
      {"flops", "flops", true, SpaceSize::kFlops, std::nullopt},
      {"fairness", "fairness_gap", true, SpaceSize::kNone, 100.0},  // no gap in percent exceeds 100 points
      {"latency", "latency_ms", true, SpaceSize::kNone, std::nullopt},
      {"latency64", "latency64_ms", true, SpaceSize::kNone, std::nullopt},
      {"calibration", "calibration_error", true, SpaceSize::kNone, 100.0},  // ECE in percent
      {"robustness", "robust_accuracy", false, SpaceSize::kNone, 0.0},
      {"memory", "memory_mb", true, SpaceSize::kNone, std::nullopt},  // weights + peak activations, batch 1
  };
  return rows;
}
const KnownObjective* known_by_metric(const std::string& metric) {
  for (const KnownObjective& row : known_objectives())
    if (metric == row.metric) return &row;
  return nullptr;
}

bool is_size(const std::string& metric) {
  const KnownObjective* row = known_by_metric(metric);
  return row && row->size != SpaceSize::kNone;
}

double size_of(const SearchSpace& space, const Arch& config, const std::string& metric) {
  const ArchCost cost = space.cost(config);
  return static_cast<double>(known_by_metric(metric)->size == SpaceSize::kParams ? cost.params : cost.flops);
}

}  // namespace

std::vector<ObjectiveSpec> parse_objectives(const std::string& text) {
  std::vector<ObjectiveSpec> specs;
  std::set<std::string> seen;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    ObjectiveSpec s;
    s.maximize = item.empty() || item[0] != '-';
    s.name = s.maximize ? item : item.substr(1);
    if (s.name.empty()) throw Error("--objectives: an empty objective name in '" + text + "'");
    if (!seen.insert(s.name).second) throw Error("--objectives: '" + s.name + "' appears twice");
    s.metric = s.name;
    for (const KnownObjective& row : known_objectives())
      if (s.name == row.name) {
        s.metric = row.metric;
        s.maximize = s.maximize && !row.minimized;  // smaller sizes, gaps, latencies: with or without '-'
      }
    specs.push_back(s);
  }
  if (specs.empty()) throw Error("--objectives: no objectives in '" + text + "'");
  return specs;
}

std::optional<std::vector<double>> objective_values(const std::vector<ObjectiveSpec>& specs,
                                                    const nlohmann::json& t, const SearchSpace& space) {
  if (!t.at("ok").get<bool>()) return std::nullopt;
  std::vector<double> v;
  for (const auto& s : specs) {
    if (s.metric == "accuracy")  // the trial's own field, not one of its metrics
      v.push_back(t.at("accuracy").get<double>());
    else if (t.contains("metrics") && t["metrics"].contains(s.metric))
      v.push_back(t["metrics"][s.metric].get<double>());
    else if (is_size(s.metric))
      v.push_back(size_of(space, space.parse(t.at("arch").get<std::string>()), s.metric));
    else
      return std::nullopt;
  }
  return v;
}

ObjectiveVector to_maximized(const std::vector<ObjectiveSpec>& specs, const std::vector<double>& values) {
  ObjectiveVector v(values.size());
  for (size_t k = 0; k < values.size(); ++k) v[k] = specs[k].maximize ? values[k] : -values[k];
  return v;
}

std::vector<double> parse_reference_point(const std::string& text) {
  std::vector<double> point;
  if (text.empty()) return point;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const std::optional<double> value = parse_finite_double(item);
    if (!value) throw Error("--reference-point: '" + item + "' is not a finite number");
    point.push_back(*value);
  }
  return point;
}

std::vector<double> reference_point(const std::vector<ObjectiveSpec>& specs, const SearchSpace& space,
                                    const std::vector<Arch>& pool, const std::vector<double>& given) {
  if (!given.empty()) {
    if (given.size() != specs.size())
      throw Error("--reference-point: " + std::to_string(given.size()) + " values for " +
                  std::to_string(specs.size()) + " objectives");
    return given;
  }
  std::vector<double> ref;
  for (const auto& s : specs) {
    const KnownObjective* known = known_by_metric(s.metric);
    if (s.maximize) {
      ref.push_back(0);
    } else if (known && known->worst) {
      ref.push_back(*known->worst);
    } else if (is_size(s.metric)) {
      double worst = 0;
      for (const Arch& a : pool) worst = std::max(worst, size_of(space, a, s.metric));
      ref.push_back(worst);
    } else {
      throw Error("--objectives: the minimized metric '" + s.name +
                  "' needs a --reference-point (its worst acceptable value)");
    }
  }
  return ref;
}

}  // namespace tnas
