// meta_train merge --out FILE.h5 SHARD.h5 ...: join meta-dataset shards (--curves: learning-curve tables).
#include <cstdio>

#include "basics/cli/cli_options.h"
#include "basics/output_lock.h"
#include "datasets/meta/meta_dataset.h"
#include "datasets/meta/meta_dataset_subset.h"
#include "meta_train/collect/curve_collection.h"
#include "meta_train/commands/commands.h"

namespace tnas {

int run_merge_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Join meta-dataset shards (e.g. from `collect --shard i/n` on a Slurm array): sources and "
      "cells are matched by name, identical subtasks are joined, a (subtask, cell) pair that "
      "occurs twice is kept once. Shards must share the search space; shards labelled under "
      "different protocols (e.g. an imported MetaD2A database and a collection) keep each "
      "protocol with their sources, and `fit` trains on all of them, reporting each source.");
  options.add_options()("out", "Output meta-dataset", cxxopts::value<std::string>())(
      "shards", "Input shards", cxxopts::value<std::vector<std::string>>())(
      "curves",
      "The shards are learning-curve tables (collect --curves): join their configurations into --out "
      "FILE.csv")(
      "only-subtasks-of",
      "Keep only the subtasks of this meta-dataset (the same classes and task seed, at any images per "
      "class), in its order: the same subtasks labelled by another protocol, for a matched comparison",
      cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"shards"});
  options.positional_help("SHARD.h5 ...");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "out", "FILE.h5");
  if (!args.count("shards")) throw Error("no shards given");
  const auto names = args["shards"].as<std::vector<std::string>>();
  if (args.count("curves")) {
    merge_curve_tables(names, args["out"].as<std::string>());
    std::printf("wrote %s from %zu learning-curve tables\n", args["out"].as<std::string>().c_str(),
                names.size());
    return 0;
  }
  const OutputLock lock(args["out"].as<std::string>(), LockTarget::kFile, "merge");
  std::vector<MetaDataset> shards;
  size_t in_results = 0;
  for (const auto& n : names) {
    shards.push_back(read_meta_dataset(n));
    in_results += shards.back().results.size();
  }
  MetaDataset merged = merge_meta_datasets(shards, names);
  const size_t duplicates = in_results - merged.results.size();
  if (args.count("only-subtasks-of")) {
    const std::string reference = args["only-subtasks-of"].as<std::string>();
    const size_t before = merged.results.size();
    merged = restrict_to_subtasks_of(merged, read_meta_dataset(reference), reference);
    std::printf("kept the %zu subtasks of %s: %zu of %zu results\n", merged.tasks.size(), reference.c_str(),
                merged.results.size(), before);
  }
  const std::string out = args["out"].as<std::string>();
  write_meta_dataset(out, merged);
  std::printf(
      "wrote %s: %zu results from %zu shards (%zu in, %zu duplicates dropped), %zu tasks, %zu cells\n",
      out.c_str(), merged.results.size(), names.size(), in_results, duplicates, merged.tasks.size(),
      merged.archs.size());
  return 0;
}

}  // namespace tnas
