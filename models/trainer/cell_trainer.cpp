#include "models/trainer/cell_trainer.h"

#include <ATen/autocast_mode.h>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>

#include "basics/error.h"
#include "basics/rng.h"
#include "datasets/images/subtask_sampler.h"
#include "models/network/classifier_network.h"
#include "models/trainer/batch_augment.h"
#include "models/trainer/calibration.h"
#include "models/trainer/corruptions.h"
#include "models/trainer/cuda_graph_step.h"
#include "models/trainer/image_tensors.h"
#include "models/trainer/step_optimizer.h"
#include "models/trainer/training_state.h"
#include "models/trainer/trivial_augment.h"

namespace tnas {
namespace {

ImageDataset to_network_input(const ImageDataset& images, int resolution) {
  return resize_area(to_rgb(images), resolution);
}

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
    if (device_ == torch::kCUDA)
      at::autocast::set_enabled(false);
    else
      at::autocast::set_cpu_enabled(false);
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

void to_channels_last(ClassifierNetwork& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

// Scales the gradients down to a global norm of at most `max_norm` (torch.nn.utils.clip_grad_norm_), on the
// device and without reading the norm back, so that a step stays capturable as a CUDA graph.
void clip_gradients(const std::vector<torch::Tensor>& parameters, double max_norm) {
  std::vector<torch::Tensor> squares;
  for (const auto& p : parameters)
    if (p.grad().defined()) squares.push_back(p.grad().to(torch::kFloat32).pow(2).sum());
  if (squares.empty()) return;
  const auto scale = (max_norm / (torch::stack(squares).sum().sqrt() + 1e-6)).clamp_max(1.0);
  for (const auto& p : parameters)
    if (p.grad().defined()) p.grad().mul_(scale.to(p.grad().dtype()));
}

// Global cuDNN / cuBLAS switches: strict = reproducible float32, fast = autotuned, TF32 allowed.
void configure_cuda_numerics(bool fast) {
  auto& context = at::globalContext();
  context.setBenchmarkCuDNN(fast);
  context.setDeterministicCuDNN(!fast);
  context.setAllowTF32CuBLAS(fast);
  context.setAllowTF32CuDNN(fast);
}

// Correct predictions and images per class, and the predictions' calibration.
struct ClassCounts {
  std::vector<int64_t> correct, total;
  CalibrationBins calibration;
  double accuracy() const {  // percent over all images
    int64_t c = 0, n = 0;
    for (size_t k = 0; k < total.size(); ++k) c += correct[k], n += total[k];
    return n == 0 ? 0 : 100.0 * static_cast<double>(c) / static_cast<double>(n);
  }
};

ClassCounts evaluate_counts(ClassifierNetwork& net, const torch::Tensor& x, const torch::Tensor& y,
                            const Precision& precision, int classes) {
  ClassCounts counts{std::vector<int64_t>(classes, 0), std::vector<int64_t>(classes, 0), CalibrationBins{}};
  if (x.size(0) == 0) return counts;
  torch::NoGradGuard no_grad;
  net->eval();
  for (int64_t start = 0; start < x.size(0); start += 512) {
    const int64_t n = std::min<int64_t>(512, x.size(0) - start);
    torch::Tensor logits;
    {
      AutocastScope autocast(precision.autocast, precision.device.type());
      logits = net->forward(precision.prepare(x.narrow(0, start, n)));
    }
    const auto labels = y.narrow(0, start, n).to(precision.device);
    const auto hit = logits.argmax(1).eq(labels).to(torch::kInt64);
    const auto confidence = logits.to(torch::kFloat32).softmax(1).amax(1).to(torch::kCPU);
    const auto hit_cpu = hit.to(torch::kCPU);
    const auto confidence_of = confidence.accessor<float, 1>();
    const auto hit_of = hit_cpu.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) counts.calibration.add(confidence_of[i], hit_of[i] != 0);
    const auto correct = torch::zeros({classes}, hit.options()).index_add_(0, labels, hit).to(torch::kCPU);
    const auto total = torch::bincount(labels, {}, classes).to(torch::kCPU);
    const auto c = correct.accessor<int64_t, 1>(), t = total.accessor<int64_t, 1>();
    for (int k = 0; k < classes; ++k) counts.correct[k] += c[k], counts.total[k] += t[k];
  }
  return counts;
}

double accuracy(ClassifierNetwork& net, const torch::Tensor& x, const torch::Tensor& y,
                const Precision& precision) {
  const int classes = x.size(0) == 0 ? 0 : static_cast<int>(y.max().item<int64_t>()) + 1;
  return evaluate_counts(net, x, y, precision, classes).accuracy();
}

// Inference time per image at `batch` (eval mode, no gradients): the median over `repeats` timed forward
// passes after 3 untimed ones, and their coefficient of variation.
std::pair<double, double> inference_latency(ClassifierNetwork& net, const torch::Tensor& example,
                                            int64_t batch, const Precision& precision, int repeats) {
  torch::NoGradGuard no_grad;
  net->eval();
  const auto x = precision.prepare(example.narrow(0, 0, 1)
                                       .expand({batch, example.size(1), example.size(2), example.size(3)})
                                       .contiguous());
  std::vector<double> ms;
  for (int r = 0; r < repeats + 3; ++r) {
    const auto start = std::chrono::steady_clock::now();
    {
      AutocastScope autocast(precision.autocast, precision.device.type());
      auto out = net->forward(x);
      if (precision.device.is_cuda()) torch::cuda::synchronize();
    }
    if (r >= 3)
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
          batch);
  }
  double mean = 0, var = 0;
  for (double v : ms) mean += v / ms.size();
  for (double v : ms) var += (v - mean) * (v - mean) / ms.size();
  std::sort(ms.begin(), ms.end());
  const double median = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  return {median, mean > 0 ? std::sqrt(var) / mean : 0.0};
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
    const Subtask test_task =
        sample_subtask_with_classes(*test_source, test_index, classes, test_config, seed + 1);
    data.train = subtask_images(source, task, "train");
    data.valid = subtask_images(source, task, "valid");
    data.test = subtask_images(*test_source, test_task, "train");
  } else {
    const int available = smallest_class(index);
    const int train_valid = preset.images_per_class > 0 ? preset.images_per_class : available * 4 / 5;
    const int test =
        preset.test_images_per_class > 0 ? preset.test_images_per_class : available - train_valid;
    config.images_per_class = train_valid + test;
    config.test_fraction = static_cast<double>(test) / config.images_per_class;
    config.valid_fraction = preset.valid_fraction * train_valid / config.images_per_class;
    const Subtask task = sample_subtask_with_classes(source, index, classes, config, seed);
    data.train = subtask_images(source, task, "train");
    data.valid = subtask_images(source, task, "valid");
    data.test = subtask_images(source, task, "test");
  }
  const int side = preset.input_resolution(source.height);  // test images too, whatever their source
  data.train = to_network_input(data.train, side);
  data.valid = to_network_input(data.valid, side);
  data.test = to_network_input(data.test, side);
  return data;
}

EvaluationData evaluation_data_from_subtask(const ImageDataset& source, const Subtask& task,
                                            const ProxyPreset& preset) {
  EvaluationData data;
  data.source_channels = source.channels;
  const int side = preset.input_resolution(source.height);
  data.train = to_network_input(subtask_images(source, task, "train"), side);
  data.valid = to_network_input(subtask_images(source, task, "valid"), side);
  data.test = to_network_input(subtask_images(source, task, "test"), side);
  return data;
}

namespace {

// The normalised training, validation and test tensors of one evaluation (training images on the device).
struct TrainingTensors {
  torch::Tensor train_x, train_y, valid_x, valid_y, test_x, test_y, mean, std;
  TrainingTensors(const EvaluationData& data, torch::Device device) {
    // Normalise with the training set's per-channel mean and std. The images stay on the device.
    train_x = to_tensor(data.train);
    mean = train_x.mean({0, 2, 3}, true), std = train_x.std({0, 2, 3}, true, true).clamp_min(1e-3);
    train_x = ((train_x - mean) / std).to(device);
    valid_x = (to_tensor(data.valid) - mean) / std, test_x = (to_tensor(data.test) - mean) / std;
    train_y = labels_tensor(data.train).to(device), valid_y = labels_tensor(data.valid),
    test_y = labels_tensor(data.test);
    mean = mean.to(device), std = std.to(device);
  }
};

// Everything that makes a saved state this run's: continuing a state is exact only with the same cell, data,
// preset (whatever its epochs), seed and schedule.
std::string state_fingerprint(const NetworkBlueprint& network, const ProxyPreset& preset,
                              const TrainOptions& options, int schedule_epochs, int64_t train_images) {
  nlohmann::json p = to_json(preset);
  p.erase("epochs");
  p.erase("grayscale_epochs");
  return network.text() + "|" + p.dump() + "|seed " + std::to_string(options.seed) + "|schedule " +
         std::to_string(schedule_epochs) + "|train images " + std::to_string(train_images);
}

// One seed's network, optimizer and random stream, and the step that trains it for one epoch.
class SeedTraining {
 public:
  SeedTraining(const NetworkBlueprint& network, const Nb201MacroConfig& config, const ProxyPreset& preset,
               uint64_t seed, const Precision& precision)
      : rng_(seed), precision_(precision), preset_(preset) {
    torch::manual_seed(seed);
    net_ = build_network(network, config);
    net_->to(precision.device);
    if (precision.channels_last) to_channels_last(net_);
    opt_ = make_step_optimizer(preset, net_->parameters(), precision.device);
    eager_ = [this](const torch::Tensor& x, const torch::Tensor& y) {
      opt_->zero_grad();
      torch::Tensor loss;
      {
        AutocastScope autocast(precision_.autocast, precision_.device.type());
        loss = torch::cross_entropy_loss(net_->forward(x), y, {}, at::Reduction::Mean, -100,
                                         preset_.label_smoothing);
      }
      loss.backward();
      if (preset_.gradient_clip > 0) clip_gradients(net_->parameters(), preset_.gradient_clip);
      opt_->step();
      return loss.detach();
    };
    if (precision.cuda_graphs) graphed_ = std::make_unique<CudaGraphStep>(eager_);
  }

  // Trains epoch `epoch` (0-based) of a cosine schedule over `total_steps`; returns its mean loss.
  double train_epoch(const TrainingTensors& tensors, int epoch, int64_t batch, int64_t total_steps) {
    const int64_t n = tensors.train_x.size(0), steps_per_epoch = (n + batch - 1) / batch;
    int64_t step = steps_per_epoch * epoch;
    net_->train();
    std::vector<int64_t> order(n);
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    rng_.shuffle(order);
    const auto perm = torch::from_blob(order.data(), {n}, torch::kInt64).to(precision_.device);
    // Summed on the device, read once per epoch: no host synchronisation per step.
    auto loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(precision_.device));
    for (int64_t b = 0; b < steps_per_epoch; ++b) {
      const int64_t count = std::min(batch, n - b * batch);
      const auto ids = perm.narrow(0, b * batch, count);
      auto augmented = augment_batch(tensors.train_x.index_select(0, ids), preset_.augment, rng_);
      if (preset_.trivial_augment)  // on the images in [0, 1], then normalised again
        augmented =
            (trivial_augment(augmented * tensors.std + tensors.mean, rng_) - tensors.mean) / tensors.std;
      const auto x = precision_.prepare(augmented);
      const auto y = tensors.train_y.index_select(0, ids);
      opt_->set_learning_rate(0.5 * preset_.learning_rate *
                              (1 + std::cos(M_PI * static_cast<double>(step) / total_steps)));
      // The graph holds full batches only; a smaller last batch runs eagerly.
      const auto loss = graphed_ && count == batch ? graphed_->run(x, y) : eager_(x, y);
      loss_sum.add_(loss.to(torch::kFloat64) * static_cast<double>(count));
      ++step;
    }
    last_loss_ = loss_sum.item<double>() / n;
    return last_loss_;
  }
  double valid_accuracy(const TrainingTensors& tensors) {
    return accuracy(net_, tensors.valid_x, tensors.valid_y, precision_);
  }
  ClassCounts valid_counts(const TrainingTensors& tensors, int classes) {
    return evaluate_counts(net_, tensors.valid_x, tensors.valid_y, precision_, classes);
  }
  double corrupted_valid_accuracy(const TrainingTensors& tensors, const Corruption& corruption) {
    return accuracy(net_, corruption.apply(tensors.valid_x), tensors.valid_y, precision_);
  }
  std::pair<double, double> latency(const TrainingTensors& tensors, int64_t batch, int repeats) {
    return inference_latency(net_, tensors.train_x, batch, precision_, repeats);
  }
  // Weights, and the peak of CPU tensor bytes during one inference pass of one image (in the network's
  // precision as trained: float32 on CPU).
  MemoryFootprint memory(const TrainingTensors& tensors) {
    if (!precision_.device.is_cpu())
      throw Error("the memory objective is measured on CPU; this training ran on " + precision_.device.str() +
                  " (--device cpu)");
    MemoryFootprint m;
    for (const auto& p : net_->parameters())
      m.weight_bytes += p.numel() * static_cast<int64_t>(p.element_size());
    for (const auto& b : net_->buffers())
      m.weight_bytes += b.numel() * static_cast<int64_t>(b.element_size());
    torch::InferenceMode inference;
    net_->eval();
    const auto x = precision_.prepare(tensors.train_x.narrow(0, 0, 1).contiguous());
    m.peak_activation_bytes = peak_cpu_allocation_bytes([&] { const auto out = net_->forward(x); });
    return m;
  }
  double test_accuracy(const TrainingTensors& tensors) {
    return accuracy(net_, tensors.test_x, tensors.test_y, precision_);
  }
  double last_loss() const { return last_loss_; }
  SeedRun borrow() { return {net_.get(), opt_.get(), &rng_, last_loss_}; }
  void restored(const SeedRun& run) { last_loss_ = run.last_epoch_loss; }

 private:
  Rng rng_;
  Precision precision_;
  ProxyPreset preset_;
  ClassifierNetwork net_;
  std::unique_ptr<StepOptimizer> opt_;
  TrainStepFunction eager_;
  std::unique_ptr<CudaGraphStep> graphed_;
  double last_loss_ = 0;
};

// The run's numerics from its options (and the global CUDA switches they imply), recorded in the result.
Precision choose_precision(const TrainOptions& options, TrainResult& result) {
  result.device = resolve_device(options.device);
  result.mode = resolve_train_mode(options.mode, result.device);
  Precision precision;
  const bool cuda = result.device == ComputeDevice::kCuda, fast = result.mode == TrainingMode::kFast;
  precision.device = torch::Device(cuda ? torch::kCUDA : torch::kCPU);
  precision.channels_last = fast;
  // bf16 autocast on CUDA only: on CPUs without bf16 units (this project's 2-core machines) it made the
  // tiny preset 8x slower, while channels-last alone gave 5-13 % more images/s (bench/RESULTS.md 3b).
  precision.autocast = fast && cuda;
  precision.cuda_graphs = fast && cuda && CudaGraphStep::available();
  result.cuda_graphs = precision.cuda_graphs;
  result.channels_last = precision.channels_last;
  result.autocast = precision.autocast ? "bf16" : "off";
  if (cuda) configure_cuda_numerics(fast);
  return precision;
}

}  // namespace

TrainResult train_and_evaluate(const NetworkBlueprint& network, const EvaluationData& data,
                               const ProxyPreset& preset, const TrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TrainResult result;
  const Precision precision = choose_precision(options, result);
  const int classes = data.train.num_classes();
  Nb201MacroConfig net_config = preset.network(classes);
  net_config.resolution = data.train.height;  // the preset's, or the source's own (FLOPs depend on it)
  result.params = network.params(net_config);
  result.flops = network.flops(net_config);
  result.epochs = preset.epochs_for(data.source_channels);
  if (data.train.size() == 0) throw Error("no training images");
  const int schedule_epochs = options.schedule_epochs > 0 ? options.schedule_epochs : result.epochs;
  if (result.epochs > schedule_epochs)
    throw Error("training to " + std::to_string(result.epochs) + " epochs beyond the schedule's " +
                std::to_string(schedule_epochs));

  const TrainingTensors tensors(data, precision.device);
  const int64_t n = tensors.train_x.size(0), batch = std::min<int64_t>(preset.batch_size, n);
  const int64_t total_steps = (n + batch - 1) / batch * schedule_epochs;
  std::vector<std::unique_ptr<SeedTraining>> seeds;
  std::vector<SeedRun> runs;
  for (int s = 0; s < preset.seeds; ++s) {
    seeds.push_back(std::make_unique<SeedTraining>(network, net_config, preset,
                                                   options.seed + static_cast<uint64_t>(s), precision));
    runs.push_back(seeds.back()->borrow());
  }
  const std::string fingerprint = state_fingerprint(network, preset, options, schedule_epochs, n);
  if (!options.resume_from.empty()) {
    result.start_epoch = load_training_state(options.resume_from, fingerprint, runs);
    if (result.start_epoch > result.epochs)
      throw Error(options.resume_from + ": trained to " + std::to_string(result.start_epoch) +
                  " epochs, more than the " + std::to_string(result.epochs) + " asked for");
    for (int s = 0; s < preset.seeds; ++s) seeds[s]->restored(runs[s]);
  }
  for (int epoch = result.start_epoch; epoch < result.epochs; ++epoch) {
    EpochRecord record;
    record.epoch = epoch + 1;
    for (auto& seed : seeds) {
      const auto epoch_start = std::chrono::steady_clock::now();
      const double loss = seed->train_epoch(tensors, epoch, batch, total_steps);
      record.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
      if (!std::isfinite(loss)) throw Error("training diverged (loss is not finite) for " + network.text());
      record.train_loss += loss / preset.seeds;
      if (options.learning_curve) {
        record.valid_acc += seed->valid_accuracy(tensors) / preset.seeds;
        record.test_acc += seed->test_accuracy(tensors) / preset.seeds;
      }
    }
    if (options.learning_curve) result.curve.push_back(record);
  }
  result.valid_acc_per_class.assign(static_cast<size_t>(classes), 0.0);
  for (auto& seed : seeds) {
    const ClassCounts valid = seed->valid_counts(tensors, classes);
    result.per_seed_valid_acc.push_back(valid.accuracy());
    result.calibration_error += valid.calibration.expected_calibration_error() / preset.seeds;
    for (int k = 0; k < classes; ++k)
      if (valid.total[k] > 0)
        result.valid_acc_per_class[k] += 100.0 * valid.correct[k] / valid.total[k] / preset.seeds;
    result.per_seed_test_acc.push_back(seed->test_accuracy(tensors));
    result.train_loss += seed->last_loss() / preset.seeds;
  }
  if (options.measure_robustness) {
    for (auto& seed : seeds)
      for (const Corruption& corruption : validation_corruptions())
        result.corrupted_valid_acc[corruption.name] +=
            seed->corrupted_valid_accuracy(tensors, corruption) / preset.seeds;
    for (const auto& [name, acc] : result.corrupted_valid_acc)
      result.robust_accuracy += acc / static_cast<double>(result.corrupted_valid_acc.size());
  }
  if (options.measure_memory) result.memory = seeds[0]->memory(tensors);  // the architecture decides
  if (options.measure_latency) {  // the first seed's network: the architecture decides, not the weights
    std::tie(result.latency_ms, result.latency_cv) = seeds[0]->latency(tensors, 1, 30);
    std::tie(result.latency64_ms, result.latency64_cv) = seeds[0]->latency(tensors, 64, 10);
  }
  for (int s = 0; s < preset.seeds; ++s) {
    result.valid_acc += result.per_seed_valid_acc[s] / preset.seeds;
    result.test_acc += result.per_seed_test_acc[s] / preset.seeds;
  }
  if (!options.save_to.empty()) {
    for (int s = 0; s < preset.seeds; ++s) runs[s] = seeds[s]->borrow();
    save_training_state(options.save_to, fingerprint, result.epochs, runs);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

nlohmann::json to_json(const TrainResult& result) {
  nlohmann::json j = {{"valid_acc", result.valid_acc},
                      {"test_acc", result.test_acc},
                      {"train_loss", result.train_loss},
                      {"params_m", result.params / 1e6},
                      {"flops_m", result.flops / 1e6},
                      {"seconds", result.seconds},
                      {"epochs", result.epochs},
                      {"device", enum_name(result.device)},
                      {"mode", enum_name(result.mode)},
                      {"channels_last", result.channels_last},
                      {"autocast", result.autocast},
                      {"cuda_graphs", result.cuda_graphs},
                      {"per_seed_valid_acc", result.per_seed_valid_acc},
                      {"per_seed_test_acc", result.per_seed_test_acc}};
  if (result.start_epoch > 0) j["continued_from_epoch"] = result.start_epoch;
  if (!result.valid_acc_per_class.empty()) j["valid_acc_per_class"] = result.valid_acc_per_class;
  j["calibration_error"] = result.calibration_error;
  if (!result.corrupted_valid_acc.empty())
    j["robustness"] = {{"valid_acc_under", result.corrupted_valid_acc}, {"mean", result.robust_accuracy}};
  if (result.memory.weight_bytes > 0)
    j["memory"] = {{"weight_bytes", result.memory.weight_bytes},
                   {"peak_activation_bytes", result.memory.peak_activation_bytes},
                   {"batch", 1},
                   {"device", "cpu"}};
  if (result.latency_ms > 0)
    j["latency"] = {{"ms_per_image_batch1", result.latency_ms},
                    {"cv_batch1", result.latency_cv},
                    {"ms_per_image_batch64", result.latency64_ms},
                    {"cv_batch64", result.latency64_cv},
                    {"repeats", {30, 10}},
                    {"device", enum_name(result.device)}};
  if (!result.curve.empty()) {
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& e : result.curve)
      curve.push_back({{"epoch", e.epoch},
                       {"valid_acc", e.valid_acc},
                       {"test_acc", e.test_acc},
                       {"train_loss", e.train_loss},
                       {"seconds", e.seconds}});
    j["curve"] = curve;
  }
  return j;
}

}  // namespace tnas
