#pragma once
// The search loop: propose -> evaluate -> record, resumable from the run directory.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meta_test/constraints/constraint.h"
#include "meta_test/methods/search_methods.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/parallel/executor.h"

namespace tnas {

struct SearchSettings {
  std::string space = "nb201";  // the search space (graphs/spaces/search_space.h)
  std::string method = "tnas";
  ObjectiveSettings objective;
  // Each method's own settings (meta_test/methods/search_methods.h). Multi-fidelity methods (sh, hyperband,
  // bohb, tnas-hb): multi_fidelity.max_epochs 0 is the objective's longest (a curve table's epochs, the train
  // preset's), and their budget is training cost: --max-epochs-total, or, when that is 0, `budget`
  // full-fidelity evaluations' worth of epochs (budget x max_epochs). A single-fidelity method with
  // multi_fidelity.max_epochs > 0 trains every trial for max_epochs.
  MethodSettings method_settings{{}, {}, {}, {1, 0, 3, MultiFidelityModel::kHighest}};
  // Multi-objective (meta_test/multi_objective/objective_set.h): with more than one objective every trial
  // records them, and the run the Pareto front (pareto.csv, pareto.png, summary "pareto") and the hypervolume
  // after every trial (trajectory.csv) against reference_point ("": objective_set.h's default), which
  // config.json records.
  std::vector<ObjectiveSpec> objectives = parse_objectives("acc");
  std::vector<double> reference_point;  // empty: objective_set.h's default
  // What a feasible configuration satisfies (meta_test/constraints/constraint.h): params and flops filter the
  // pool; measured metrics make a trial that violates them infeasible (never the incumbent, never on the
  // front).
  std::vector<Constraint> constraints;
  // The user's prior over configurations (meta_test/priors/configuration_prior.h): a file, and piBO's
  // strength (0: budget / 10, at least 1). "": none.
  std::string prior;
  double prior_strength = 0;
  int budget = 30;              // evaluations at most
  double max_cost_seconds = 0;  // and, when > 0, stop once the evaluations have cost this many seconds
  int max_epochs_total = 0;     // and, when > 0, once they have trained this many epochs in all
  uint64_t seed = 0;
  bool dedupe = true;     // pool de-duplicated by isomorphism key
  int pool_size = 20000;  // for spaces too large to enumerate: distinct configurations drawn (seeded)
  // After the search (train objective): the incumbent trained once more with this preset, its test accuracy
  // the answer (meta_test/search/final_training.h); "" for none.
  std::string final_preset;
  std::string out;
  bool force = false;
  // Table objectives: each lookup takes this many seconds for the pool's largest network, others in
  // proportion to their FLOPs (0: instant); the cost recorded is the simulated one. For benchmarks of
  // parallel search.
  double simulated_seconds = 0;
  // Parallel search (meta_test/parallel/parallel_search.h): more than one worker evaluates trials at once,
  // each in its own process, started here (local) or as Slurm jobs (slurm, with sbatch_args); worker_command
  // is how a worker re-creates these settings: the search's own command line, run from working_directory.
  int workers = 1;
  Executor executor = Executor::kLocal;
  std::string sbatch_args;
  std::vector<std::string> worker_command;
  std::string working_directory;
  std::string worker_executable;  // meta_test's path (the workers are `meta_test worker RUN_DIR`)
};

// Runs (or resumes) a search; returns the summary (also written to out/summary.json).
nlohmann::json run_search(const SearchSettings& settings,
                          const std::function<void(const std::string&)>& progress);

}  // namespace tnas
