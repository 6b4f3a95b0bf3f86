// One proposal of `meta_test search --method bohnas` (meta_test/methods/bohnas_search.cpp) after n
// observations, n = 10/30/100: the hierarchical WL features of the observed and of the candidates (20
// mutations of each of the 10 best, 50 crossovers), the kernel for WL rounds 0..2, the GP fit that chooses
// rounds and noise, and EI. On the hierarchical NB201 space and on the flat NB201 grammar, with NAS-BOWL's
// proposal on NB201 cells at the same n beside them (the WL-kernel GP it extends). The history is n distinct
// random architectures with accuracies from a fixed function of their text, so every run times the same work.
// Then the network builder: building the LibTorch module of 20 drawn hnb201 architectures (and one forward
// and backward pass of a batch of 32) at the hierarchical preset's network and at NB201's default one.
#include <cstdio>
#include <cxxopts.hpp>
#include <set>

#include "basics/cli/cli_options.h"
#include "bench/bench_util.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/methods/search_methods.h"
#include "models/network/classifier_network.h"
#include "models/trainer/proxy_preset.h"

using namespace tnas;

namespace {

struct Peer {
  std::string label;
  const SearchSpace* space;
  std::string method;
};

// n distinct architectures drawn with `seed`, each with an accuracy that grows with its 3x3 convolutions.
std::vector<Observation> history_of(const SearchSpace& space, int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<Observation> history;
  std::set<std::string> taken;
  while (static_cast<int>(history.size()) < n) {
    const Arch config = space.sample(rng);
    if (!taken.insert(space.iso_key(config)).second) continue;
    const std::string text = space.format(config);
    double accuracy = 50;
    for (size_t at = text.find("conv3x3"); at != std::string::npos; at = text.find("conv3x3", at + 1))
      accuracy += 0.5;
    history.push_back({config, accuracy + static_cast<double>(text.size() % 7) * 0.1, true});
  }
  return history;
}

// The module build, and one forward and backward pass, of `count` drawn architectures at `config`.
nlohmann::json time_network_builder(const GrammarSpace& space, const Nb201MacroConfig& config, int count) {
  Rng rng(11);
  std::vector<double> build_ms, pass_ms, params;
  for (int i = 0; i < count; ++i) {
    const TermTree term = term_tree(space.grammar(), space.decode(space.sample(rng)));
    double start = bench::now_seconds();
    const ClassifierNetwork network = build_network(NetworkBlueprint(term), config);
    build_ms.push_back(1000 * (bench::now_seconds() - start));
    params.push_back(static_cast<double>(NetworkBlueprint(term).params(config)));
    network->train();
    const torch::Tensor images = torch::randn({32, 3, config.resolution, config.resolution});
    start = bench::now_seconds();
    network->forward(images).sum().backward();
    pass_ms.push_back(1000 * (bench::now_seconds() - start));
  }
  return {{"build_ms", bench::quantile(build_ms, 0.5)},
          {"pass_ms", bench::quantile(pass_ms, 0.5)},
          {"params", bench::quantile(params, 0.5)}};
}

}  // namespace

int run(int argc, char** argv) {
  cxxopts::Options options("bohnas_step",
                           "Time one BOHNAS proposal at n = 10/30/100 observations, NAS-BOWL beside it");
  options.add_options()("quick", "n = 10, 30 only, 2 repetitions")(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const bool quick = args.count("quick") > 0;
  const int repetitions = quick ? 2 : 5;
  const std::vector<int> sizes = quick ? std::vector<int>{10, 30} : std::vector<int>{10, 30, 100};
  const GrammarSpace hierarchical(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"));
  const GrammarSpace flat("nb201-grammar",
                          Grammar::parse(shipped_grammar("nb201_cell"), "nb201_cell.grammar"));
  const Nb201Space cells;
  const std::vector<Peer> peers = {{"bohnas, hnb201", &hierarchical, "bohnas"},
                                   {"bohnas, nb201 grammar", &flat, "bohnas"},
                                   {"bowl, nb201", &cells, "bowl"}};
  std::printf("| n |");
  for (const Peer& peer : peers) std::printf(" %s (ms, median of %d) |", peer.label.c_str(), repetitions);
  std::printf("\n| --- |");
  for (size_t i = 0; i < peers.size(); ++i) std::printf(" --- |");
  std::printf("\n");
  nlohmann::json rows = nlohmann::json::array();
  for (const int n : sizes) {
    nlohmann::json row = {{"n", n}};
    std::printf("| %d |", n);
    for (const Peer& peer : peers) {
      const std::vector<Arch> pool = draw_pool(*peer.space, {true, 20000, 0});
      const std::vector<Observation> history = history_of(*peer.space, n, static_cast<uint64_t>(n));
      std::vector<double> milliseconds;
      for (int repetition = 0; repetition < repetitions; ++repetition) {
        // A fresh method each time: bohnas keeps the observed architectures' features across proposals, and
        // the first proposal at n pays for all n of them, as a resumed search does.
        auto method = make_search_method(peer.method, {peer.space, pool, 0}, MethodSettings{});
        Rng rng(static_cast<uint64_t>(repetition));
        method->propose(history, rng);
        milliseconds.push_back(method->last_seconds * 1000);
      }
      const double median = bench::quantile(milliseconds, 0.5);
      std::printf(" %.1f |", median);
      std::fflush(stdout);
      row[peer.label] = median;
    }
    std::printf("\n");
    rows.push_back(row);
  }
  std::printf(
      "\n| hnb201 network (%d drawn) | build (ms, median) | forward + backward, batch 32 (ms, median) | "
      "params (median) |\n| --- | --- | --- | --- |\n",
      quick ? 3 : 20);
  nlohmann::json builder = nlohmann::json::object();
  const std::vector<std::pair<std::string, Nb201MacroConfig>> networks = {
      {"hierarchical preset (C=8, 16 px)", find_preset("hierarchical").network(10)},
      {"NB201 default (C=16, 32 px)", Nb201MacroConfig{}}};
  for (const auto& [label, config] : networks) {
    const nlohmann::json timed = time_network_builder(hierarchical, config, quick ? 3 : 20);
    std::printf("| %s | %.1f | %.1f | %.0f |\n", label.c_str(), timed["build_ms"].get<double>(),
                timed["pass_ms"].get<double>(), timed["params"].get<double>());
    builder[label] = timed;
  }
  bench::write_json(args["out"].as<std::string>() + "/bohnas_step.json",
                    {{"machine", bench::machine()}, {"rows", rows}, {"network_builder", builder}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("bohnas_step", run, argc, argv); }
