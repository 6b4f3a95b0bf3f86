#include "meta_test/search/final_training.h"

#include <chrono>
#include <cstdio>

#include "basics/error.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

std::string resolve_final_preset(const std::string& requested, const std::string& objective_spec) {
  const bool trains = find_objective_kind(objective_spec).trains;
  if (requested == "none") return "";
  if (requested == "auto") return trains ? "final" : "";
  if (!trains)
    throw Error("--final-preset " + requested + ": the " + find_objective_kind(objective_spec).kind +
                " objective trains nothing (use --final-preset none)");
  find_preset(requested);  // throws naming the known presets
  return requested;
}

nlohmann::json final_training(const SearchSpace& space, const std::string& incumbent,
                              const ObjectiveSettings& search_objective, const std::string& preset,
                              RunDirectory& run, const std::function<void(const std::string&)>& progress) {
  const nlohmann::json previous = run.final_training();
  if (previous.is_object() && previous.value("arch", "") == incumbent &&
      previous.value("preset", "") == preset)
    return previous;
  ObjectiveSettings settings = search_objective;
  settings.preset = preset;
  auto objective = make_objective(settings, space);
  progress("final training of the incumbent with preset " + preset + ": " + incumbent);
  const auto start = std::chrono::steady_clock::now();
  const TrialResult r = run_trial(*objective, {space.parse(incumbent), Fidelity{}, settings.seed});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json out = {
      {"arch", incumbent},     {"preset", preset}, {"preset_settings", to_json(find_preset(preset))},
      {"seed", settings.seed}, {"ok", r.ok},       {"seconds", seconds}};
  if (r.ok) {
    out["valid_acc"] = r.accuracy();
    out["test_acc"] = r.details.value("test_acc", -1.0);
    out["details"] = r.details;
  } else {
    out["error"] = r.error;
  }
  run.write_final_training(out);
  char line[160];
  if (r.ok)
    std::snprintf(line, sizeof line, "final training: validation %.2f%%, test %.2f%% (%.0f s)",
                  out["valid_acc"].get<double>(), out["test_acc"].get<double>(), seconds);
  else
    std::snprintf(line, sizeof line, "final training failed after %.0f s: %s", seconds,
                  r.error.substr(0, 100).c_str());
  progress(line);
  return out;
}

}  // namespace tnas
