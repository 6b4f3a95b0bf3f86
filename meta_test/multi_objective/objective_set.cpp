#include "meta_test/multi_objective/objective_set.h"

#include <cmath>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "basics/strict_number.h"

namespace tnas {
namespace {

bool is_size(const std::string& metric) { return metric == "params" || metric == "flops"; }

double size_of(const SearchSpace& space, const Arch& config, const std::string& metric) {
  const ArchCost c = space.cost(config);
  return static_cast<double>(metric == "params" ? c.params : c.flops);
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
    s.metric = s.name == "acc"         ? "accuracy"
               : s.name == "fairness"  ? "fairness_gap"
               : s.name == "latency"   ? "latency_ms"
               : s.name == "latency64" ? "latency64_ms"
                                       : s.name;
    // Smaller networks, gaps and latencies are better, with or without the '-'.
    if (is_size(s.metric) || s.metric == "fairness_gap" || s.metric == "latency_ms" ||
        s.metric == "latency64_ms")
      s.maximize = false;
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
    if (s.metric == "accuracy")
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

std::vector<double> reference_point(const std::vector<ObjectiveSpec>& specs, const SearchSpace& space,
                                    const std::vector<Arch>& pool, const std::string& given) {
  std::vector<double> ref;
  if (!given.empty()) {
    std::stringstream in(given);
    for (std::string item; std::getline(in, item, ',');) {
      const std::optional<double> value = parse_finite_double(item);
      if (!value) throw Error("--reference-point: '" + item + "' is not a finite number");
      ref.push_back(*value);
    }
    if (ref.size() != specs.size())
      throw Error("--reference-point: " + std::to_string(ref.size()) + " values for " +
                  std::to_string(specs.size()) + " objectives");
    return ref;
  }
  for (const auto& s : specs) {
    if (s.maximize) {
      ref.push_back(0);
    } else if (s.metric == "fairness_gap") {
      ref.push_back(100);  // no gap between accuracies in percent exceeds 100 points
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
