#include "models/proxies/proxy_inputs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/duration_text.h"
#include "basics/error.h"
#include "basics/rng.h"
#include "basics/strict_number.h"
#include "datasets/images/dataset_spec.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "graphs/spaces/search_space.h"
#include "models/runtime/runtime.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {
namespace {

constexpr uint64_t kBatchSeed = 17;   // which images form the batch
constexpr uint64_t kNetworkSeed = 0;  // the networks' initialization
const char* const kPreset = "fast";   // the networks' width and depth, and the batch's resolution

// The cache file of `batch`: keyed by its pixels and labels, the preset, the seeds and the runtime (another
// LibTorch or thread count may round differently).
std::string cache_path(const ImageDataset& batch) {
  std::string key = content_hash(batch.pixels.data(), batch.pixels.size()) + "|" +
                    content_hash(batch.labels.data(), batch.labels.size() * sizeof(int32_t)) + "|classes " +
                    std::to_string(batch.num_classes()) + "|preset " + kPreset + "|seed " +
                    std::to_string(kNetworkSeed) + "|runtime " + runtime_versions().dump();
  return data_cache_dir() + "/zero-cost-proxies/" + content_hash(key.data(), key.size()) + ".tsv";
}

// The scores in a cache file; a line that does not parse (the torn last line of a killed run) is skipped.
std::map<std::string, ZeroCostScores> read_cache(const std::string& path) {
  std::map<std::string, ZeroCostScores> scores;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string cell, value;
    if (!std::getline(fields, cell, '\t')) continue;
    ZeroCostScores row{};
    bool complete = true;
    for (double& score : row) {
      const auto number = std::getline(fields, value, '\t') ? parse_finite_double(value) : std::nullopt;
      if (!number) {
        complete = false;
        break;
      }
      score = *number;
    }
    if (complete) scores[cell] = row;
  }
  return scores;
}

}  // namespace

std::optional<ZeroCostProxy> parse_zero_cost_proxy(const std::string& name) {
  for (ZeroCostProxy proxy : kZeroCostProxies)
    if (zero_cost_proxy_name(proxy) == name) return proxy;
  return std::nullopt;
}

std::vector<ZeroCostProxy> parse_zero_cost_proxy_list(const std::string& text) {
  std::vector<ZeroCostProxy> chosen;
  if (text.empty() || text == "none") return chosen;
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto proxy = parse_zero_cost_proxy(item);
    if (!proxy) {
      std::string known;
      for (ZeroCostProxy p : kZeroCostProxies) known += (known.empty() ? "" : ", ") + zero_cost_proxy_name(p);
      throw Error("unknown zero-cost proxy '" + item + "' (known: " + known + ")");
    }
    for (ZeroCostProxy earlier : chosen)
      if (earlier == *proxy) throw Error("zero-cost proxy '" + item + "' is named twice");
    chosen.push_back(*proxy);
  }
  return chosen;
}

ImageDataset proxy_input_batch(const ImageDataset& images, const std::vector<int64_t>& rows,
                               const std::vector<int32_t>& row_labels, int classes) {
  if (rows.size() != row_labels.size() || classes < 1)
    throw Error("proxy batch: one label per image and at least one class are needed");
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(classes));
  for (size_t i = 0; i < rows.size(); ++i) by_class.at(static_cast<size_t>(row_labels[i])).push_back(rows[i]);
  Rng rng(kBatchSeed);
  for (auto& images : by_class) rng.shuffle(images);
  std::vector<int64_t> picked;
  std::vector<int32_t> labels;
  for (size_t round = 0; picked.size() < static_cast<size_t>(kProxyInputImages); ++round) {
    bool any = false;
    for (int c = 0; c < classes && picked.size() < static_cast<size_t>(kProxyInputImages); ++c)
      if (round < by_class[c].size()) {
        picked.push_back(by_class[c][round]);
        labels.push_back(c);
        any = true;
      }
    if (!any) break;  // fewer images than a batch: all of them
  }
  if (picked.empty()) throw Error(images.source + ": no images for the zero-cost proxies");
  // Made featurizer input (RGB 32x32; unchanged for images that are already) after the draw, so that a large
  // target is not converted whole for 64 images.
  ImageDataset batch = resize_area(to_rgb(select_images(images, picked)), 32);
  batch.labels = labels;
  batch.class_names = numbered_class_names(classes);
  return resize_area(batch, find_preset(kPreset).input_resolution(batch.height));
}

ImageDataset proxy_input_batch(const ImageDataset& images) {
  std::vector<int64_t> rows(static_cast<size_t>(images.size()));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  return proxy_input_batch(images, rows, images.labels, images.num_classes());
}

std::vector<ZeroCostScores> cached_zero_cost_scores(const std::vector<std::string>& cells,
                                                    const ImageDataset& batch,
                                                    const ProxyProgressFn& progress) {
  const std::string path = cache_path(batch);
  std::map<std::string, ZeroCostScores> known = read_cache(path);
  size_t missing = 0;
  for (const auto& cell : cells) missing += known.count(cell) == 0;
  std::ofstream out;
  if (missing > 0) {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    out.open(path, std::ios::app);
    if (!out)
      std::fprintf(stderr, "warning: %s cannot be written: zero-cost proxies are not cached\n", path.c_str());
  }
  const ProxyPreset preset = find_preset(kPreset);
  std::vector<ZeroCostScores> scores;
  size_t done = 0;
  for (const auto& cell : cells) {
    auto it = known.find(cell);
    if (it == known.end()) {
      it = known.emplace(cell, zero_cost_scores(Nb201Cell::parse(cell), batch, preset, kNetworkSeed)).first;
      if (out) {
        out << cell;
        char value[32];
        for (double score : it->second) {
          std::snprintf(value, sizeof value, "\t%.17g", score);
          out << value;
        }
        out << "\n" << std::flush;  // one complete line per cell: a kill loses at most the cell in progress
      }
      if (progress) progress(++done, missing);
    }
    scores.push_back(it->second);
  }
  return scores;
}

std::vector<ZeroCostScores> zero_cost_scores_for(const std::vector<ZeroCostProxy>& chosen,
                                                 const std::vector<std::string>& cells,
                                                 const ImageDataset& batch, const ProxyProgressFn& progress) {
  const bool sizes_only = std::all_of(chosen.begin(), chosen.end(), [](ZeroCostProxy proxy) {
    return proxy == ZeroCostProxy::kParams || proxy == ZeroCostProxy::kFlops;
  });
  if (!sizes_only) return cached_zero_cost_scores(cells, batch, progress);
  Nb201MacroConfig config = find_preset(kPreset).network(batch.num_classes());
  config.resolution = batch.height;  // as zero_cost_scores counts them
  std::vector<ZeroCostScores> scores(cells.size(), ZeroCostScores{});
  for (size_t i = 0; i < cells.size(); ++i) {
    const Nb201Cell cell = Nb201Cell::parse(cells[i]);
    scores[i][static_cast<size_t>(ZeroCostProxy::kParams)] =
        static_cast<double>(nb201_param_count(cell, config));
    scores[i][static_cast<size_t>(ZeroCostProxy::kFlops)] = static_cast<double>(nb201_flops(cell, config));
  }
  return scores;
}

Eigen::RowVectorXf proxy_input_row(const ZeroCostScores& scores, const std::vector<ZeroCostProxy>& chosen) {
  Eigen::RowVectorXf row(static_cast<Eigen::Index>(chosen.size()));
  for (size_t i = 0; i < chosen.size(); ++i) {
    const double value = scores[static_cast<size_t>(chosen[i])];
    row(static_cast<Eigen::Index>(i)) =
        value == std::numeric_limits<double>::lowest()
            ? std::numeric_limits<float>::quiet_NaN()
            : static_cast<float>(std::copysign(std::log1p(std::fabs(value)), value));
  }
  return row;
}

void append_proxy_inputs(Eigen::MatrixXf& g, const std::vector<ZeroCostProxy>& chosen,
                         const SearchSpace& space, const std::vector<Arch>& configs,
                         const std::string& dataset_spec) {
  if (chosen.empty()) return;
  if (space.name() != "nb201")
    throw Error("zero-cost proxies as surrogate inputs exist for nb201 cells only, not " + space.name());
  if (dataset_spec.empty())
    throw Error("this surrogate reads zero-cost proxies of the target's images: give --dataset");
  if (g.rows() != static_cast<Eigen::Index>(configs.size()))
    throw Error("append_proxy_inputs: one row of G per configuration");
  const ImageDataset batch = proxy_input_batch(load_dataset(dataset_spec));
  // One computation per isomorphism class: isomorphic cells are one network.
  std::vector<std::string> cells;
  std::vector<size_t> cell_of(configs.size());
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < configs.size(); ++i) {
    const auto [it, fresh] = by_key.emplace(space.iso_key(configs[i]), cells.size());
    if (fresh) cells.push_back(space.format(configs[i]));
    cell_of[i] = it->second;
  }
  const auto start = std::chrono::steady_clock::now();
  size_t reported = 0;
  const auto scores = zero_cost_scores_for(chosen, cells, batch, [&](size_t done, size_t total) {
    if (done * 20 / total == reported && done != total) return;
    reported = done * 20 / total;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(
        stderr, "zero-cost proxies on %s: %zu/%zu cells, %s left\n", dataset_spec.c_str(), done, total,
        format_duration(seconds / static_cast<double>(done) * static_cast<double>(total - done)).c_str());
  });
  Eigen::MatrixXf out(g.rows(), g.cols() + static_cast<Eigen::Index>(chosen.size()));
  out.leftCols(g.cols()) = g;
  for (size_t i = 0; i < configs.size(); ++i)
    out.block(static_cast<Eigen::Index>(i), g.cols(), 1, static_cast<Eigen::Index>(chosen.size())) =
        proxy_input_row(scores[cell_of[i]], chosen);
  g = std::move(out);
}

}  // namespace tnas
