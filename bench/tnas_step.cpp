// One BO step of `meta_test search --method tnas` as a search runs it (meta_test/methods/deep_kernel_bo.cpp):
// draw D, featurize the observed cells and the acquisition candidates, fine-tune, fit the additive GP,
// maximize EI. Times propose() after n observations, n = 5/30/100/300, for each adaptation mode side by side:
//   hyperparameters  the default: the GP's hyperparameters fine-tuned (50 Adam steps, analytic gradients)
//   mlp              FSBO's: the deep kernel's MLP fine-tuned as well (50 Adam steps through LibTorch
//   autograd) deep kernel only the reference's model (--kernel deep) with hyperparameters fine-tuned
// The history is n distinct random cells of the de-duplicated NB201 pool with accuracies from a fixed
// function of their operations, so every mode times the same work.
#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>

#include "basics/cli/cli_options.h"
#include "bench/bench_util.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/methods/search_methods.h"

using namespace tnas;

namespace {

struct Mode {
  const char* label;
  const char* adapt;
  const char* kernel;
};

std::vector<Observation> history_of(const std::vector<Arch>& pool, int n, Rng& rng) {
  std::vector<size_t> order(pool.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  rng.shuffle(order);
  std::vector<Observation> h;
  for (int i = 0; i < n; ++i) {
    const Arch& c = pool[order[static_cast<size_t>(i)]];
    double acc = 60;
    for (size_t k = 0; k < c.choices.size(); ++k)
      acc += (c.choices[k] + 1) * (k + 1) * 0.7;  // a deterministic landscape
    h.push_back({c, acc, true});
  }
  return h;
}

}  // namespace

int run(int argc, char** argv) {
  cxxopts::Options options("tnas_step",
                           "Time one tnas BO step per adaptation mode at n = 5/30/100/300 observations");
  options.add_options()("quick", "n = 5, 30 only, 2 repetitions")(
      "checkpoint", "Surrogate", cxxopts::value<std::string>()->default_value("checkpoints/default"))(
      "dataset", "Target images (for D)", cxxopts::value<std::string>()->default_value("mnist"))(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const bool quick = args.count("quick") > 0;
  const int reps = quick ? 2 : 5;
  const std::vector<int> ns = quick ? std::vector<int>{5, 30} : std::vector<int>{5, 30, 100, 300};
  const std::vector<Mode> modes = {
      {"hyperparameters (default)", "hyperparameters", "additive"},
      {"mlp (FSBO)", "mlp", "additive"},
      {"deep kernel only, hyperparameters (reference)", "hyperparameters", "deep"}};
  Nb201Space space;
  const std::vector<Arch> pool = dedupe_by_iso_key(space, space.enumerate());
  std::printf("| n |");
  for (const auto& m : modes) std::printf(" %s (ms, median of %d) |", m.label, reps);
  std::printf("\n| --- |");
  for (size_t i = 0; i < modes.size(); ++i) std::printf(" --- |");
  std::printf("\n");
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::unique_ptr<SearchMethod>> methods;
  for (const auto& m : modes) {
    MethodSettings method_settings;
    method_settings.deep_kernel.checkpoint = args["checkpoint"].as<std::string>();
    method_settings.deep_kernel.dataset = args["dataset"].as<std::string>();
    method_settings.deep_kernel.adapt = parse_enum<Adaptation>(m.adapt, "adapt");
    method_settings.deep_kernel.kernel = parse_enum<KernelChoice>(m.kernel, "kernel");
    methods.push_back(make_search_method("tnas", {&space, pool, 0}, method_settings));
  }
  for (int n : ns) {
    Rng history_rng(static_cast<uint64_t>(n));
    const auto history = history_of(pool, n, history_rng);
    nlohmann::json row = {{"n", n}};
    std::printf("| %d |", n);
    for (size_t mi = 0; mi < modes.size(); ++mi) {
      std::vector<double> t;
      for (int r = 0; r < reps; ++r) {
        Rng rng(static_cast<uint64_t>(r));
        methods[mi]->propose(history, rng);
        t.push_back(methods[mi]->last_seconds * 1000);
      }
      std::sort(t.begin(), t.end());
      std::printf(" %.1f |", t[t.size() / 2]);
      row[modes[mi].adapt + std::string("/") + modes[mi].kernel] = t[t.size() / 2];
    }
    std::printf("\n");
    std::fflush(stdout);
    rows.push_back(row);
  }
  bench::write_json(args["out"].as<std::string>() + "/tnas_step.json",
                    {{"machine", bench::machine()}, {"rows", rows}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("tnas_step", run, argc, argv); }
