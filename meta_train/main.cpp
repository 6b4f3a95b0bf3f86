// meta_train: prepare data for, and learn, the meta-learned surrogate.
#include "basics/blas_kernels.h"
#include "basics/cli/command_line.h"
#include "meta_train/commands/commands.h"

int main(int argc, char** argv) {
  tnas::restart_with_the_cpus_blas_kernels(argv);  // before any result depends on them
  using namespace tnas;
  const std::vector<Subcommand> commands = {
      {"collect", "Train cells on sampled subtasks into a meta-dataset (resumable, shardable)",
       run_collect_command},
      {"data", "convert SPEC OUT.h5 | import-metad2a | info | export: image files and meta-datasets",
       run_data_command},
      {"export", "Write a checkpoint as a TorchScript module (C++ and Python)", run_export_command},
      {"fit", "Meta-train the surrogate on a meta-dataset; writes a checkpoint (resumable)", run_fit_command},
      {"merge", "Join meta-dataset shards written by parallel collectors", run_merge_command},
  };
  return run_subcommands("meta_train", "meta-learning of the Transfer-NAS surrogate", commands, argc, argv);
}
