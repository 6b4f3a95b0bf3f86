#include "models/cell_trainer.h"

#include <chrono>
#include <cmath>
#include <ATen/autocast_mode.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "datasets/subtask_sampler.h"
#include "graphs/error.h"
#include "graphs/rng.h"
#include "models/batch_augment.h"
#include "models/trivial_augment.h"
#include "models/cuda_graph_step.h"
#include "models/nb201_network_module.h"
#include "models/nesterov_sgd.h"

namespace tnas {
namespace {

ImageDataset to_network_input(const ImageDataset& d, int resolution) { return resize_area(to_rgb(d), resolution); }

int smallest_class(const ClassIndex& index) {
  size_t n = SIZE_MAX;
  for (int c = 0; c < index.num_classes(); ++c) n = std::min(n, index.images_of(c).size());
  return static_cast<int>(n);
}

std::vector<int> all_classes(int n) {
  std::vector<int> c(n);
  for (int i = 0; i < n; ++i) c[i] = i;
  return c;
}

// Images as a float tensor in [0, 1].
torch::Tensor to_tensor(const ImageDataset& d) {
  auto t = torch::from_blob(const_cast<uint8_t*>(d.pixels.data()), {d.size(), d.channels, d.height, d.width},
                            torch::kUInt8);
  return t.to(torch::kFloat32).div_(255.0);
}

torch::Tensor labels_tensor(const ImageDataset& d) {
  return torch::from_blob(const_cast<int32_t*>(d.labels.data()), {d.size()}, torch::kInt32).to(torch::kInt64);
}

// Autocast to bfloat16 on `device` for the lifetime of the scope (the forward pass and the loss). The cast
// cache is off: weights change in place every step, and a CUDA graph capture must not see cached casts.
class AutocastScope {
 public:
  AutocastScope(bool enabled, torch::DeviceType device) : enabled_(enabled), device_(device) {
    if (!enabled_) return;
    cache_was_enabled_ = at::autocast::is_autocast_cache_enabled();
    at::autocast::set_autocast_cache_enabled(false);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(device_, torch::kBFloat16);
    at::autocast::set_autocast_enabled(device_, true);
#else
    if (device_ == torch::kCUDA) {
      at::autocast::set_autocast_gpu_dtype(torch::kBFloat16);
      at::autocast::set_enabled(true);
    } else {
      at::autocast::set_autocast_cpu_dtype(torch::kBFloat16);
      at::autocast::set_cpu_enabled(true);
    }
#endif
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(device_, false);
#else
    if (device_ == torch::kCUDA) at::autocast::set_enabled(false);
    else at::autocast::set_cpu_enabled(false);
#endif
    at::autocast::set_autocast_cache_enabled(cache_was_enabled_);
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
  torch::DeviceType device_;
  bool cache_was_enabled_ = true;
};

// The numerics a training run uses, from its mode and device.
struct Precision {
  bool channels_last = false, autocast = false, cuda_graphs = false;
  torch::Device device{torch::kCPU};
  torch::Tensor prepare(const torch::Tensor& x) const {
    auto t = x.to(device);
    return channels_last ? t.contiguous(torch::MemoryFormat::ChannelsLast) : t;
  }
};

void to_channels_last(Nb201Network& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

// Global cuDNN / cuBLAS switches: strict = reproducible float32, fast = autotuned, TF32 allowed.
void configure_cuda_numerics(bool fast) {
  auto& context = at::globalContext();
  context.setBenchmarkCuDNN(fast);
  context.setDeterministicCuDNN(!fast);
  context.setAllowTF32CuBLAS(fast);
  context.setAllowTF32CuDNN(fast);
}

double accuracy(Nb201Network& net, const torch::Tensor& x, const torch::Tensor& y, const Precision& precision) {
  if (x.size(0) == 0) return 0;
  torch::NoGradGuard no_grad;
  net->eval();
  int64_t correct = 0;
  for (int64_t start = 0; start < x.size(0); start += 512) {
    const int64_t n = std::min<int64_t>(512, x.size(0) - start);
    torch::Tensor logits;
    {
      AutocastScope autocast(precision.autocast, precision.device.type());
      logits = net->forward(precision.prepare(x.narrow(0, start, n)));
    }
    correct += logits.argmax(1).eq(y.narrow(0, start, n).to(precision.device)).sum().item<int64_t>();
  }
  return 100.0 * static_cast<double>(correct) / static_cast<double>(x.size(0));
}

}  // namespace

EvaluationData prepare_evaluation_data(const ImageDataset& source, const ImageDataset* test_source,
                                       const ProxyPreset& preset, uint64_t seed) {
  if (source.num_classes() < 2)
    throw Error(source.source + ": a dataset needs at least 2 classes to train a classifier, it has " +
                std::to_string(source.num_classes()));
  const ClassIndex index(source);
  const auto classes = all_classes(source.num_classes());
  EvaluationData data;
  data.source_channels = source.channels;
  SubtaskConfig config;
  config.valid_fraction = preset.valid_fraction;
  if (test_source) {
    if (test_source->num_classes() != source.num_classes())
      throw Error(test_source->source + ": has " + std::to_string(test_source->num_classes()) + " classes, " +
                  source.source + " has " + std::to_string(source.num_classes()));
    config.images_per_class = preset.images_per_class > 0 ? preset.images_per_class : smallest_class(index);
    const Subtask task = sample_subtask_with_classes(source, index, classes, config, seed);
    const ClassIndex test_index(*test_source);
    SubtaskConfig test_config;
    test_config.images_per_class =
        preset.test_images_per_class > 0 ? preset.test_images_per_class : smallest_class(test_index);
    test_config.valid_fraction = 0;
    const Subtask test_task = sample_subtask_with_classes(*test_source, test_index, classes, test_config, seed + 1);
    data.train = subtask_images(source, task, "train");
    data.valid = subtask_images(source, task, "valid");
    data.test = subtask_images(*test_source, test_task, "train");
  } else {
    const int available = smallest_class(index);
    const int train_valid = preset.images_per_class > 0 ? preset.images_per_class : available * 4 / 5;
    const int test = preset.test_images_per_class > 0 ? preset.test_images_per_class : available - train_valid;
    config.images_per_class = train_valid + test;
    config.test_fraction = static_cast<double>(test) / config.images_per_class;
    config.valid_fraction = preset.valid_fraction * train_valid / config.images_per_class;
    const Subtask task = sample_subtask_with_classes(source, index, classes, config, seed);
    data.train = subtask_images(source, task, "train");
    data.valid = subtask_images(source, task, "valid");
    data.test = subtask_images(source, task, "test");
  }
  data.train = to_network_input(data.train, preset.resolution);
  data.valid = to_network_input(data.valid, preset.resolution);
  data.test = to_network_input(data.test, preset.resolution);
  return data;
}

EvaluationData evaluation_data_from_subtask(const ImageDataset& source, const Subtask& task,
                                            const ProxyPreset& preset) {
  EvaluationData data;
  data.source_channels = source.channels;
  data.train = to_network_input(subtask_images(source, task, "train"), preset.resolution);
  data.valid = to_network_input(subtask_images(source, task, "valid"), preset.resolution);
  data.test = to_network_input(subtask_images(source, task, "test"), preset.resolution);
  return data;
}

std::string resolve_device(const std::string& requested) {
  const bool cuda = torch::cuda::is_available();
  if (requested == "auto") return cuda ? "cuda" : "cpu";
  if (requested == "cpu") return "cpu";
  if (requested == "cuda") {
    if (!cuda) throw Error("--device cuda: CUDA is not available (this LibTorch " TORCH_VERSION " build or machine has no GPU)");
    return "cuda";
  }
  throw Error("--device must be auto, cpu or cuda, got '" + requested + "'");
}

std::string resolve_train_mode(const std::string& requested, const std::string& device) {
  if (requested == "auto") return device == "cuda" ? "fast" : "strict";
  if (requested == "strict" || requested == "fast") return requested;
  throw Error("--mode must be auto, strict or fast, got '" + requested + "'");
}

TrainResult train_and_evaluate(const Nb201Cell& cell, const EvaluationData& data, const ProxyPreset& preset,
                               const TrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TrainResult result;
  result.device = resolve_device(options.device);
  const torch::Device device(result.device == "cuda" ? torch::kCUDA : torch::kCPU);
  const int classes = data.train.num_classes();
  const Nb201MacroConfig net_config = preset.network(classes);
  result.params = nb201_param_count(cell, net_config);
  result.flops = nb201_flops(cell, net_config);
  result.epochs = preset.epochs_for(data.source_channels);
  if (data.train.size() == 0) throw Error("no training images");
  if (preset.augment != "none" && preset.augment != "crop" && preset.augment != "crop+flip")
    throw Error("preset " + preset.name + ": augment must be none, crop or crop+flip");

  result.mode = resolve_train_mode(options.mode, result.device);
  Precision precision;
  precision.device = device;
  precision.channels_last = result.mode == "fast";
  // bf16 autocast on CUDA only: on CPUs without bf16 units (this project's 2-core machines) it made the
  // tiny preset 8x slower, while channels-last alone gave 5-13 % more images/s (bench/RESULTS.md 3b).
  precision.autocast = result.mode == "fast" && result.device == "cuda";
  precision.cuda_graphs = result.mode == "fast" && result.device == "cuda" && CudaGraphStep::available();
  result.cuda_graphs = precision.cuda_graphs;
  result.channels_last = precision.channels_last;
  result.autocast = precision.autocast ? "bf16" : "off";
  if (result.device == "cuda") configure_cuda_numerics(result.mode == "fast");

  // Normalise with the training set's per-channel mean and std. The images stay on the device.
  auto train_x = to_tensor(data.train);
  const auto mean = train_x.mean({0, 2, 3}, true), std = train_x.std({0, 2, 3}, true, true).clamp_min(1e-3);
  train_x = ((train_x - mean) / std).to(device);
  const auto valid_x = (to_tensor(data.valid) - mean) / std, test_x = (to_tensor(data.test) - mean) / std;
  const auto train_y = labels_tensor(data.train).to(device), valid_y = labels_tensor(data.valid),
             test_y = labels_tensor(data.test);
  const int64_t n = train_x.size(0), batch = std::min<int64_t>(preset.batch_size, n);
  const int64_t steps_per_epoch = (n + batch - 1) / batch;
  const int64_t total_steps = steps_per_epoch * result.epochs;

  for (int s = 0; s < preset.seeds; ++s) {
    const uint64_t seed = options.seed + static_cast<uint64_t>(s);
    torch::manual_seed(seed);
    Rng rng(seed);
    Nb201Network net(cell, net_config);
    net->to(device);
    if (precision.channels_last) to_channels_last(net);
    NesterovSgd opt(net->parameters(), preset.momentum, preset.weight_decay, device);
    const TrainStepFunction eager_step = [&](const torch::Tensor& x, const torch::Tensor& y) {
      opt.zero_grad();
      torch::Tensor loss;
      {
        AutocastScope autocast(precision.autocast, device.type());
        loss = torch::cross_entropy_loss(net->forward(x), y);
      }
      loss.backward();
      opt.step();
      return loss.detach();
    };
    std::unique_ptr<CudaGraphStep> graphed;
    if (precision.cuda_graphs) graphed = std::make_unique<CudaGraphStep>(eager_step);
    int64_t step = 0;
    double last_epoch_loss = 0;
    for (int epoch = 0; epoch < result.epochs; ++epoch) {
      net->train();
      std::vector<int64_t> order(n);
      for (int64_t i = 0; i < n; ++i) order[i] = i;
      rng.shuffle(order);
      const auto perm = torch::from_blob(order.data(), {n}, torch::kInt64).to(device);
      // Summed on the device, read once per epoch: no host synchronisation per step.
      auto loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
      for (int64_t b = 0; b < steps_per_epoch; ++b) {
        const int64_t count = std::min(batch, n - b * batch);
        const auto ids = perm.narrow(0, b * batch, count);
        auto augmented = augment_batch(train_x.index_select(0, ids), preset.augment, rng);
        if (preset.trivial_augment)  // on the images in [0, 1], then normalised again
          augmented = (trivial_augment(augmented * std.to(device) + mean.to(device), rng) - mean.to(device)) / std.to(device);
        const auto x = precision.prepare(augmented);
        const auto y = train_y.index_select(0, ids);
        opt.set_learning_rate(0.5 * preset.learning_rate * (1 + std::cos(M_PI * static_cast<double>(step) / total_steps)));
        // The graph holds full batches only; a smaller last batch runs eagerly.
        const auto loss = graphed && count == batch ? graphed->run(x, y) : eager_step(x, y);
        loss_sum.add_(loss.to(torch::kFloat64) * static_cast<double>(count));
        ++step;
      }
      last_epoch_loss = loss_sum.item<double>() / n;
      if (!std::isfinite(last_epoch_loss)) throw Error("training diverged (loss is not finite) for " + cell.to_string());
    }
    result.per_seed_valid_acc.push_back(accuracy(net, valid_x, valid_y, precision));
    result.per_seed_test_acc.push_back(accuracy(net, test_x, test_y, precision));
    result.train_loss += last_epoch_loss / preset.seeds;
  }
  for (int s = 0; s < preset.seeds; ++s) {
    result.valid_acc += result.per_seed_valid_acc[s] / preset.seeds;
    result.test_acc += result.per_seed_test_acc[s] / preset.seeds;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

nlohmann::json to_json(const TrainResult& r) {
  return {{"valid_acc", r.valid_acc},
          {"test_acc", r.test_acc},
          {"train_loss", r.train_loss},
          {"params_m", r.params / 1e6},
          {"flops_m", r.flops / 1e6},
          {"seconds", r.seconds},
          {"epochs", r.epochs},
          {"device", r.device},
          {"mode", r.mode},
          {"channels_last", r.channels_last},
          {"autocast", r.autocast},
          {"cuda_graphs", r.cuda_graphs},
          {"per_seed_valid_acc", r.per_seed_valid_acc},
          {"per_seed_test_acc", r.per_seed_test_acc}};
}

}  // namespace tnas
