#include "models/proxies/zero_cost_proxies.h"

#include <cmath>
#include <limits>

#include "basics/error.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "models/network/nb201_network_module.h"
#include "models/trainer/image_tensors.h"

namespace tnas {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::lowest();

struct Batch {
  torch::Tensor images, labels;
};

Batch to_batch(const ImageDataset& data) {
  if (data.size() == 0) throw Error("zero-cost proxies: the batch has no images");
  const auto images = to_tensor(data);
  const auto mean = images.mean({0, 2, 3}, true), std = images.std({0, 2, 3}, true, true).clamp_min(1e-3);
  return {(images - mean) / std, labels_tensor(data)};
}

Nb201Network initialized(const Nb201Cell& cell, const Nb201MacroConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  return Nb201Network(cell, config);
}

// The weights the gradient proxies sum over: those of convolutions and of the classifier (not BatchNorm's).
bool is_layer_weight(const torch::Tensor& parameter) { return parameter.dim() >= 2; }

// snip, grad_norm and fisher from one cross-entropy backward pass in training mode.
void gradient_proxies(const Nb201Cell& cell, const Nb201MacroConfig& config, const Batch& batch,
                      uint64_t seed, ZeroCostScores& scores) {
  auto net = initialized(cell, config, seed);
  net->train();
  ActivationRecorder recorder;
  const auto loss = torch::nn::functional::cross_entropy(net->forward(batch.images), batch.labels);
  for (auto& activation : recorder.outputs)
    if (activation.requires_grad()) activation.retain_grad();
  loss.backward();
  double snip = 0, grad_norm = 0, fisher = 0;
  for (const auto& parameter : net->parameters()) {
    if (!is_layer_weight(parameter) || !parameter.grad().defined()) continue;
    snip += (parameter.grad() * parameter).abs().sum().item<double>();
    grad_norm += parameter.grad().norm().item<double>();
  }
  for (const auto& activation : recorder.outputs) {
    if (!activation.grad().defined()) continue;
    const auto per_channel = (activation * activation.grad()).sum({2, 3});
    fisher += 0.5 * per_channel.pow(2).mean(0).sum().item<double>();
  }
  scores[static_cast<int>(ZeroCostProxy::kSnip)] = snip;
  scores[static_cast<int>(ZeroCostProxy::kGradNorm)] = grad_norm;
  scores[static_cast<int>(ZeroCostProxy::kFisher)] = fisher;
}

// synflow: the product of |weights| along every path, with BatchNorm at its initial running statistics
// (eval mode: no batch dependence) and double precision, so that the products do not overflow.
double synflow(const Nb201Cell& cell, const Nb201MacroConfig& config, uint64_t seed) {
  auto net = initialized(cell, config, seed);
  net->to(torch::kFloat64);
  net->eval();
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : net->parameters()) parameter.abs_();
  }
  const auto ones = torch::ones({1, 3, config.resolution, config.resolution}, torch::kFloat64);
  net->forward(ones).sum().backward();
  double score = 0;
  for (const auto& parameter : net->parameters())
    if (is_layer_weight(parameter) && parameter.grad().defined())
      score += (parameter * parameter.grad()).sum().item<double>();
  return std::isfinite(score) ? score : kUndefined;
}

// NASWOT: log |K| of the Hamming-similarity kernel of the images' binary activation codes.
double naswot(const Nb201Cell& cell, const Nb201MacroConfig& config, const Batch& batch, uint64_t seed) {
  auto net = initialized(cell, config, seed);
  net->train();
  torch::NoGradGuard no_grad;
  ActivationRecorder recorder;
  net->forward(batch.images);
  const int64_t n = batch.images.size(0);
  auto kernel = torch::zeros({n, n}, torch::kFloat64);
  for (const auto& activation : recorder.outputs) {
    const auto codes = (activation > 0).reshape({n, -1}).to(torch::kFloat64);
    kernel += codes.matmul(codes.t()) + (1 - codes).matmul((1 - codes).t());
  }
  const auto [sign, log_det] = torch::linalg_slogdet(kernel);
  const double value = log_det.item<double>();
  return sign.item<double>() > 0 && std::isfinite(value) ? value : kUndefined;
}

// jacov: how decorrelated the input Jacobians of the images are (Mellor et al. 2020's score).
double jacov(const Nb201Cell& cell, const Nb201MacroConfig& config, const Batch& batch, uint64_t seed) {
  auto net = initialized(cell, config, seed);
  net->train();
  auto images = batch.images.clone().requires_grad_(true);
  const auto out = net->forward(images);
  out.backward(torch::ones_like(out));
  if (!images.grad().defined()) return kUndefined;  // the output does not depend on the images
  const auto jacobians = images.grad().reshape({images.size(0), -1}).to(torch::kFloat64);
  const auto centered = jacobians - jacobians.mean(1, true);
  const auto norms = centered.norm(2, 1, true);
  if ((norms <= 1e-12).any().item<bool>()) return kUndefined;  // an image whose Jacobian is constant
  const auto unit = centered / norms;
  const auto eigenvalues = torch::linalg_eigvalsh(unit.matmul(unit.t()), "L");
  const double k = 1e-5;
  const double score = -(torch::log(eigenvalues + k) + 1.0 / (eigenvalues + k)).sum().item<double>();
  return std::isfinite(score) ? score : kUndefined;
}

}  // namespace

std::string zero_cost_proxy_name(ZeroCostProxy proxy) {
  switch (proxy) {
    case ZeroCostProxy::kSynflow:
      return "synflow";
    case ZeroCostProxy::kSnip:
      return "snip";
    case ZeroCostProxy::kGradNorm:
      return "grad_norm";
    case ZeroCostProxy::kFisher:
      return "fisher";
    case ZeroCostProxy::kNaswot:
      return "naswot";
    case ZeroCostProxy::kJacov:
      return "jacov";
    case ZeroCostProxy::kParams:
      return "params";
    case ZeroCostProxy::kFlops:
      return "flops";
  }
  return "?";
}

ZeroCostScores zero_cost_scores(const Nb201Cell& cell, const ImageDataset& batch, const ProxyPreset& preset,
                                uint64_t seed) {
  if (batch.channels != 3 || batch.height != batch.width)
    throw Error("zero-cost proxies: the images must be square RGB (see featurizer_input / resize_area)");
  const Batch tensors = to_batch(batch);
  Nb201MacroConfig config = preset.network(batch.num_classes());
  config.resolution = batch.height;
  ZeroCostScores scores{};
  gradient_proxies(cell, config, tensors, seed, scores);
  scores[static_cast<int>(ZeroCostProxy::kSynflow)] = synflow(cell, config, seed);
  scores[static_cast<int>(ZeroCostProxy::kNaswot)] = naswot(cell, config, tensors, seed);
  scores[static_cast<int>(ZeroCostProxy::kJacov)] = jacov(cell, config, tensors, seed);
  scores[static_cast<int>(ZeroCostProxy::kParams)] = static_cast<double>(nb201_param_count(cell, config));
  scores[static_cast<int>(ZeroCostProxy::kFlops)] = static_cast<double>(nb201_flops(cell, config));
  return scores;
}

}  // namespace tnas
