// How well each zero-cost proxy ranks the cells of one subtask of a meta-dataset (issue 26 items 2 and 3):
// for each task, the proxies of its cells on a batch of the task's own training images, in the network of the
// protocol that labelled it, and their Spearman with the cells' validation accuracies; the mean and quartiles
// over tasks. This is the within-subtask ranking the surrogate's fit is judged by (held-out Spearman 0.32 for
// the default checkpoint), measured for each proxy alone.
#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>
#include <map>

#include "basics/cli/cli_options.h"
#include "basics/rank_correlation.h"
#include "basics/rng.h"
#include "bench/bench_util.h"
#include "datasets/meta/meta_dataset.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/bo/target_embedding.h"
#include "meta_train/fit/task_images.h"
#include "models/proxies/zero_cost_proxies.h"
#include "models/surrogate/surrogate.h"

namespace tnas {
namespace {

using bench::quantile;

// `batch` of the task's training images (drawn with the seed), relabelled 0..classes-1, at the side the
// protocol's network sees.
ImageDataset task_batch(const ImageDataset& source, const TaskImages& task, const ProxyPreset& preset,
                        int batch, uint64_t seed) {
  std::vector<size_t> order(task.feature_rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng rng(seed);
  rng.shuffle(order);
  order.resize(std::min(order.size(), static_cast<size_t>(batch)));
  std::vector<int64_t> ids;
  for (size_t i : order) ids.push_back(task.feature_rows[i]);
  ImageDataset images = select_images(source, ids);
  images.class_names.assign(static_cast<size_t>(task.classes), "");
  for (size_t i = 0; i < order.size(); ++i) images.labels[i] = task.labels[order[i]];
  return resize_area(images, preset.input_resolution(images.height));
}

// The checkpoint's zero-shot prediction for `cells` on the task: D from the task's images (the draw tnas
// makes for seed 0), conditioned on the checkpoint's meta-training points.
std::vector<double> zero_shot(const Surrogate& surrogate, const SearchSpace& space,
                              const ImageDataset& source, const TaskImages& task,
                              const std::vector<std::string>& cells) {
  ImageDataset images = select_images(source, task.feature_rows);
  const Eigen::MatrixXf features = surrogate.image_features(images);
  Rng rng(99);
  const Eigen::VectorXf d = surrogate.dataset_embedding(features, task.labels, task.classes, rng);
  std::vector<Arch> configs;
  for (const auto& cell : cells) configs.push_back(space.parse(cell));
  Eigen::VectorXd mean, variance;
  zero_shot_posterior(surrogate, surrogate.kernel_features(d, surrogate.arch_embeddings(space, configs)),
                      mean, variance);
  return std::vector<double>(mean.data(), mean.data() + mean.size());
}

// The per-task Spearman of every proxy and of the zero-shot prediction, appended to `per_predictor`.
struct Scoring {
  const Surrogate& surrogate;
  std::map<std::string, std::string> specs;
  int tasks_wanted = 0, batch = 64;
  std::vector<std::vector<double>> per_predictor = std::vector<std::vector<double>>(kZeroCostProxyCount + 1);
  size_t cells_scored = 0;
};

void score_meta_dataset(const std::string& meta, Scoring& scoring) {
  const MetaDataset md = read_meta_dataset(meta);
  const auto progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  std::map<std::string, std::string> specs;  // the overrides of this file's sources (one file may lack some)
  for (const MetaSource& source : md.sources)
    if (scoring.specs.count(source.name)) specs[source.name] = scoring.specs.at(source.name);
  const std::vector<ImageDataset> sources = load_meta_sources(md, specs, meta, progress);
  const std::vector<TaskImages> tasks = list_task_images(md, sources, meta);
  const size_t task_count = scoring.tasks_wanted > 0
                                ? std::min(tasks.size(), static_cast<size_t>(scoring.tasks_wanted))
                                : tasks.size();
  const Nb201Space space;
  const double start = bench::now_seconds();
  for (size_t t = 0; t < task_count; ++t) {
    if (tasks[t].classes < 2) continue;
    const ImageDataset& images = sources[static_cast<size_t>(md.tasks[t].source)];
    const MetaSource& source = md.sources[static_cast<size_t>(md.tasks[t].source)];
    const nlohmann::json protocol =
        nlohmann::json::parse(source.proxy_config.empty() ? md.proxy_config : source.proxy_config);
    const ProxyPreset preset = find_preset(
        (protocol.contains("preset") ? protocol["preset"] : protocol).at("name").get<std::string>());
    const ImageDataset batch = task_batch(images, tasks[t], preset, scoring.batch, md.tasks[t].seed);
    std::vector<double> accuracy;
    std::vector<std::string> cells;
    std::vector<std::vector<double>> scores(kZeroCostProxyCount);
    for (const MetaResult& r : md.results) {
      if (r.task != static_cast<int32_t>(t) || r.valid_acc < 0) continue;
      cells.push_back(md.archs[static_cast<size_t>(r.arch)].string);
      const ZeroCostScores row = zero_cost_scores(Nb201Cell::parse(cells.back()), batch, preset, 0);
      accuracy.push_back(r.valid_acc);
      for (int p = 0; p < kZeroCostProxyCount; ++p) scores[p].push_back(row[p]);
    }
    if (accuracy.size() < 3) continue;
    scoring.cells_scored += cells.size();
    for (int p = 0; p < kZeroCostProxyCount; ++p)
      scoring.per_predictor[p].push_back(spearman(scores[p], accuracy));
    scoring.per_predictor[kZeroCostProxyCount].push_back(
        spearman(zero_shot(scoring.surrogate, space, images, tasks[t], cells), accuracy));
    std::fprintf(stderr, "%s [%zu/%zu] task %zu: %zu cells, %.1f s so far\n", meta.c_str(), t + 1, task_count,
                 t, accuracy.size(), bench::now_seconds() - start);
  }
}

int run(int argc, char** argv) {
  cxxopts::Options options("proxies_within_subtask",
                           "Zero-cost proxies' within-subtask Spearman on meta-datasets");
  options.add_options()("meta", "Meta-dataset (.h5; repeatable: the tasks of all)",
                        cxxopts::value<std::vector<std::string>>())(
      "source", "NAME=SPEC overriding the recorded path of the source NAME in any --meta (repeatable)",
      cxxopts::value<std::vector<std::string>>())("tasks", "The first N tasks of each (0 = all)",
                                                  cxxopts::value<int>()->default_value("0"))(
      "batch", "Images per batch", cxxopts::value<int>()->default_value("64"))(
      "checkpoint", "Surrogate whose zero-shot ranking is compared",
      cxxopts::value<std::string>()->default_value("checkpoints/default"))(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "meta", "FILE.h5");
  const Surrogate surrogate = Surrogate::load(args["checkpoint"].as<std::string>(), "nb201");
  Scoring scoring{surrogate, {}};
  scoring.tasks_wanted = args["tasks"].as<int>();
  scoring.batch = args["batch"].as<int>();
  if (args.count("source"))
    for (const auto& item : args["source"].as<std::vector<std::string>>())
      scoring.specs[item.substr(0, item.find('='))] = item.substr(item.find('=') + 1);
  const double start = bench::now_seconds();
  const auto metas = args["meta"].as<std::vector<std::string>>();
  for (const auto& meta : metas) score_meta_dataset(meta, scoring);
  const auto& per_proxy = scoring.per_predictor;
  const size_t cell_count = scoring.cells_scored;
  std::printf("| proxy | mean within-subtask Spearman | quartiles | tasks |\n| --- | --- | --- | --- |\n");
  nlohmann::json rows = nlohmann::json::array();
  for (int p = 0; p <= kZeroCostProxyCount; ++p) {
    const std::string name = p < kZeroCostProxyCount
                                 ? zero_cost_proxy_name(kZeroCostProxies[p])
                                 : "tnas zero-shot (" + args["checkpoint"].as<std::string>() + ")";
    const auto& values = per_proxy[p];
    double mean = 0;
    for (double v : values) mean += v / static_cast<double>(values.size());
    std::printf("| %s | %.3f | %.3f / %.3f | %zu |\n", name.c_str(), mean, quantile(values, 0.25),
                quantile(values, 0.75), values.size());
    rows.push_back({{"predictor", name}, {"spearman_per_task", values}});
  }
  std::printf("\n%zu cells of %zu tasks in %.0f s (one thread).\n", cell_count, per_proxy[0].size(),
              bench::now_seconds() - start);
  bench::write_json(args["out"].as<std::string>() + "/proxies_within_subtask.json",
                    {{"machine", bench::machine()}, {"meta", metas}, {"rows", rows}});
  return 0;
}

}  // namespace
}  // namespace tnas

int main(int argc, char** argv) {
  return tnas::bench::guarded_main("proxies_within_subtask", tnas::run, argc, argv);
}
