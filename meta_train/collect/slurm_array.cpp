#include "meta_train/collect/slurm_array.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "basics/process.h"
#include "basics/slurm_commands.h"

namespace tnas {
namespace {

void write_script(const std::string& path, const std::string& text) {
  write_text_atomically(path, text);
  std::filesystem::permissions(path, std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
}

std::string shard_path(const SlurmArrayOptions& o, const std::string& index) {
  return o.out + ".shard" + index + (o.curves ? ".csv" : ".h5");
}

// One "#SBATCH ARG" line. Slurm splits a directive into words itself, honouring double quotes, so an argument
// with white space is double-quoted; one holding a double quote cannot be written safely and is refused.
std::string sbatch_directive(const std::string& argument) {
  require_one_line(argument, "sbatch option '" + argument + "'");
  if (argument.find('"') != std::string::npos)
    throw Error("sbatch option " + argument +
                " holds a double quote, which an #SBATCH line cannot hold safely");
  const bool spaced = argument.find_first_of(" \t'") != std::string::npos;
  return "#SBATCH " + (spaced ? "\"" + argument + "\"" : argument) + "\n";
}

std::string array_script(const SlurmArrayOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n#SBATCH --job-name=tnas-collect\n#SBATCH --array=0-" << o.tasks - 1
    << "\n#SBATCH --requeue\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n"
    << sbatch_directive("--output=" + o.out + ".slurm-%A_%a.log");
  for (const std::string& extra : split_arguments(o.sbatch_args, "--sbatch-args"))
    s << sbatch_directive(extra);
  s << "# Written by meta_train collect --slurm-array " << o.tasks
    << ". A requeued or rerun task resumes its shard.\n"
    << "# Without Slurm: SLURM_ARRAY_TASK_ID=i bash " << shell_quoted(o.out + ".sbatch") << " (i = 0.."
    << o.tasks - 1 << ")\n"
    << "set -euo pipefail\nexec " << shell_quoted(o.executable) << " collect";
  for (const auto& a : o.collect_args) s << " " << shell_quoted(a);
  s << " --shard \"${SLURM_ARRAY_TASK_ID}/" << o.tasks << "\" --out " << shell_quoted(o.out + ".shard")
    << "\"${SLURM_ARRAY_TASK_ID}\"" << shell_quoted(o.curves ? ".csv" : ".h5") << "\n";
  return s.str();
}

std::string merge_script(const SlurmArrayOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n#SBATCH --job-name=tnas-merge\n"
    << sbatch_directive("--output=" + o.out + ".slurm-merge-%j.log") << "# Joins the shards of "
    << shell_quoted(o.out + ".sbatch") << " once all its tasks succeeded.\n"
    << "set -euo pipefail\nexec " << shell_quoted(o.executable) << " merge" << (o.curves ? " --curves" : "")
    << " --out " << shell_quoted(o.out);
  for (int i = 0; i < o.tasks; ++i) s << " " << shell_quoted(shard_path(o, std::to_string(i)));
  s << "\n";
  return s.str();
}

}  // namespace

std::vector<std::string> without_options(const std::vector<std::string>& args,
                                         const std::vector<std::string>& drop_with_value,
                                         const std::vector<std::string>& drop_flags) {
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::string name = a.substr(0, a.find('='));
    if (std::find(drop_flags.begin(), drop_flags.end(), name) != drop_flags.end()) continue;
    if (std::find(drop_with_value.begin(), drop_with_value.end(), name) != drop_with_value.end()) {
      if (a.find('=') == std::string::npos) ++i;  // the value is the next argument
      continue;
    }
    kept.push_back(a);
  }
  return kept;
}

SlurmSubmission submit_slurm_array(const SlurmArrayOptions& o,
                                   const std::function<void(const std::string&)>& progress) {
  // Each task is a shard with work to do: more tasks than subtasks would write empty shards, and an absurd
  // count would only build an enormous merge script.
  const int most = std::min(10000, std::max(1, o.work_items));
  if (o.tasks < 1 || o.tasks > most)
    throw Error("--slurm-array must be in 1.." + std::to_string(most) + " (at most one task per " +
                (o.curves ? "configuration" : "subtask") + ", at most 10000), got " +
                std::to_string(o.tasks));
  require_one_line(o.out, "--out");
  require_one_line(o.executable, "the meta_train executable's path");
  for (const std::string& argument : o.collect_args) require_one_line(argument, "collect option " + argument);
  SlurmSubmission r{o.out + ".sbatch", o.out + ".merge.sbatch", "", ""};
  if (const auto parent = std::filesystem::path(o.out).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  write_script(r.array_script, array_script(o));
  write_script(r.merge_script, merge_script(o));
  if (o.print_only) {
    progress("wrote " + r.array_script + " (" + std::to_string(o.tasks) + " array tasks) and " +
             r.merge_script + "; submit with\n  id=$(sbatch --parsable " + r.array_script +
             ") && sbatch --dependency=afterok:$id " + r.merge_script +
             "\nor, without Slurm, run SLURM_ARRAY_TASK_ID=i bash " + r.array_script +
             " for every i, then bash " + r.merge_script);
    return r;
  }
  if (!slurm_available())
    throw Error(
        "--slurm-array: sbatch is not on PATH (no Slurm here); use --print-sbatch to only write the scripts");
  r.array_job = sbatch({r.array_script});
  r.merge_job = sbatch({"--dependency=afterok:" + r.array_job, r.merge_script});
  progress("submitted job array " + r.array_job + " (" + std::to_string(o.tasks) + " tasks, " +
           r.array_script + ") and merge job " + r.merge_job + " (after all succeed: " + o.out +
           "); squeue -j " + r.array_job + "," + r.merge_job + " shows them");
  return r;
}

}  // namespace tnas
