// meta_train collect: build a meta-dataset by training cells on sampled subtasks.
#include <cstdio>
#include <filesystem>

#include "basics/cli/cli_options.h"
#include "basics/error.h"
#include "basics/strict_number.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_train/collect/collector.h"
#include "meta_train/collect/curve_collection.h"
#include "meta_train/collect/slurm_array.h"
#include "meta_train/commands/commands.h"
#include "models/trainer/cell_trainer.h"

namespace tnas {
namespace {

// "K" or "LO-HI".
std::pair<int, int> parse_range(const std::string& text, const std::string& option) {
  const size_t dash = text.find('-');
  const auto lo = parse_int(text.substr(0, dash));
  const auto hi = dash == std::string::npos ? lo : parse_int(text.substr(dash + 1));
  if (!lo || !hi) throw Error("--" + option + " must be N or LO-HI, got '" + text + "'");
  return {*lo, *hi};
}

// "i/n".
std::pair<int, int> parse_shard(const std::string& shard) {
  const size_t slash = shard.find('/');
  const auto index = parse_int(shard.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : parse_int(shard.substr(slash + 1));
  if (!index || !count) throw Error("--shard must be i/n, got '" + shard + "'");
  return {*index, *count};
}

void print_progress(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

int run_curves(const cxxopts::ParseResult& args) {
  require_option(args, "out", "FILE.csv");
  CurveCollectOptions o;
  o.source = args["source"].as<std::string>();
  o.space = args["space"].as<std::string>();
  o.configs = args["configs"].as<int>();
  o.epochs = args["curve-epochs"].as<int>();
  o.preset = find_preset(args["preset"].as<std::string>());
  o.seed = args["seed"].as<uint64_t>();
  std::tie(o.shard, o.shards) = parse_shard(args["shard"].as<std::string>());
  o.device = enum_option<ComputeDevice>(args, "device");
  o.mode = enum_option<TrainingMode>(args, "mode");
  o.out = args["out"].as<std::string>();
  const int trained = run_curve_collection(o, print_progress);
  std::printf("collect --curves: trained %d configurations, curves in %s\n", trained, o.out.c_str());
  return 0;
}

// --slurm-array N: this very command as N array tasks (meta_train/collect/slurm_array.h).
int run_on_slurm(const cxxopts::ParseResult& args, int argc, char** argv) {
  require_option(args, "out", args.count("curves") ? "FILE.csv" : "FILE.h5");
  if (args["shard"].as<std::string>() != "0/1")
    throw Error("--slurm-array makes the shards itself; drop --shard");
  SlurmArrayOptions o;
  o.tasks = args["slurm-array"].as<int>();
  o.work_items = args.count("curves") ? args["configs"].as<int>() : args["tasks"].as<int>();
  o.sbatch_args = args["sbatch-args"].as<std::string>();
  o.print_only = args.count("print-sbatch") > 0;
  o.executable = std::filesystem::read_symlink("/proc/self/exe").string();
  o.collect_args =
      without_options(std::vector<std::string>(argv + 1, argv + argc),
                      {"--slurm-array", "--sbatch-args", "--shard", "--out"}, {"--print-sbatch"});
  o.out = std::filesystem::absolute(args["out"].as<std::string>()).string();
  o.curves = args.count("curves") > 0;
  o.cpus = args["threads"].as<int>();
  submit_slurm_array(o, print_progress);
  return 0;
}

}  // namespace

int run_collect_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Train configurations (nb201: cells; jahs: cells with their training hyperparameters) on "
      "sampled subtasks and append each (subtask, configuration, accuracy) to a "
      "meta-dataset (HDF5 schema v1). Killed at any moment, the same command resumes; "
      "--shard i/n splits the work (e.g. a Slurm array), `meta_train merge` joins shards.");
  options.add_options()("source", "Dataset spec to draw subtasks from", cxxopts::value<std::string>())(
      "tasks", "Number of subtasks T", cxxopts::value<int>()->default_value("100"))(
      "classes-per-task", "k, or a range LO-HI drawn per task",
      cxxopts::value<std::string>()->default_value("5"))("images-per-class",
                                                         "n, or a range LO-HI drawn per task",
                                                         cxxopts::value<std::string>()->default_value("100"))(
      "archs-per-task", "Configurations per subtask A (distinct isomorphism classes)",
      cxxopts::value<int>()->default_value("15"))(
      "space", "Search space: " + search_spaces_help() + " (meta_test search --list-spaces describes each)",
      cxxopts::value<std::string>()->default_value("nb201"))(
      "arch-sampling",
      "uniform (the space's own sampler: a grammar space draws by its rules unless ?sampling=uniform), "
      "params-spread (nb201: strata of the parameter range: spreads accuracies) or stratified (nb201: the "
      "parameter strata, each cell the one of 8 drawn whose operation mix differs most from the task's "
      "others)",
      cxxopts::value<std::string>()->default_value("uniform"))(
      "preset", "Training preset", cxxopts::value<std::string>()->default_value("tiny"))(
      "seed", "Seed of the whole plan", cxxopts::value<uint64_t>()->default_value("0"))(
      "shard", "i/n: this process trains tasks t with t % n == i",
      cxxopts::value<std::string>()->default_value("0/1"))(
      "device", "auto, cpu or cuda", cxxopts::value<std::string>()->default_value("auto"))(
      "mode",
      "strict (float32, contiguous), fast (channels-last; on CUDA also bf16 autocast, TF32, CUDA graphs) or "
      "auto (fast on CUDA, strict on CPU)",
      cxxopts::value<std::string>()->default_value("auto"))(
      "curves",
      "Instead: a learning-curve table (multi-fidelity oracle) of --configs configurations trained once on "
      "all of "
      "--source with the preset's protocol, validation and test accuracy after every epoch; --out FILE.csv")(
      "configs", "With --curves: configurations N", cxxopts::value<int>()->default_value("100"))(
      "curve-epochs", "With --curves: epochs E (0: the preset's)", cxxopts::value<int>()->default_value("0"))(
      "slurm-array",
      "Run the collection as a Slurm job array of N shards: writes OUT.sbatch and OUT.merge.sbatch, submits "
      "both (the merge after every task succeeded); a requeued task resumes its shard",
      cxxopts::value<int>())(
      "sbatch-args", "With --slurm-array: extra sbatch options, e.g. '--partition=cpu --time=04:00:00'",
      cxxopts::value<std::string>()->default_value(""))(
      "print-sbatch", "With --slurm-array: only write the scripts and say how to submit them")(
      "out", "Meta-dataset to write or resume", cxxopts::value<std::string>());
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "source", "SPEC");
  if (args.count("slurm-array")) return run_on_slurm(args, argc, argv);
  if (args.count("curves")) return run_curves(args);
  require_option(args, "out", "FILE.h5");

  CollectOptions o;
  o.source = args["source"].as<std::string>();
  o.tasks = args["tasks"].as<int>();
  std::tie(o.min_classes, o.max_classes) =
      parse_range(args["classes-per-task"].as<std::string>(), "classes-per-task");
  std::tie(o.min_images, o.max_images) =
      parse_range(args["images-per-class"].as<std::string>(), "images-per-class");
  o.archs_per_task = args["archs-per-task"].as<int>();
  o.arch_sampling = enum_option<ArchSampling>(args, "arch-sampling");
  o.space = args["space"].as<std::string>();
  o.preset = find_preset(args["preset"].as<std::string>());
  o.seed = args["seed"].as<uint64_t>();
  std::tie(o.shard, o.shards) = parse_shard(args["shard"].as<std::string>());
  o.device = enum_option<ComputeDevice>(args, "device");
  o.mode = enum_option<TrainingMode>(args, "mode");
  resolve_device(o.device);  // cuda without CUDA fails before any work
  o.out = args["out"].as<std::string>();
  const int trained = run_collection(o, print_progress);
  std::printf("collect: trained %d pairs, results in %s\n", trained, o.out.c_str());
  return 0;
}

}  // namespace tnas
