#pragma once
// Zero-cost proxies as inputs of the surrogate (issue 26 item 2): per (configuration, dataset), the scores of
// models/proxies/zero_cost_proxies.h on a fixed batch of the dataset's images, so that meta-training learns
// how far to trust each proxy on which kind of dataset. Meta-training (a subtask's images) and meta-testing
// (the target's) compute them the same way: kProxyInputImages images drawn class by class with a fixed seed
// from the featurizer's input (RGB 32x32), area-resized to the fast preset's resolution, in the fast preset's
// network initialized with seed 0 — a function of the cell and the dataset only, never of a search's seed,
// so that every search and fit on the same data shares one cache.
#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "datasets/images/image_dataset.h"
#include "models/proxies/zero_cost_proxies.h"

namespace tnas {

constexpr int kProxyInputImages = 64;

// "synflow" -> kSynflow, ...; nothing for an unknown name.
std::optional<ZeroCostProxy> parse_zero_cost_proxy(const std::string& name);
// A comma-separated list of proxy names ("" or "none": no proxy). Throws tnas::Error naming an unknown or
// repeated one and listing the known ones.
std::vector<ZeroCostProxy> parse_zero_cost_proxy_list(const std::string& text);

// The proxies' batch: of the images `rows` of `images` (labels `row_labels`, in 0..classes-1),
// kProxyInputImages drawn round-robin over the classes with a fixed seed, relabelled 0..classes-1, made
// featurizer input (RGB 32x32) and then area-resized to the fast preset's resolution.
ImageDataset proxy_input_batch(const ImageDataset& images, const std::vector<int64_t>& rows,
                               const std::vector<int32_t>& row_labels, int classes);
// The same from every image of a dataset (the target of a search).
ImageDataset proxy_input_batch(const ImageDataset& images);

using ProxyProgressFn = std::function<void(size_t done, size_t total)>;

// Every proxy of each cell (NB201 strings) on `batch`, read from the on-disk cache
// (data_cache_dir()/zero-cost-proxies/, one file per batch content and runtime, appended cell by cell so that
// a killed run keeps what it computed) or computed and appended. `progress` is called after each computed
// cell.
std::vector<ZeroCostScores> cached_zero_cost_scores(const std::vector<std::string>& cells,
                                                    const ImageDataset& batch,
                                                    const ProxyProgressFn& progress);

// The scores `chosen` needs: those of cached_zero_cost_scores, or, when every chosen proxy is a size
// (params, flops), only the sizes, counted without a network or the cache (the other scores are 0).
std::vector<ZeroCostScores> zero_cost_scores_for(const std::vector<ZeroCostProxy>& chosen,
                                                 const std::vector<std::string>& cells,
                                                 const ImageDataset& batch, const ProxyProgressFn& progress);

// The surrogate's input of the chosen proxies for one cell: sign(v) log(1 + |v|) of each (the scores span
// many orders of magnitude), NaN where a proxy is undefined for the cell (the surrogate reads it as far
// below every defined value).
Eigen::RowVectorXf proxy_input_row(const ZeroCostScores& scores, const std::vector<ZeroCostProxy>& chosen);

class SearchSpace;
struct Arch;

// Appends to G (one row per configuration) the chosen proxies of each configuration on the dataset
// `dataset_spec` (its images as loaded; the proxies' batch drawn from all of them), computed through the
// cache with progress and ETA on stderr. Throws tnas::Error for a space other than nb201 or a dataset that
// cannot be loaded.
void append_proxy_inputs(Eigen::MatrixXf& g, const std::vector<ZeroCostProxy>& chosen,
                         const SearchSpace& space, const std::vector<Arch>& configs,
                         const std::string& dataset_spec);

}  // namespace tnas
