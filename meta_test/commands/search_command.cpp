// meta_test search: find a good cell for a dataset within a budget of evaluations.
#include <cstdio>
#include <filesystem>

#include "basics/cli/cli_options.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/commands/commands.h"
#include "meta_test/search/final_training.h"
#include "meta_test/search/search_loop.h"
#include "meta_test/search/search_options.h"
#include "models/surrogate/checkpoint_location.h"
#include "models/trainer/cell_trainer.h"

namespace tnas {

namespace {

// The command line, read once into each concept's typed settings (the enums checked as they are read).

ProposalSettings proposal_settings(const cxxopts::ParseResult& args) {
  ProposalSettings proposal;
  proposal.warm_start = args["warm-start"].as<int>();
  proposal.acquisition = enum_option<Acquisition::Kind>(args, "acquisition");
  proposal.acquisition_pool = enum_option<AcquisitionPool>(args, "acquisition-pool");
  proposal.mutation_parents = args["mutation-parents"].as<int>();
  proposal.pending = enum_option<PendingTreatment>(args, "pending");
  proposal.feasibility_model = args.count("no-feasibility-model") == 0;
  proposal.bohnas_candidates = enum_option<BohnasCandidates>(args, "bohnas-candidates");
  return proposal;
}

DeepKernelSettings deep_kernel_settings(const cxxopts::ParseResult& args) {
  DeepKernelSettings deep_kernel;
  deep_kernel.checkpoint = args["checkpoint"].as<std::string>();
  if (args.count("dataset")) deep_kernel.dataset = args["dataset"].as<std::string>();
  deep_kernel.kernel = enum_option<KernelChoice>(args, "kernel");
  deep_kernel.warm_start_distance = args["warm-start-distance"].as<int>();
  deep_kernel.warm_start_top = args["warm-start-top"].as<int>();
  if (args.count("widen-below")) deep_kernel.widen_below = args["widen-below"].as<double>();
  if (args.count("proxy-kernel")) deep_kernel.proxy_kernel = enum_option<ProxyKernel>(args, "proxy-kernel");
  if (args.count("proxy-kernel-evidence"))
    deep_kernel.proxy_kernel_evidence = args["proxy-kernel-evidence"].as<double>();
  deep_kernel.widen_sample = args["widen-sample"].as<int>();
  deep_kernel.warm_start_from = enum_option<WarmStartFrom>(args, "warm-start-from");
  deep_kernel.finetune_steps = args["finetune-steps"].as<int>();
  deep_kernel.adapt = enum_option<Adaptation>(args, "adapt");
  deep_kernel.mlp_lr = args["mlp-lr"].as<double>();
  deep_kernel.dataset_embedding = enum_option<DatasetEmbedding>(args, "dataset-embedding");
  deep_kernel.target_protocol = args["target-protocol"].as<std::string>();
  return deep_kernel;
}

MultiFidelitySettings multi_fidelity_settings(const cxxopts::ParseResult& args) {
  MultiFidelitySettings multi_fidelity;
  multi_fidelity.min_epochs = args["min-fidelity"].as<int>();
  multi_fidelity.max_epochs = args["max-fidelity"].as<int>();
  multi_fidelity.eta = args["eta"].as<double>();
  multi_fidelity.model = enum_option<MultiFidelityModel>(args, "mf-model");
  return multi_fidelity;
}

ObjectiveSettings objective_settings(const cxxopts::ParseResult& args) {
  ObjectiveSettings objective;
  objective.spec = args["objective"].as<std::string>();
  if (args.count("dataset")) objective.dataset = args["dataset"].as<std::string>();
  if (args.count("test-dataset")) objective.test_dataset = args["test-dataset"].as<std::string>();
  objective.preset = args["preset"].as<std::string>();
  objective.device = enum_option<ComputeDevice>(args, "device");
  resolve_device(objective.device);  // checked now, whatever the objective (only train uses it)
  objective.mode = enum_option<TrainingMode>(args, "mode");
  objective.timeout_seconds = args["timeout"].as<double>();
  if (args.count("groups")) objective.groups = args["groups"].as<std::string>();
  return objective;
}

}  // namespace

SearchSettings search_settings(const cxxopts::ParseResult& args) {
  SearchSettings s;
  s.space = args["space"].as<std::string>();
  s.method = args["method"].as<std::string>();
  s.objective = objective_settings(args);
  s.final_preset = resolve_final_preset(args["final-preset"].as<std::string>(), s.objective.spec);
  s.method_settings = {proposal_settings(args), deep_kernel_settings(args),
                       ParegoSettings{enum_option<ParegoModel>(args, "parego-model")},
                       multi_fidelity_settings(args)};
  // A training objective's accuracies come from its own preset: the default protocol of the target.
  if (s.method_settings.deep_kernel.target_protocol.empty() && find_objective_kind(s.objective.spec).trains)
    s.method_settings.deep_kernel.target_protocol = s.objective.preset;
  s.objectives = parse_objectives(args["objectives"].as<std::string>());
  s.reference_point = parse_reference_point(args["reference-point"].as<std::string>());
  if (args.count("constraint"))
    s.constraints = parse_constraints(args["constraint"].as<std::vector<std::string>>());
  s.prior = args["prior"].as<std::string>();
  s.prior_strength = args["prior-strength"].as<double>();
  s.budget = args["budget"].as<int>();
  s.max_cost_seconds = args["max-cost-seconds"].as<double>();
  s.max_epochs_total = args["max-epochs-total"].as<int>();
  s.pool_size = args["pool-size"].as<int>();
  s.seed = args["seed"].as<uint64_t>();
  s.dedupe = args.count("no-dedupe") == 0;
  s.out = args["out"].as<std::string>();
  s.force = args.count("force") > 0;
  s.simulated_seconds = args["simulated-seconds"].as<double>();
  s.workers = args["workers"].as<int>();
  s.executor = enum_option<Executor>(args, "executor");
  s.sbatch_args = args["sbatch-args"].as<std::string>();
  return s;
}

ParsedSearchCommand parse_search_words(const std::vector<std::string>& words, const std::string& source,
                                       bool apply_threads) {
  std::vector<std::string> args = {"meta_test search"};
  args.insert(args.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cxxopts::Options options = search_options("meta_test search");
  const std::string prefix = source.empty() ? "" : source + ": ";
  std::optional<cxxopts::ParseResult> parsed;
  try {
    parsed = parse_command_line(options, static_cast<int>(argv.size()), argv.data(), apply_threads);
  } catch (const Error& e) {
    throw Error(prefix + e.what());
  }
  if (!parsed) throw Error(prefix + "the command line asks for --help");
  return {search_settings(*parsed), parsed->count("threads") > 0};
}

namespace {

// The search's answer on stdout (exit 0), or, when every evaluation failed, why on stderr (exit 1, so that
// scripts do not read on).
int print_answer(const nlohmann::json& summary, const std::string& out) {
  if (summary.contains("best_arch")) {
    const bool trained = summary.contains("best_details") && summary["best_details"].contains("test_acc");
    std::printf("best cell: %s\n%s: %.2f%% (trial %d of %d)\n",
                summary["best_arch"].get<std::string>().c_str(),
                trained ? "validation accuracy (what the search maximizes)" : "accuracy",
                summary["best_accuracy"].get<double>(), summary["best_trial"].get<int>(),
                summary["evaluations"].get<int>());
    if (trained)
      std::printf("test accuracy of that training run: %.2f%%\n",
                  summary["best_details"]["test_acc"].get<double>());
    if (summary.contains("final") && summary["final"].value("ok", false))
      std::printf(
          "answer: test accuracy %.2f%% (validation %.2f%%) after the final training with preset %s (%.0f s; "
          "final.json)\n",
          summary["final"]["test_acc"].get<double>(), summary["final"]["valid_acc"].get<double>(),
          summary["final"]["preset"].get<std::string>().c_str(), summary["final"]["seconds"].get<double>());
    else if (summary.contains("final"))
      std::printf("the final training failed: %s\n",
                  summary["final"].value("error", std::string("?")).c_str());
    std::printf(
        "run directory: %s (config.json, trials.jsonl, trajectory.csv, summary.json, incumbent.png)\n",
        out.c_str());
  } else {
    // Nothing to answer with: say why the trials failed and exit non-zero, so scripts do not read on.
    if (summary.value("infeasible_trials", 0) > 0 &&
        summary.value("failed_trials", 0) + summary.value("infeasible_trials", 0) ==
            summary.value("evaluations", 0)) {
      std::fprintf(stderr,
                   "meta_test search: error: no trial satisfied the constraints (%d infeasible, %d failed); "
                   "see %s/trials.jsonl\n",
                   summary.value("infeasible_trials", 0), summary.value("failed_trials", 0), out.c_str());
      return 1;
    }
    std::fprintf(stderr, "meta_test search: error: every evaluation failed (%d of %d); see %s/trials.jsonl\n",
                 summary.value("failed_trials", 0), summary.value("evaluations", 0), out.c_str());
    if (summary.contains("failure_reasons"))
      for (const auto& [reason, count] : summary["failure_reasons"].items())
        std::fprintf(stderr, "  %d x %s\n", count.get<int>(), reason.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

cxxopts::Options search_options(const std::string& program) {
  cxxopts::Options options(
      program,
      "Search a space (--space: NAS-Bench-201 cells, or JAHS: cells with their training hyperparameters) for "
      "the best configuration on a dataset within --budget evaluations.\n"
      "Methods (--method; --list-methods describes each): " +
          search_methods_help() +
          ".\n"
          "Objectives (--objective; --list-objectives describes each): " +
          objective_usages() +
          ".\n"
          "Writes --out/{config.json, trials.jsonl, trajectory.csv, summary.json, incumbent.png}; "
          "rerunning the same command resumes.");
  options.add_options()("method", search_methods_help(),
                        cxxopts::value<std::string>()->default_value("tnas"))(
      "dataset", "Target dataset spec (for tnas and the train objective)", cxxopts::value<std::string>())(
      "test-dataset", "Test images for the train objective (default: carved from --dataset)",
      cxxopts::value<std::string>())("checkpoint", std::string(kCheckpointHelp) + " (tnas)",
                                     cxxopts::value<std::string>()->default_value("checkpoints/default"))(
      "objective", objective_usages(), cxxopts::value<std::string>()->default_value("train"))(
      "preset", "Training preset of the train objective",
      cxxopts::value<std::string>()->default_value("tiny"))(
      "final-preset",
      "Train objective: after the search, the incumbent is trained once more with this preset and its "
      "test accuracy is the answer (auto: final, every image up to the smallest class's count; none: no "
      "final training)",
      cxxopts::value<std::string>()->default_value("auto"))("timeout", "Seconds per command evaluation",
                                                            cxxopts::value<double>()->default_value("3600"))(
      "space", "Search space: " + search_spaces_help() + " (--list-spaces describes each)",
      cxxopts::value<std::string>()->default_value("nb201"))(
      "pool-size",
      "For a space too large to enumerate (jahs): distinct configurations drawn as the candidate pool",
      cxxopts::value<int>()->default_value("20000"))(
      "objectives",
      "Comma-separated: acc (validation accuracy, max), params, flops (network size, min; exact), fairness "
      "(train: "
      "the largest gap between groups' validation accuracies, min), latency, latency64 (train: inference ms "
      "per image at batch 1 / 64, min), calibration (train: expected calibration error, %, min), robustness "
      "(train: "
      "validation accuracy under noise, blur and contrast, max), memory (train: MB of weights and peak "
      "activations at batch 1, min), or any metric the "
      "objective reports (max; '-NAME': min). More than one: a multi-objective search (pareto.csv, "
      "pareto.png, hypervolume)",
      cxxopts::value<std::string>()->default_value("acc"))(
      "groups",
      "Train objective: a file of 'class name,group' lines for the fairness objective (default: each class "
      "its own group)",
      cxxopts::value<std::string>())("parego-model",
                                     "parego: the GP that maximizes each scalarization, bowl (NAS-BOWL's "
                                     "WL-kernel GP) or tnas (the meta-learned surrogate)",
                                     cxxopts::value<std::string>()->default_value("bowl"))(
      "reference-point",
      "Multi-objective: the hypervolume's reference point, one value per objective in its units (default: 0 "
      "for "
      "accuracy, the pool's largest params / FLOPs)",
      cxxopts::value<std::string>()->default_value(""))(
      "constraint",
      "A bound a feasible configuration satisfies, METRIC<=VALUE or METRIC>=VALUE on a metric named as in "
      "--objectives (repeatable): params and flops leave the pool with only configurations that satisfy "
      "them; a "
      "measured metric (latency, fairness, any reported one) makes a trial that violates it infeasible: "
      "recorded, "
      "treated as failed by the methods, never the answer nor on the Pareto front",
      cxxopts::value<std::vector<std::string>>())(
      "prior",
      "A file of your belief about good configurations: a default with a confidence, per-choice "
      "probabilities "
      "(docs/search.md, Priors). Random draws come from it, the BO methods weight their acquisition by it "
      "(piBO)",
      cxxopts::value<std::string>()->default_value(""))(
      "prior-strength",
      "piBO's beta: the acquisition is weighted by prior^(beta / n) after n observations, and random draws "
      "come from the prior with probability beta / (beta + n) (0: the budget / 10, at least 1)",
      cxxopts::value<double>()->default_value("0"))(
      "budget",
      "Evaluations (multi-fidelity methods: the epochs of this many full-fidelity evaluations, unless "
      "--max-epochs-total)",
      cxxopts::value<int>()->default_value("30"))("min-fidelity",
                                                  "Multi-fidelity: the fewest epochs a trial trains",
                                                  cxxopts::value<int>()->default_value("1"))(
      "max-fidelity",
      "Multi-fidelity: the most epochs (0: the objective's, e.g. the curve table's or the preset's); the "
      "learning-rate "
      "schedule spans them, so a promoted configuration continues its run. Other methods: every trial trains "
      "this many epochs",
      cxxopts::value<int>()->default_value("0"))(
      "eta", "Multi-fidelity: each rung keeps the best 1/eta of the one below and trains it eta times longer",
      cxxopts::value<double>()->default_value("3"))(
      "mf-model",
      "tnas-hb: the surrogate is fitted on every configuration at the most epochs it reached (highest) or on "
      "the largest "
      "fidelity with enough observations (rung, BOHB's rule)",
      cxxopts::value<std::string>()->default_value("highest"))(
      "max-cost-seconds",
      "Also stop once the evaluations have taken this many seconds in all (0 = no limit; a resumed search "
      "counts the earlier ones)",
      cxxopts::value<double>()->default_value("0"))(
      "max-epochs-total",
      "Also stop once the evaluations have trained this many epochs in all (0 = no limit; train objective, "
      "or a command that prints \"epochs\")",
      cxxopts::value<int>()->default_value("0"))("seed", "Seed",
                                                 cxxopts::value<uint64_t>()->default_value("0"))(
      "acquisition", "ei (log-EI) or ucb", cxxopts::value<std::string>()->default_value("ei"))(
      "acquisition-pool",
      "Where the acquisition is maximized: mutations (unevaluated neighbours of the best cells) or all (the "
      "whole pool)",
      cxxopts::value<std::string>()->default_value("mutations"))(
      "bohnas-candidates",
      "Where bohnas maximizes EI: evolution (the reference's: 20 mutations of each of the 10 best, 50 "
      "crossovers) or neighbours (the unevaluated one-edit neighbours of the best --mutation-parents, as "
      "bowl)",
      cxxopts::value<std::string>()->default_value("evolution"))(
      "mutation-parents",
      "With --acquisition-pool mutations: how many of the best cells are mutated (1: model-guided local "
      "search around the incumbent)",
      cxxopts::value<int>()->default_value("1"))(
      "kernel",
      "tnas: additive (meta-learned deep kernel + zero-shot prior + WL kernel, weighted by the target's "
      "marginal likelihood) or deep (the deep kernel alone, the reference)",
      cxxopts::value<std::string>()->default_value("additive"))(
      "warm-start-distance",
      "tnas: each zero-shot warm-start cell differs in at least this many edges from those before it (1 = "
      "the plain top cells)",
      cxxopts::value<int>()->default_value("1"))(
      "warm-start-top",
      "tnas: each zero-shot warm-start cell is drawn with the seed from this many of the best (1 = the best, "
      "the same for every seed)",
      cxxopts::value<int>()->default_value(std::to_string(DeepKernelSettings{}.warm_start_top)))(
      "widen-below",
      "tnas, gp: when the incumbent's neighbours promise less expected improvement than this many standard "
      "deviations of the observed accuracies, its two-edit neighbours, the next-best cells' neighbours and "
      "--widen-sample random cells compete too (0: never widen; default: tnas " +
          shortest_text(kTnasWidenBelow) + ", gp 0)",
      cxxopts::value<double>())(
      "proxy-kernel",
      "tnas with the additive kernel: a zero-cost proxy of every cell as one more family of the additive "
      "kernel, weighted by the target's marginal likelihood: none or params (log parameter count; the "
      "default of --method tnas, not of the methods that reuse its model, nor under a --constraint that caps "
      "size: params, flops, latency or memory <=)",
      cxxopts::value<std::string>())(
      "proxy-kernel-evidence",
      "tnas: the proxy family is used only where it raises the log marginal likelihood by more than this "
      "many nats (its log prior odds against; 0: weighed like the other families; default " +
          shortest_text(kTnasProxyKernelEvidence) + ")",
      cxxopts::value<double>())(
      "widen-sample", "tnas, gp: cells of the whole pool drawn with the seed when widening",
      cxxopts::value<int>()->default_value(std::to_string(DeepKernelSettings{}.widen_sample)))(
      "warm-start", "Initial evaluations before BO", cxxopts::value<int>()->default_value("5"))(
      "warm-start-from",
      "zero-shot (tnas: the surrogate's top cells), zero-shot-and-params (in turn the surrogate's top and "
      "the largest cells), meta-data (best cells of the meta-training data) or random",
      cxxopts::value<std::string>()->default_value("zero-shot"))(
      "finetune-steps", "Adam steps of the fine-tuning after each evaluation",
      cxxopts::value<int>()->default_value("50"))(
      "adapt",
      "tnas, gp: what is fine-tuned on the target's observations: hyperparameters (the GP's, the reference) "
      "or mlp (the deep kernel's MLP as well, FSBO)",
      cxxopts::value<std::string>()->default_value("hyperparameters"))(
      "mlp-lr", "With --adapt mlp: Adam learning rate of the MLP",
      cxxopts::value<double>()->default_value("0.001"))(
      "dataset-embedding",
      "tnas: fixed (one draw of target images for the whole search) or per-step (a fresh draw before every "
      "BO step, as the reference)",
      cxxopts::value<std::string>()->default_value("per-step"))(
      "target-protocol",
      "tnas with a checkpoint conditioned on the training protocol (fit --protocol-inputs): the protocol "
      "the target's accuracies come from, a preset and/or epochs=,resolution=,channels=,cells=,images= "
      "(e.g. paper,images=5000 for NAS-Bench-201's CIFAR-10 table; default: the train objective's --preset)",
      cxxopts::value<std::string>()->default_value(""))("no-dedupe", "Keep isomorphic cells in the pool")(
      "device", "auto, cpu or cuda (train objective)", cxxopts::value<std::string>()->default_value("auto"))(
      "mode",
      "Train objective: "
      "strict (float32, contiguous), fast (channels-last; on CUDA also bf16 autocast, TF32, CUDA graphs) or "
      "auto (fast on CUDA, strict on CPU)",
      cxxopts::value<std::string>()->default_value("auto"))("out", "Run directory",
                                                            cxxopts::value<std::string>())(
      "force", "Replace a run with another configuration in --out")(
      "list-methods", "Print every search method, its family and what it does (a markdown table) and exit")(
      "list-objectives", "Print every kind of objective and what it does (a markdown table) and exit")(
      "list-spaces", "Print every search space and what it is (a markdown table) and exit");
  options.add_options("parallel")("workers",
                                  "Evaluations in flight at once, each in its own worker process; the run "
                                  "directory is their shared state "
                                  "(a worker that dies loses only its own trial, which runs again)",
                                  cxxopts::value<int>()->default_value("1"))(
      "executor", "Where the workers run: local (processes on this machine) or slurm (one sbatch job each)",
      cxxopts::value<std::string>()->default_value("local"))(
      "sbatch-args",
      "--executor slurm: extra sbatch options for the worker jobs, e.g. '--partition=gpu --gres=gpu:1 "
      "--time=4:00:00'",
      cxxopts::value<std::string>()->default_value(""))(
      "no-feasibility-model",
      "bowl, gp, tnas, tnas-mo, bohb (and parego, tnas-hb through their models) with a measured --constraint "
      "(latency<=5): do not weigh the acquisition by the probability of feasibility (a WL-kernel GP on the "
      "measured slacks); infeasible trials are then only failures (an ablation)")(
      "pending",
      "tnas, gp, tnas-hb, tnas-mo with --workers > 1: how proposals treat the evaluations still running: "
      "none (never proposed "
      "again; measured best, bench/RESULTS.md 1h), believer (kriging believer: observed at their predicted "
      "means) or fantasies (log-EI "
      "averaged over 8 draws of their values)",
      cxxopts::value<std::string>()->default_value("none"))(
      "simulated-seconds",
      "Table objectives: each lookup takes this many seconds for the pool's largest network, others in "
      "proportion to "
      "their FLOPs (benchmarks of parallel search; 0 = instant)",
      cxxopts::value<double>()->default_value("0"));
  add_common_options(options);
  return options;
}

int run_search_command(int argc, char** argv) {
  cxxopts::Options options = search_options(argv[0]);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (args.count("list-methods")) {
    std::printf("%s", search_methods_markdown().c_str());
    return 0;
  }
  if (args.count("list-objectives")) {
    std::printf("%s", objectives_markdown().c_str());
    return 0;
  }
  if (args.count("list-spaces")) {
    std::printf("%s", search_spaces_markdown().c_str());
    return 0;
  }
  require_option(args, "out", "DIR");
  SearchSettings s = search_settings(args);
  s.worker_command.assign(argv + 1,
                          argv + argc);  // workers re-create these settings from the same command line
  s.working_directory = std::filesystem::current_path().string();
  s.worker_executable = std::filesystem::read_symlink("/proc/self/exe").string();
  const auto summary = run_search(s, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  return print_answer(summary, s.out);
}

}  // namespace tnas
