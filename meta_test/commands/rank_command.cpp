// meta_test rank: the surrogate's zero-shot ranking of the (de-duplicated) pool on a dataset — which cells
// tnas would try first there, with the predicted accuracy and its standard deviation.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "basics/cli/cli_options.h"
#include "graphs/spaces/search_space.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/bo/zero_shot_prediction.h"
#include "meta_test/commands/commands.h"
#include "meta_test/search/candidate_pool.h"
#include "models/surrogate/checkpoint_location.h"

namespace tnas {

int run_rank_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Rank the configurations of the checkpoint's search space by the surrogate's zero-shot "
      "prediction on a dataset, best first: predicted accuracy (%), its standard deviation, "
      "parameters (M, C=16 N=5, 10 classes) and the configuration. nb201: every cell (one per "
      "isomorphism class unless --no-dedupe); jahs (8.5 million): --pool-size drawn ones.");
  options.add_options()("checkpoint", kCheckpointHelp,
                        cxxopts::value<std::string>()->default_value("checkpoints/default"))(
      "dataset", "Dataset spec whose images condition the surrogate (see `meta_test dataset --help`)",
      cxxopts::value<std::string>())("top", "How many cells to print (0 = all)",
                                     cxxopts::value<int>()->default_value("20"))(
      "seed", "Seed of the draw of images that gives the dataset embedding",
      cxxopts::value<uint64_t>()->default_value("0"))(
      "pool-size",
      "For a space too large to enumerate (jahs): distinct configurations drawn (with --seed) and ranked",
      cxxopts::value<int>()->default_value("20000"))(
      "no-dedupe", "Rank every one of the 15,625 cells, isomorphic ones included")(
      "target-protocol",
      "For a checkpoint conditioned on the training protocol (fit --protocol-inputs): the protocol the "
      "ranking is for, a preset and/or epochs=,resolution=,channels=,cells=,images= (e.g. paper,images=5000)",
      cxxopts::value<std::string>()->default_value(""));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const int top = args["top"].as<int>();
  if (top < 0) throw Error("--top must be >= 0, got " + std::to_string(top));
  const std::string checkpoint = locate_checkpoint(args["checkpoint"].as<std::string>());
  const int pool_size = args["pool-size"].as<int>();
  if (pool_size < 1 || pool_size > 10000000)
    throw Error("--pool-size must be in 1..10000000, got " + std::to_string(pool_size));
  const Surrogate surrogate = Surrogate::load(checkpoint, "");  // its own space
  const std::unique_ptr<SearchSpace> space = make_search_space(surrogate.options().search_space);
  const std::vector<Arch> pool =
      draw_pool(*space, PoolSettings{!args.count("no-dedupe"), pool_size, args["seed"].as<uint64_t>()});
  const ZeroShotPrediction prediction =
      zero_shot_prediction(surrogate, *space, pool,
                           {args.count("dataset") ? args["dataset"].as<std::string>() : "",
                            args["seed"].as<uint64_t>(), args["target-protocol"].as<std::string>()});
  std::vector<size_t> order(pool.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return prediction.mean[a] > prediction.mean[b]; });
  const size_t shown = top == 0 ? order.size() : std::min(order.size(), static_cast<size_t>(top));
  std::printf("rank\tpredicted_acc\tsd\tparams_m\t%s\n", space->name() == "nb201" ? "cell" : "configuration");
  for (size_t r = 0; r < shown; ++r) {
    const size_t i = order[r];
    std::printf("%zu\t%.2f\t%.2f\t%.3f\t%s\n", r + 1, prediction.mean[i], prediction.sd[i],
                space->cost(pool[i]).params / 1e6, space->format(pool[i]).c_str());
  }
  std::fprintf(stderr, "%zu of %zu %s configurations shown (checkpoint %s)\n", shown, pool.size(),
               space->name().c_str(), checkpoint.c_str());
  return 0;
}

}  // namespace tnas
