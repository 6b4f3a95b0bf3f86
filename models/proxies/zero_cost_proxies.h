#pragma once
// Zero-cost proxies: scores of an untrained network that predict how well it will train, computed at
// initialization from one batch of the target's images (one forward and backward pass each): synflow
// (Tanaka et al. 2020), snip (Lee et al. 2019), grad_norm and fisher (Abdelfattah et al. 2021, after Theis et
// al. 2018), NASWOT (Mellor et al. 2021), jacov (Mellor et al. 2020), and the cell's parameters and FLOPs, as
// NAS-Bench-Suite-Zero (Krishnakumar et al. 2022) defines them. Higher is better for every one of them.
#include <array>
#include <cstdint>
#include <string>

#include "datasets/images/image_dataset.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

enum class ZeroCostProxy { kSynflow, kSnip, kGradNorm, kFisher, kNaswot, kJacov, kParams, kFlops };
constexpr int kZeroCostProxyCount = 8;
constexpr std::array<ZeroCostProxy, kZeroCostProxyCount> kZeroCostProxies = {
    ZeroCostProxy::kSynflow, ZeroCostProxy::kSnip,  ZeroCostProxy::kGradNorm, ZeroCostProxy::kFisher,
    ZeroCostProxy::kNaswot,  ZeroCostProxy::kJacov, ZeroCostProxy::kParams,   ZeroCostProxy::kFlops};

std::string zero_cost_proxy_name(ZeroCostProxy proxy);  // "synflow", "snip", "grad_norm", ...

using ZeroCostScores = std::array<double, kZeroCostProxyCount>;  // indexed by the enum's value

// Every proxy of `cell` in the preset's network (its width and depth; the batch's resolution) initialized
// with `seed`, on `batch` (RGB images, all of one size; normalized here by their own per-channel mean and
// std, as the trainer does). A score that is undefined for a cell (NASWOT and jacov of a cell whose output
// does not depend on its input) is the lowest finite double, never NaN. Deterministic on CPU for a seed and
// thread count. Throws tnas::Error for an empty batch or images of mixed sizes.
ZeroCostScores zero_cost_scores(const Nb201Cell& cell, const ImageDataset& batch, const ProxyPreset& preset,
                                uint64_t seed);

}  // namespace tnas
