#pragma once
// The few Slurm commands tnas runs (sbatch, squeue, scancel), each started from an argument vector (no
// shell), with one-line errors. meta_train's collection job arrays and meta_test's parallel search workers
// both submit with these.
#include <pwd.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "basics/error.h"
#include "basics/process.h"

namespace tnas {

inline bool slurm_available() { return program_on_path("sbatch"); }

// Runs `sbatch --parsable ARGS...`; returns the job id it prints ("id" or "id;cluster").
inline std::string sbatch(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProgramRun run = run_program(argv);
  if (run.exit_status != 0 || run.output.empty()) {
    std::string shown;
    for (const auto& a : args) shown += " " + shell_quoted(a);
    throw Error("sbatch" + shown + " failed: " + run.output.substr(0, run.output.find('\n')));
  }
  const std::string last_line = run.output.substr(run.output.rfind('\n') + 1);  // after any warnings
  return last_line.substr(0, last_line.find(';'));
}

// The ids of this user's jobs Slurm still holds (pending or running).
inline std::set<std::string> slurm_jobs_alive() {
  const passwd* user = getpwuid(getuid());
  const ProgramRun run =
      run_program({"squeue", "-h", "-o", "%i", "-u", user ? user->pw_name : std::to_string(getuid())});
  if (run.exit_status != 0) throw Error("squeue failed: " + run.output.substr(0, run.output.find('\n')));
  std::set<std::string> ids;
  std::istringstream in(run.output);
  for (std::string id; in >> id;) ids.insert(id);
  return ids;
}

inline void scancel(const std::vector<std::string>& ids) {
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  run_program(argv);  // a job that ended meanwhile is not an error
}

}  // namespace tnas
