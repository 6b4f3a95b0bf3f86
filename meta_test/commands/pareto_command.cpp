// meta_test pareto RUN_DIR: the Pareto front of a multi-objective search, finished or running (read only).
#include <cstdio>
#include <fstream>

#include "basics/cli/cli_options.h"
#include "basics/error.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/commands/commands.h"
#include "meta_test/multi_objective/pareto_report.h"

namespace tnas {
namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot be read (not a search's run directory?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw Error(path + ": not valid JSON");
  }
}

// Finished trials; a torn last line (a search writing it right now) is left out.
std::vector<nlohmann::json> read_trials(const std::string& path) {
  std::vector<nlohmann::json> trials;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    try {
      trials.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception&) {
      break;
    }
  }
  return trials;
}

}  // namespace

int run_pareto_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Print the Pareto front of a multi-objective search (meta_test search --objectives A,B), finished or "
      "running: its non-dominated trials with their objectives, and the hypervolume against the run's "
      "reference point.");
  options.add_options()("run", "Run directory", cxxopts::value<std::string>())(
      "json", "Print JSON instead of a table");
  add_common_options(options);
  options.parse_positional({"run"});
  options.positional_help("RUN_DIR");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "run", "RUN_DIR");
  const std::string dir = args["run"].as<std::string>();
  const nlohmann::json config = read_json(dir + "/config.json");
  if (!config.contains("objectives"))
    throw Error(dir + "/config.json: a single-objective search (no --objectives): it has no Pareto front");
  std::vector<ObjectiveSpec> specs;
  for (const auto& o : config["objectives"])
    specs.push_back({o.at("name"), o.at("metric"), o.at("maximize")});
  const std::vector<double> reference = config.at("reference_point");
  const auto space = make_search_space(config.value("space", std::string("nb201")));
  const auto trials = read_trials(dir + "/trials.jsonl");
  const ParetoReport report = pareto_report(trials, specs, reference, *space);
  const nlohmann::json j = pareto_json(report, trials, specs, reference);
  if (args.count("json")) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%zu trials, %zu on the front; hypervolume %.6g (reference point", trials.size(),
              report.front.size(), j["hypervolume"].get<double>());
  for (size_t k = 0; k < specs.size(); ++k)
    std::printf("%s %s %g", k ? "," : "", specs[k].name.c_str(), reference[k]);
  std::printf(")\n%6s", "trial");
  for (const auto& s : specs) std::printf("  %14s", (s.name + (s.maximize ? " (max)" : " (min)")).c_str());
  std::printf("  configuration\n");
  for (size_t i : report.front) {
    std::printf("%6d", trials[i].at("trial").get<int>());
    for (double v : report.values[i]) std::printf("  %14.6g", v);
    std::printf("  %s\n", trials[i].at("arch").get<std::string>().c_str());
  }
  return 0;
}

}  // namespace tnas
