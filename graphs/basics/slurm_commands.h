#pragma once
// The few Slurm commands tnas runs (sbatch, squeue, scancel), through the shell, with one-line errors.
// meta_train's collection job arrays and meta_test's parallel search workers both submit with these.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "basics/error.h"

namespace tnas {

// `s` as one single-quoted shell word.
inline std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` through the shell; returns its exit status and what it printed (stdout and stderr).
inline int run_shell_command(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw Error("cannot run: " + command);
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  const int status = pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return status;
}

inline bool slurm_available() { return std::system("command -v sbatch >/dev/null 2>&1") == 0; }

// Runs sbatch with `args`; returns the job id it prints (--parsable: "id" or "id;cluster").
inline std::string sbatch(const std::string& args) {
  std::string output;
  if (run_shell_command("sbatch --parsable " + args, output) != 0 || output.empty())
    throw Error("sbatch " + args + " failed: " + output.substr(0, output.find('\n')));
  return output.substr(0, output.find(';'));
}

// The ids of this user's jobs Slurm still holds (pending or running).
inline std::set<std::string> slurm_jobs_alive() {
  std::string output;
  if (run_shell_command("squeue -h -o %i -u \"$(id -un)\"", output) != 0)
    throw Error("squeue failed: " + output.substr(0, output.find('\n')));
  std::set<std::string> ids;
  std::istringstream in(output);
  for (std::string id; in >> id;) ids.insert(id);
  return ids;
}

inline void scancel(const std::string& ids) {
  std::string output;
  run_shell_command("scancel " + ids, output);  // a job that ended meanwhile is not an error
}

}  // namespace tnas
