#pragma once
// `meta_train collect ... --slurm-array N`: the collection as a Slurm job array. Writes OUT.sbatch (N array
// tasks, each `collect ... --shard i/N --out OUT.shard<i>.<ext>`; --requeue, so that a preempted task runs
// again and resumes its shard) and OUT.merge.sbatch (`meta_train merge` of the N shards into OUT), then
// submits the array with sbatch and the merge with --dependency=afterok on it. With print_only it only writes
// them and says how to submit. The scripts are plain bash: without Slurm, `SLURM_ARRAY_TASK_ID=i bash
// OUT.sbatch` runs shard i.
#include <functional>
#include <string>
#include <vector>

namespace tnas {

struct SlurmArrayOptions {
  int tasks = 0;            // N
  int work_items = 0;       // what the shards split (subtasks, or configurations with --curves): N's bound
  std::string sbatch_args;  // extra sbatch options, split as a shell splits words, one #SBATCH line each
  bool print_only = false;
  std::string executable;                 // meta_train, absolute
  std::vector<std::string> collect_args;  // collect's own options, without the Slurm ones, --shard and --out
  std::string out;                        // the merged output
  bool curves = false;                    // a learning-curve collection (shards .csv, merge --curves)
  int cpus = 1;                           // per task (its --threads)
};

struct SlurmSubmission {
  std::string array_script, merge_script;
  std::string array_job, merge_job;  // job ids ("" when only written)
};

// Keeps `args` but for the options in `drop_with_value` (and their values, "--opt v" or "--opt=v") and the
// flags in `drop_flags`.
std::vector<std::string> without_options(const std::vector<std::string>& args,
                                         const std::vector<std::string>& drop_with_value,
                                         const std::vector<std::string>& drop_flags);

// Throws tnas::Error for N outside 1..min(10,000, work_items), a value a script cannot hold (a newline in a
// path or option), an unwritable script, sbatch missing (unless print_only) or refusing a job.
SlurmSubmission submit_slurm_array(const SlurmArrayOptions& options,
                                   const std::function<void(const std::string&)>& progress);

}  // namespace tnas
