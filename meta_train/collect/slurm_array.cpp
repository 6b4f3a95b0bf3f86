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

std::string shard_path(const SlurmArrayOptions& array, const std::string& index) {
  return array.out + ".shard" + index + (array.curves ? ".csv" : ".h5");
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

std::string array_script(const SlurmArrayOptions& array) {
  std::ostringstream s;
  s << "#!/bin/bash\n#SBATCH --job-name=tnas-collect\n#SBATCH --array=0-" << array.tasks - 1
    << "\n#SBATCH --requeue\n"
    << "#SBATCH --cpus-per-task=" << array.cpus << "\n"
    << sbatch_directive("--output=" + array.out + ".slurm-%A_%a.log");
  for (const std::string& extra : split_arguments(array.sbatch_args, "--sbatch-args"))
    s << sbatch_directive(extra);
  s << "# Written by meta_train collect --slurm-array " << array.tasks
    << ". A requeued or rerun task resumes its shard.\n"
    << "# Without Slurm: SLURM_ARRAY_TASK_ID=i bash " << shell_quoted(array.out + ".sbatch") << " (i = 0.."
    << array.tasks - 1 << ")\n"
    << "set -euo pipefail\nexec " << shell_quoted(array.executable) << " collect";
  for (const auto& a : array.collect_args) s << " " << shell_quoted(a);
  s << " --shard \"${SLURM_ARRAY_TASK_ID}/" << array.tasks << "\" --out "
    << shell_quoted(array.out + ".shard") << "\"${SLURM_ARRAY_TASK_ID}\""
    << shell_quoted(array.curves ? ".csv" : ".h5") << "\n";
  return s.str();
}

std::string merge_script(const SlurmArrayOptions& array) {
  std::ostringstream s;
  s << "#!/bin/bash\n#SBATCH --job-name=tnas-merge\n"
    << sbatch_directive("--output=" + array.out + ".slurm-merge-%j.log") << "# Joins the shards of "
    << shell_quoted(array.out + ".sbatch") << " once all its tasks succeeded.\n"
    << "set -euo pipefail\nexec " << shell_quoted(array.executable) << " merge"
    << (array.curves ? " --curves" : "") << " --out " << shell_quoted(array.out);
  for (int i = 0; i < array.tasks; ++i) s << " " << shell_quoted(shard_path(array, std::to_string(i)));
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

SlurmSubmission submit_slurm_array(const SlurmArrayOptions& array,
                                   const std::function<void(const std::string&)>& progress) {
  // Each task is a shard with work to do: more tasks than subtasks would write empty shards, and an absurd
  // count would only build an enormous merge script.
  const int most = std::min(10000, std::max(1, array.work_items));
  if (array.tasks < 1 || array.tasks > most)
    throw Error("--slurm-array must be in 1.." + std::to_string(most) + " (at most one task per " +
                (array.curves ? "configuration" : "subtask") + ", at most 10000), got " +
                std::to_string(array.tasks));
  require_one_line(array.out, "--out");
  require_one_line(array.executable, "the meta_train executable's path");
  for (const std::string& argument : array.collect_args)
    require_one_line(argument, "collect option " + argument);
  SlurmSubmission r{array.out + ".sbatch", array.out + ".merge.sbatch", "", ""};
  if (const auto parent = std::filesystem::path(array.out).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  write_script(r.array_script, array_script(array));
  write_script(r.merge_script, merge_script(array));
  if (array.print_only) {
    progress("wrote " + r.array_script + " (" + std::to_string(array.tasks) + " array tasks) and " +
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
  progress("submitted job array " + r.array_job + " (" + std::to_string(array.tasks) + " tasks, " +
           r.array_script + ") and merge job " + r.merge_job + " (after all succeed: " + array.out +
           "); squeue -j " + r.array_job + "," + r.merge_job + " shows them");
  return r;
}

}  // namespace tnas
