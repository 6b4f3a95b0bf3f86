// meta_test: use a (pretrained) surrogate and the search space on a new dataset.
#include "basics/blas_kernels.h"
#include "basics/cli/command_line.h"
#include "meta_test/commands/commands.h"

int main(int argc, char** argv) {
  tnas::restart_with_the_cpus_blas_kernels(argv);  // before any result depends on them
  using namespace tnas;
  const std::vector<Subcommand> commands = {
      {"search", "Find the best cell for a dataset within a budget (tnas BO and baselines)",
       run_search_command},
      {"worker",
       "Run trials of a parallel search (started by search --workers; more by hand on machines sharing its "
       "folder)",
       run_worker_command},
      {"dashboard", "A live web page over runs and meta_train outputs (incumbents, trials, fronts, workers)",
       run_dashboard_command},
      {"report", "The dashboard's views as one self-contained HTML file", run_report_command},
      {"pareto", "The Pareto front of a multi-objective search (finished or running)", run_pareto_command},
      {"rank", "The surrogate's zero-shot ranking of the pool on a dataset (what tnas would try first)",
       run_rank_command},
      {"proxies",
       "Zero-cost proxies of cells on a dataset (synflow, snip, NASWOT, ...), and their rank correlation",
       run_proxies_command},
      {"arch", "Inspect NAS-Bench-201 cells: canonical form, isomorphism key, params, FLOPs",
       run_arch_command},
      {"dataset", "Describe a dataset spec (images, classes, shape, per-class counts)", run_dataset_command},
      {"evaluate", "Train one cell on a dataset with a preset (the real objective); prints JSON",
       run_evaluate_command},
  };
  return run_subcommands("meta_test", "architecture search on a new dataset", commands, argc, argv);
}
