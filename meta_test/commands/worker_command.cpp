// meta_test worker: one worker of a parallel search (meta_test/parallel/trial_worker.h). `search --workers N`
// starts them; more can be started by hand on any machine that shares the run directory.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "basics/cli/cli_options.h"
#include "basics/error.h"
#include "basics/liveness_lock.h"
#include "meta_test/commands/commands.h"
#include "meta_test/parallel/trial_worker.h"
#include "meta_test/search/search_options.h"
#include "models/runtime/runtime.h"

namespace tnas {
namespace {

// The search's settings, from the command line it recorded in RUN_DIR/workers/command.json, as seen from the
// folder it ran in.
SearchSettings recorded_search(const std::string& run_dir, int threads) {
  const std::string path = run_dir + "/workers/command.json";
  nlohmann::json command;
  try {
    std::ifstream in(path);
    if (!in)
      throw Error(path + ": missing (is " + run_dir +
                  " the run directory of a search started with --workers?)");
    command = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": corrupt (" + e.what() + ")");
  }
  const auto words = command.at("argv").get<std::vector<std::string>>();
  const std::string folder = command.at("working_directory").get<std::string>();
  if (::chdir(folder.c_str()) != 0) throw Error(path + ": cannot enter the search's folder " + folder);
  const ParsedSearchCommand parsed = parse_search_words(words, path);
  SearchSettings s = parsed.settings;
  // Threads: this command's --threads, else the search's, else a share of the cores (Slurm: the job's CPUs).
  if (threads <= 0 && !parsed.threads_given) {
    const char* slurm_cpus = std::getenv("SLURM_CPUS_PER_TASK");
    threads = slurm_cpus ? std::atoi(slurm_cpus) : std::max(1, available_cores() / std::max(1, s.workers));
  }
  if (threads > 0) set_compute_threads(threads);
  return s;
}

}  // namespace

int run_worker_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Run trials of a parallel search (search --workers N starts these; more can be started by hand on "
      "machines that share RUN_DIR) until the search ends.");
  options.add_options()("run-dir", "The search's run directory (its --out)", cxxopts::value<std::string>())(
      "id", "This worker's name, unique within the search (default: host-pid)",
      cxxopts::value<std::string>()->default_value(""));
  options.parse_positional({"run-dir"});
  options.positional_help("RUN_DIR");
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  require_option(*parsed, "run-dir", "(the search's --out)");
  const std::string run_dir = std::filesystem::absolute((*parsed)["run-dir"].as<std::string>()).string();
  std::string id = (*parsed)["id"].as<std::string>();
  if (id.empty()) {
    id = process_name();
    std::replace(id.begin(), id.end(), '@', '-');
  }
  if (id.find_first_of("/ \t") != std::string::npos || id == "coordinator")
    throw Error("--id '" + id + "': not a worker name");
  SearchSettings s = recorded_search(run_dir, parsed->count("threads") ? (*parsed)["threads"].as<int>() : 0);
  s.out = run_dir;
  run_trial_worker(s, id, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  return 0;
}

}  // namespace tnas
