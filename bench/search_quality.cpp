// Search quality on the NAS-Bench-201 CIFAR-10 oracle (or another table, --objective): methods x seeds x
// budget, with the CIFAR-10 subset's images (or --dataset) feeding tnas' dataset encoder. Reports final
// regret (median, quartiles) against the table's optimum and the evaluations needed to reach the optimum /
// the top 0.1 %.
#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "basics/cli/cli_options.h"
#include "bench/bench_util.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/search/search_loop.h"

using namespace tnas;

namespace {

using bench::quantile;

// The best accuracy an oracle answers over the cells a search may propose (an oracle's own cells, or the
// whole NB201 space).
double oracle_optimum(const std::string& spec) {
  const auto space = make_search_space("nb201");
  ObjectiveSettings settings;
  settings.spec = spec;
  const auto objective = make_objective(settings, *space);
  std::vector<Arch> cells = objective->candidates();
  if (cells.empty()) cells = space->enumerate();
  double best = -1e300;
  for (const Arch& cell : cells) {
    TrialRequest request;
    request.config = cell;
    const TrialResult result = objective->evaluate(request);
    if (result.ok) best = std::max(best, result.accuracy());
  }
  return best;
}

}  // namespace

int run(int argc, char** argv) {
  cxxopts::Options options("search_quality", "BO and baselines on the NB201 CIFAR-10 table");
  options.add_options()("seeds", "Seeds per method", cxxopts::value<int>()->default_value("20"))(
      "budget", "Evaluations", cxxopts::value<int>()->default_value("30"))(
      "methods", "Comma-separated; tnas@NAME=DIR is tnas with the checkpoint DIR, labelled tnas@NAME",
      cxxopts::value<std::string>()->default_value("tnas,gp,random,evolution,local"))(
      "checkpoint", "Surrogate", cxxopts::value<std::string>()->default_value("checkpoints/default"))(
      "dataset-embedding", "tnas: fixed or per-step",
      cxxopts::value<std::string>()->default_value("per-step"))(
      "kernel", "tnas: additive or deep", cxxopts::value<std::string>()->default_value("additive"))(
      "acquisition-pool", "BO methods: mutations or all",
      cxxopts::value<std::string>()->default_value("mutations"))(
      "warm-start-from", "tnas: zero-shot, zero-shot-and-params, meta-data or random",
      cxxopts::value<std::string>()->default_value("zero-shot"))("warm-start-distance",
                                                                 "tnas: edges between warm-start cells",
                                                                 cxxopts::value<int>()->default_value("1"))(
      "target-protocol",
      "tnas with a checkpoint conditioned on the training protocol: the protocol of the oracle's accuracies "
      "(e.g. paper,images=5000 for NAS-Bench-201's CIFAR-10 table)",
      cxxopts::value<std::string>()->default_value(""))(
      "warm-start-top", "tnas: warm-start cells drawn from this many of the best",
      cxxopts::value<int>()->default_value(std::to_string(DeepKernelSettings{}.warm_start_top)))(
      "widen-below", "tnas, gp: widen below this expected improvement (observed sd units; 0: never)",
      cxxopts::value<double>())(
      "proxy-kernel", "tnas: none or params (a zero-cost proxy as an additive kernel family; default params)",
      cxxopts::value<std::string>())("proxy-kernel-evidence",
                                     "tnas: nats the proxy family must add to the log marginal likelihood",
                                     cxxopts::value<double>())(
      "widen-sample", "tnas, gp: random cells of the pool among the wider candidates",
      cxxopts::value<int>()->default_value(std::to_string(DeepKernelSettings{}.widen_sample)))(
      "mutation-parents", "BO methods: best cells whose neighbours are acquisition candidates",
      cxxopts::value<int>()->default_value("1"))("warm-start", "BO methods: initial evaluations",
                                                 cxxopts::value<int>()->default_value("5"))(
      "adapt", "tnas, gp: hyperparameters or mlp",
      cxxopts::value<std::string>()->default_value("hyperparameters"))(
      "mlp-lr", "tnas, gp with --adapt mlp: the MLP's learning rate",
      cxxopts::value<double>()->default_value("0.001"))("finetune-steps", "tnas, gp: Adam steps per BO step",
                                                        cxxopts::value<int>()->default_value("50"))(
      "objective",
      "The oracle (a table or table-curves objective; default: the NB201 CIFAR-10 table's test accuracy)",
      cxxopts::value<std::string>()->default_value(""))(
      "dataset", "tnas: images for its dataset encoder (default: the CIFAR-10 subset)",
      cxxopts::value<std::string>()->default_value(""))("out", "Output folder",
                                                        cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  std::string objective = args["objective"].as<std::string>(), dataset = args["dataset"].as<std::string>();
  const std::string table = bench::shared_data_dir() + "/nb201/cifar10_test_acc_200ep.csv";
  const std::string images = bench::shared_data_dir() + "/cifar10/train_500pc.bin";
  if ((objective.empty() && !std::filesystem::exists(table)) ||
      (dataset.empty() && !std::filesystem::exists(images))) {
    std::fprintf(stderr, "search_quality: needs %s and %s (set TNAS_SHARED_DATA)\n", table.c_str(),
                 images.c_str());
    return 2;
  }
  if (objective.empty()) objective = "table:" + table + ":test_acc";
  if (dataset.empty()) dataset = "cifar10:" + images;
  // The methods' settings, read once (each method reads its part).
  // From a search's defaults (a single-fidelity search trains at the objective's own fidelity), not
  // MethodSettings{}'s (whose multi-fidelity defaults are Hyperband's own).
  MethodSettings method_settings = SearchSettings{}.method_settings;
  method_settings.deep_kernel.dataset_embedding = enum_option<DatasetEmbedding>(args, "dataset-embedding");
  method_settings.deep_kernel.dataset = dataset;
  method_settings.deep_kernel.kernel = enum_option<KernelChoice>(args, "kernel");
  method_settings.deep_kernel.warm_start_distance = args["warm-start-distance"].as<int>();
  method_settings.proposal.warm_start = args["warm-start"].as<int>();
  method_settings.deep_kernel.warm_start_top = args["warm-start-top"].as<int>();
  method_settings.deep_kernel.target_protocol = args["target-protocol"].as<std::string>();
  method_settings.proposal.mutation_parents = args["mutation-parents"].as<int>();
  if (args.count("widen-below")) method_settings.deep_kernel.widen_below = args["widen-below"].as<double>();
  if (args.count("proxy-kernel"))
    method_settings.deep_kernel.proxy_kernel = enum_option<ProxyKernel>(args, "proxy-kernel");
  if (args.count("proxy-kernel-evidence"))
    method_settings.deep_kernel.proxy_kernel_evidence = args["proxy-kernel-evidence"].as<double>();
  method_settings.deep_kernel.widen_sample = args["widen-sample"].as<int>();
  method_settings.proposal.acquisition_pool = enum_option<AcquisitionPool>(args, "acquisition-pool");
  method_settings.deep_kernel.warm_start_from = enum_option<WarmStartFrom>(args, "warm-start-from");
  method_settings.deep_kernel.adapt = enum_option<Adaptation>(args, "adapt");
  method_settings.deep_kernel.mlp_lr = args["mlp-lr"].as<double>();
  method_settings.deep_kernel.finetune_steps = args["finetune-steps"].as<int>();
  const double optimum = oracle_optimum(objective);
  const int seeds = args["seeds"].as<int>(), budget = args["budget"].as<int>();
  const std::string out = args["out"].as<std::string>();
  std::vector<std::string> methods;
  std::stringstream ms(args["methods"].as<std::string>());
  for (std::string m; std::getline(ms, m, ',');) methods.push_back(m);

  std::filesystem::create_directories(out);
  std::ofstream curves(out + "/search_quality_curves.csv");
  if (!curves) {
    std::fprintf(stderr, "search_quality: cannot write %s/search_quality_curves.csv\n", out.c_str());
    return 2;
  }
  curves << "method,seed,evaluation,incumbent_regret\n";
  nlohmann::json rows = nlohmann::json::array();
  std::printf(
      "| method | median final regret | quartiles | reached optimum (seeds) | median evals to optimum | "
      "reached top 0.1%% | median evals to top 0.1%% | distinct answers | overhead/step (ms) |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  const double top = optimum - 0.001 * optimum;  // within 0.1 % of the optimum's accuracy
  for (const auto& method : methods) {
    std::vector<double> finals, to_opt, to_top, overhead;
    std::set<std::string> answers;  // the incumbent cell each seed ends with
    std::string checkpoint = args["checkpoint"].as<std::string>();
    std::string label = method, base = method;
    if (const size_t at = method.find('@'), eq = method.find('=');
        at != std::string::npos && eq != std::string::npos && eq > at) {
      base = method.substr(0, at);
      label = method.substr(0, eq);
      checkpoint = method.substr(eq + 1);
    }
    for (int seed = 0; seed < seeds; ++seed) {
      SearchSettings s;
      s.method = base;
      s.objective.spec = objective;
      s.method_settings = method_settings;
      s.method_settings.deep_kernel.checkpoint = checkpoint;
      s.budget = budget;
      s.seed = static_cast<uint64_t>(seed);
      s.out = out + "/runs/" + label + "_" + std::to_string(seed);
      s.force = true;
      std::filesystem::remove_all(s.out);
      run_search(s, [](const std::string&) {});
      std::ifstream in(s.out + "/trials.jsonl");
      double best = -1;
      std::string answer;
      int first_opt = -1, first_top = -1, i = 0;
      for (std::string line; std::getline(in, line);) {
        const auto t = nlohmann::json::parse(line);
        ++i;
        // A table oracle answers every configuration of its pool: a failed trial is a broken setup, and a
        // regret computed around it would be a number about nothing.
        if (!t.at("ok").get<bool>()) {
          std::fprintf(stderr, "search_quality: %s, seed %d: trial %d failed: %s\n", label.c_str(), seed, i,
                       t.value("error", std::string("?")).c_str());
          return 2;
        }
        if (t.at("ok") && t.at("accuracy").get<double>() > best)
          best = t.at("accuracy").get<double>(), answer = t.at("arch").get<std::string>();
        if (first_opt < 0 && best >= optimum - 1e-9) first_opt = i;
        if (first_top < 0 && best >= top) first_top = i;
        if (i > 5) overhead.push_back(t.value("propose_seconds", 0.0) * 1000);
        curves << label << "," << seed << "," << i << "," << optimum - best << "\n";
      }
      finals.push_back(optimum - best);
      answers.insert(answer);
      if (first_opt > 0) to_opt.push_back(first_opt);
      if (first_top > 0) to_top.push_back(first_top);
    }
    char quart[64], opt_med[32], top_med[32];
    std::snprintf(quart, sizeof quart, "%.3f / %.3f", quantile(finals, 0.25), quantile(finals, 0.75));
    std::snprintf(opt_med, sizeof opt_med, to_opt.empty() ? "-" : "%.0f",
                  to_opt.empty() ? 0.0 : quantile(to_opt, 0.5));
    std::snprintf(top_med, sizeof top_med, to_top.empty() ? "-" : "%.0f",
                  to_top.empty() ? 0.0 : quantile(to_top, 0.5));
    std::printf("| %s | %.3f | %s | %zu/%d | %s | %zu/%d | %s | %zu | %.1f |\n", label.c_str(),
                quantile(finals, 0.5), quart, to_opt.size(), seeds, opt_med, to_top.size(), seeds, top_med,
                answers.size(), overhead.empty() ? 0.0 : quantile(overhead, 0.5));
    std::fflush(stdout);
    rows.push_back({{"method", label},
                    {"checkpoint", base == "tnas" ? checkpoint : ""},
                    {"final_regret", finals},
                    {"evals_to_optimum", to_opt},
                    {"evals_to_top_0_1pct", to_top},
                    {"distinct_answers", answers.size()},
                    {"median_overhead_ms", overhead.empty() ? 0.0 : quantile(overhead, 0.5)}});
  }
  bench::write_json(out + "/search_quality.json", {{"machine", bench::machine()},
                                                   {"optimum", optimum},
                                                   {"seeds", seeds},
                                                   {"budget", budget},
                                                   {"rows", rows}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("search_quality", run, argc, argv); }
