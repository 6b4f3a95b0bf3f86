// Rank fidelity of the training presets: train random cells on the CIFAR-10 subset (train on
// train_500pc.bin, test on test_200pc.bin) and correlate their test accuracy with the NAS-Bench-201
// CIFAR-10 200-epoch table. Also CPU-seconds per cell.
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "basics/cli/cli_options.h"
#include "basics/rank_correlation.h"
#include "bench/bench_util.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/tables/tabular_benchmark.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/trainer/cell_trainer.h"

using namespace tnas;

int run(int argc, char** argv) {
  cxxopts::Options options("proxy_fidelity",
                           "Rank correlation of proxy presets with the NB201 CIFAR-10 table");
  options.add_options()("cells", "Random cells per preset", cxxopts::value<int>()->default_value("50"))(
      "presets", "Comma-separated", cxxopts::value<std::string>()->default_value("smoke,tiny,fast"))(
      "seed", "Seed of the cell sample", cxxopts::value<uint64_t>()->default_value("7"))(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const std::string dir = bench::shared_data_dir();
  const std::string table_path = dir + "/nb201/cifar10_test_acc_200ep.csv";
  if (!std::filesystem::exists(table_path) || !std::filesystem::exists(dir + "/cifar10/train_500pc.bin")) {
    std::fprintf(stderr, "proxy_fidelity: needs %s and %s/cifar10 (set TNAS_SHARED_DATA)\n",
                 table_path.c_str(), dir.c_str());
    return 2;
  }
  const auto table = TabularBenchmark::read(table_path, "test_acc");
  const ImageDataset train = load_dataset("cifar10:" + dir + "/cifar10/train_500pc.bin");
  const ImageDataset test = load_dataset("cifar10:" + dir + "/cifar10/test_200pc.bin");
  // The same random cells for every preset (distinct isomorphism classes).
  const Nb201Space space;
  Rng rng(args["seed"].as<uint64_t>());
  std::vector<Nb201Cell> cells;
  std::set<std::string> keys;
  while (static_cast<int>(cells.size()) < args["cells"].as<int>()) {
    const Nb201Cell c = Nb201Space::to_cell(space.sample(rng));
    if (keys.insert(c.iso_key()).second) cells.push_back(c);
  }
  const std::string out = args["out"].as<std::string>();
  std::ofstream csv(out + "/proxy_fidelity.csv");
  csv << "preset,arch,proxy_test_acc,nb201_test_acc,cpu_seconds\n";
  nlohmann::json rows = nlohmann::json::array();
  std::printf(
      "| preset | cells | Spearman | Kendall | CPU-s per cell | wall-s per cell |\n| --- | --- | --- | --- | "
      "--- | --- |\n");
  std::stringstream ps(args["presets"].as<std::string>());
  for (std::string name; std::getline(ps, name, ',');) {
    const ProxyPreset preset = find_preset(name);
    const EvaluationData data = prepare_evaluation_data(train, &test, preset, 0);
    std::vector<double> proxy, truth;
    double cpu = 0, wall = 0;
    for (const auto& cell : cells) {
      const std::clock_t c0 = std::clock();
      TrainOptions o;
      o.device = ComputeDevice::kCpu;
      const TrainResult r = train_and_evaluate(cell, data, preset, o);
      const double c = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
      cpu += c;
      wall += r.seconds;
      proxy.push_back(r.test_acc);
      truth.push_back(*table.lookup(cell.to_string()));
      csv << name << ",\"" << cell.to_string() << "\"," << r.test_acc << "," << truth.back() << "," << c
          << "\n";
    }
    const double sp = spearman(proxy, truth), kt = kendall_tau_b(proxy, truth);
    std::printf("| %s | %zu | %.3f | %.3f | %.1f | %.1f |\n", name.c_str(), cells.size(), sp, kt,
                cpu / cells.size(), wall / cells.size());
    std::fflush(stdout);
    rows.push_back({{"preset", name},
                    {"cells", cells.size()},
                    {"spearman", sp},
                    {"kendall", kt},
                    {"cpu_seconds_per_cell", cpu / cells.size()},
                    {"wall_seconds_per_cell", wall / cells.size()},
                    {"preset_values", to_json(preset)}});
  }
  bench::write_json(out + "/proxy_fidelity.json", {{"machine", bench::machine()}, {"rows", rows}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("proxy_fidelity", run, argc, argv); }
