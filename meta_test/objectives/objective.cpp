#include "meta_test/objectives/objective.h"

#include <cmath>
#include <cstdio>

#include "basics/enum_names.h"
#include "basics/error.h"

namespace tnas {

namespace {

// table:FILE[:COLUMN]: the last colon starts a column unless what follows it is a path (has a '/').
std::pair<std::string, std::string> table_path_and_column(const std::string& argument) {
  const size_t colon = argument.rfind(':');
  if (colon != std::string::npos && argument.find('/', colon) == std::string::npos &&
      colon + 1 < argument.size())
    return {argument.substr(0, colon), argument.substr(colon + 1)};
  return {argument, "test_acc"};
}

}  // namespace

const std::vector<ObjectiveEntry>& objective_registry() {
  static const std::vector<ObjectiveEntry> kinds = {
      {"train", "train",
       "train each configuration on --dataset with --preset (LibTorch); test set from --test-dataset", true,
       [](const std::string&, const ObjectiveSettings& settings, const SearchSpace& space) {
         return make_train_objective(settings, space);
       }},
      {"table", "table:FILE[:COLUMN]",
       "look the cell up in a tabular benchmark (CSV arch_str + COLUMN, default test_acc); its rows are the "
       "pool",
       false,
       [](const std::string& argument, const ObjectiveSettings&, const SearchSpace& space) {
         const auto [path, column] = table_path_and_column(argument);
         return make_table_objective(path, column, space);
       }},
      {"table-curves", "table-curves:FILE",
       "a learning-curve table (meta_train collect --curves): the accuracy at the requested epoch", false,
       [](const std::string& argument, const ObjectiveSettings&, const SearchSpace& space) {
         return make_curve_table_objective(argument, space);
       }},
      {"command", "command:'CMD {arch}'",
       "run your program ({arch}, {seed}, {epochs}, {previous_epochs} replaced); it prints {\"accuracy\": "
       "...}",
       false,
       [](const std::string& argument, const ObjectiveSettings& settings, const SearchSpace& space) {
         return make_command_objective(argument, settings.timeout_seconds, space);
       }},
      {"external", "external",
       "the caller evaluates: trials are asked and told through the ask/tell API (include/tnas/ask_tell.h, "
       "Python); meta_test search refuses it",
       false,
       [](const std::string&, const ObjectiveSettings&, const SearchSpace&) {
         return make_external_objective();
       }},
  };
  return kinds;
}

std::string objective_usages() {
  std::vector<std::string> usages;
  for (const ObjectiveEntry& kind : objective_registry()) usages.push_back(kind.usage);
  return list_with_or(usages);
}

std::string objectives_markdown() {
  std::string table = "| objective | what it does |\n| --- | --- |\n";
  for (const ObjectiveEntry& kind : objective_registry())
    table += "| `" + kind.usage + "` | " + kind.help + " |\n";
  return table;
}

const ObjectiveEntry& find_objective_kind(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  for (const ObjectiveEntry& entry : objective_registry()) {
    if (entry.kind != kind) continue;
    const bool takes_argument = entry.usage != entry.kind;
    if (takes_argument && (colon == std::string::npos || colon + 1 == spec.size()))
      throw Error("--objective " + spec + ": give it as " + entry.usage);
    if (!takes_argument && colon != std::string::npos)
      throw Error("--objective " + spec + ": " + kind + " takes no argument");
    return entry;
  }
  throw Error("--objective must be " + objective_usages() + ", got '" + spec + "'");
}

std::unique_ptr<Objective> make_objective(const ObjectiveSettings& settings, const SearchSpace& space) {
  const ObjectiveEntry& entry = find_objective_kind(settings.spec);
  const size_t colon = settings.spec.find(':');
  return entry.make(colon == std::string::npos ? "" : settings.spec.substr(colon + 1), settings, space);
}

// One trial, whatever happens in it: an exception (a torch error, CUDA out of memory, bad_alloc) or an
// accuracy outside [0, 100] (a broken objective, not a result: it would lead the search and the plot) is
// that trial's failure, with the reason.
TrialResult run_trial(Objective& objective, const TrialRequest& request) {
  TrialResult r;
  try {
    r = objective.evaluate(request);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    return TrialResult::failure(what.substr(0, what.find('\n')));  // LibTorch errors append a stack trace
  }
  return checked_result(std::move(r));
}

TrialResult checked_result(TrialResult r) {
  if (!r.ok) return r;
  const auto it = r.metrics.find("accuracy");
  if (it == r.metrics.end()) return TrialResult::failure("the objective reported no accuracy");
  if (!(std::isfinite(it->second) && it->second >= 0 && it->second <= 100)) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "objective value %g is outside [0, 100]", it->second);
    return TrialResult::failure(reason);
  }
  return r;
}

}  // namespace tnas
