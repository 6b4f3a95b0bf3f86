// meta_test proxies: the zero-cost proxies of NB201 cells on a dataset (models/proxies/zero_cost_proxies.h),
// written as a CSV that doubles as the cache per (configuration, dataset): a rerun with the same settings
// computes only the cells it lacks. With --table, each proxy's rank correlation with the table's accuracy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/cli/cli_options.h"
#include "basics/duration_text.h"
#include "basics/rank_correlation.h"
#include "basics/strict_number.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/tables/tabular_benchmark.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/commands/commands.h"
#include "meta_test/search/candidate_pool.h"
#include "models/proxies/zero_cost_proxies.h"

namespace tnas {
namespace {

struct ProxySettings {
  std::string dataset, preset = "fast";
  int batch = 64;
  uint64_t seed = 0;
  std::string header() const {  // the CSV's first line: what its scores are of
    return "# zero-cost proxies: dataset=" + dataset + " preset=" + preset +
           " batch=" + std::to_string(batch) + " seed=" + std::to_string(seed);
  }
};

std::string csv_columns() {
  std::string line = "arch";
  for (ZeroCostProxy proxy : kZeroCostProxies) line += "," + zero_cost_proxy_name(proxy);
  return line;
}

// The scores already in `path` (a torn last line, from a killed run, is cut off the file). Throws when the
// file was written with other settings.
std::map<std::string, ZeroCostScores> read_scores(const std::string& path, const ProxySettings& settings) {
  std::map<std::string, ZeroCostScores> scores;
  std::ifstream in(path);
  if (!in) return scores;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (complete < text.size()) std::filesystem::resize_file(path, complete);  // appending goes on from there
  std::istringstream lines(text.substr(0, complete));
  std::string line;
  if (!std::getline(lines, line)) return scores;
  if (line != settings.header())
    throw Error(path + ": written with other settings ('" + line +
                "'); use another --out or the same settings");
  std::getline(lines, line);  // the column names
  int number = 2;
  while (std::getline(lines, line)) {
    ++number;
    std::istringstream fields(line);
    std::string arch, value;
    std::getline(fields, arch, ',');
    ZeroCostScores row{};
    for (double& score : row) {
      if (!std::getline(fields, value, ','))
        throw Error(path + ":" + std::to_string(number) + ": fewer than " +
                    std::to_string(kZeroCostProxyCount) + " scores");
      const auto number_value = parse_finite_double(value);
      if (!number_value)
        throw Error(path + ":" + std::to_string(number) + ": '" + value + "' is not a finite number");
      score = *number_value;
    }
    scores[arch] = row;
  }
  return scores;
}

ImageDataset proxy_batch(const ProxySettings& settings) {
  const ImageDataset data = load_dataset(settings.dataset);
  Rng rng(settings.seed + 7);
  std::vector<int64_t> ids(static_cast<size_t>(data.size()));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i);
  rng.shuffle(ids);
  ids.resize(std::min(ids.size(), static_cast<size_t>(settings.batch)));
  const ImageDataset batch = to_rgb(select_images(data, ids));
  return resize_area(batch, find_preset(settings.preset).input_resolution(data.height));
}

void print_correlations(const std::string& table_spec, const std::map<std::string, ZeroCostScores>& scores) {
  const size_t colon = table_spec.find(':', 1);
  const TabularBenchmark table = TabularBenchmark::read(
      table_spec.substr(0, colon), colon == std::string::npos ? "test_acc" : table_spec.substr(colon + 1));
  std::vector<double> accuracy;
  std::vector<std::vector<double>> by_proxy(kZeroCostProxyCount);
  for (const auto& [arch, row] : scores) {
    const auto value = table.lookup_isomorphic(arch, Nb201Cell::parse(arch).iso_key());
    if (!value) continue;
    accuracy.push_back(*value);
    for (int p = 0; p < kZeroCostProxyCount; ++p) by_proxy[p].push_back(row[p]);
  }
  if (accuracy.size() < 3) throw Error(table.path() + ": fewer than 3 of the scored cells are in the table");
  std::printf("proxy\tspearman\tkendall_tau\tcells\n");
  for (int p = 0; p < kZeroCostProxyCount; ++p)
    std::printf("%s\t%.4f\t%.4f\t%zu\n", zero_cost_proxy_name(kZeroCostProxies[p]).c_str(),
                spearman(by_proxy[p], accuracy), kendall_tau_b(by_proxy[p], accuracy), accuracy.size());
}

// The cells of --arch, else --sample of the de-duplicated space drawn with the seed, else all of it.
std::vector<std::string> chosen_cells(const cxxopts::ParseResult& args, uint64_t seed) {
  const int sample = args["sample"].as<int>();
  if (sample < 0) throw Error("--sample must be >= 0, got " + std::to_string(sample));
  const Nb201Space space;
  std::vector<std::string> cells;
  if (args.count("arch")) {
    for (const auto& arch : args["arch"].as<std::vector<std::string>>())
      cells.push_back(space.format(space.parse(arch)));
    return cells;
  }
  std::vector<Arch> pool = draw_pool(space, PoolSettings{true, 0, seed});
  Rng rng(seed);
  rng.shuffle(pool);
  if (sample > 0 && static_cast<size_t>(sample) < pool.size()) pool.resize(static_cast<size_t>(sample));
  for (const Arch& config : pool) cells.push_back(space.format(config));
  return cells;
}

// Scores the cells `scores` lacks, appending each to `out` as soon as it is computed (stdout without one),
// with progress and ETA on stderr.
void score_missing_cells(const std::vector<std::string>& cells, const ProxySettings& settings,
                         const std::string& out, std::map<std::string, ZeroCostScores>& scores) {
  std::ofstream csv;
  if (!out.empty()) {
    require_file_destination(out);
    const bool fresh = scores.empty();
    csv.open(out, fresh ? std::ios::trunc : std::ios::app);
    if (fresh) csv << settings.header() << "\n" << csv_columns() << "\n" << std::flush;
  }
  size_t missing = 0, computed = 0;
  for (const auto& cell : cells) missing += scores.count(cell) == 0;
  if (missing == 0) return;
  const ImageDataset batch = proxy_batch(settings);
  const ProxyPreset preset = find_preset(settings.preset);
  const auto start = std::chrono::steady_clock::now();
  for (const auto& cell : cells) {
    if (scores.count(cell)) continue;
    const ZeroCostScores row = zero_cost_scores(Nb201Cell::parse(cell), batch, preset, settings.seed);
    scores[cell] = row;
    std::ostringstream line;
    line.precision(17);
    line << cell;
    for (double score : row) line << "," << score;
    if (csv.is_open()) {
      csv << line.str() << "\n" << std::flush;
      if (!csv) throw Error(out + ": cannot append (disk full?)");
    } else {
      std::printf("%s\n", line.str().c_str());
    }
    ++computed;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (computed % 10 == 0 || computed == missing)
      std::fprintf(stderr, "[%zu/%zu] %.2f s per cell, ETA %s\n", computed, missing, elapsed / computed,
                   format_duration(elapsed / computed * static_cast<double>(missing - computed)).c_str());
  }
}

}  // namespace

int run_proxies_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Zero-cost proxies of NB201 cells at initialization on a batch of a dataset's images: synflow, snip, "
      "grad_norm, fisher, naswot, jacov, params, flops (higher is better). Cells: --arch, else --sample "
      "drawn ones, else every cell up to isomorphism. With --out the CSV is appended cell by cell and a "
      "rerun "
      "computes only the missing cells; with --table each proxy's Spearman and Kendall tau against it.");
  options.add_options()("dataset", "Dataset spec whose images the networks see",
                        cxxopts::value<std::string>())("arch", "A cell (repeatable)",
                                                       cxxopts::value<std::vector<std::string>>())(
      "sample", "Cells drawn from the de-duplicated space (0 = all 6,466)",
      cxxopts::value<int>()->default_value("0"))("preset",
                                                 "Network (width, depth, resolution) of this training preset",
                                                 cxxopts::value<std::string>()->default_value("fast"))(
      "batch", "Images in the batch", cxxopts::value<int>()->default_value("64"))(
      "seed", "Seed of the batch and of the networks' initialization",
      cxxopts::value<uint64_t>()->default_value("0"))("out", "CSV of the scores (resumable)",
                                                      cxxopts::value<std::string>())(
      "table", "FILE[:COLUMN] of accuracies to correlate with (default column test_acc)",
      cxxopts::value<std::string>());
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "dataset", "SPEC");
  ProxySettings settings;
  settings.dataset = args["dataset"].as<std::string>();
  settings.preset = args["preset"].as<std::string>();
  settings.batch = args["batch"].as<int>();
  settings.seed = args["seed"].as<uint64_t>();
  if (settings.batch < 2 || settings.batch > 4096)
    throw Error("--batch must be in 2..4096, got " + std::to_string(settings.batch));
  find_preset(settings.preset);  // names the known presets

  const std::vector<std::string> cells = chosen_cells(args, settings.seed);
  const std::string out = args.count("out") ? args["out"].as<std::string>() : "";
  std::map<std::string, ZeroCostScores> scores =
      out.empty() ? decltype(scores){} : read_scores(out, settings);
  score_missing_cells(cells, settings, out, scores);
  if (args.count("table")) {
    std::map<std::string, ZeroCostScores> chosen;
    for (const auto& cell : cells) chosen[cell] = scores[cell];
    print_correlations(args["table"].as<std::string>(), chosen);
  }
  return 0;
}

}  // namespace tnas
