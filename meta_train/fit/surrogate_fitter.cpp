#include "meta_train/fit/surrogate_fitter.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "basics/memory_scope.h"
#include "datasets/meta/meta_dataset.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_train/fit/checkpoint_folder.h"
#include "meta_train/fit/featurizer_training.h"
#include "meta_train/fit/fit_callbacks.h"
#include "meta_train/fit/fit_loop.h"
#include "meta_train/fit/pair_embedder.h"
#include "meta_train/fit/task_images.h"
#include "models/trainer/cell_trainer.h"

namespace tnas {
namespace {

// Everything that must match for a resume state to be continued.
nlohmann::json fit_config(const FitOptions& o, const Surrogate& surrogate) {
  nlohmann::json c = {{"meta_dataset", o.meta_dataset},
                      {"epochs", o.epochs},
                      {"batch", o.batch},
                      {"learning_rate", o.learning_rate},
                      {"plateau_patience", o.plateau_patience},
                      {"heldout_task_fraction", o.heldout_task_fraction},
                      {"heldout_pair_fraction", o.heldout_pair_fraction},
                      {"featurizer_epochs", o.featurizer_epochs},
                      {"featurizer_images", o.featurizer_images},
                      {"context_size", o.context_size},
                      {"seed", o.seed},
                      {"model", to_json(surrogate.options())}};
  if (surrogate.options().featurizer != FeaturizerKind::kBuiltinCnn)
    c["featurizer"] = surrogate.featurizer_id();
  if (!o.source_specs.empty()) c["sources"] = o.source_specs;
  if (!o.source_protocols.empty()) c["source_protocols"] = o.source_protocols;
  // Recorded only when set, so that a fit without them resumes states written before they existed.
  if (o.rank_loss_weight > 0) c["rank_loss_weight"] = o.rank_loss_weight;
  if (o.selection != FitSelection::kPooled) c["select_by"] = fit_selection_name(o.selection);
  if (o.label != FitLabel::kValid) c["label"] = enum_name(o.label);
  return c;
}

// A fit that will resume (a state of the same settings in out/last) continues with the featurizer it trained
// before, whose weights are in that state: training it again would cost its epochs at every restart (the
// result is the same, the featurizer's training being deterministic).
bool restore_featurizer(Surrogate& surrogate, const FitOptions& options, const CheckpointFolder& folder,
                        const ProgressFn& progress) {
  const auto state = folder.resume_state();
  if (!state || state->value("fit", nlohmann::json()) != fit_config(options, surrogate)) return false;
  const std::string model = folder.resume_file(*state, "model", "model.pt");
  torch::load(surrogate.impl().net, model);
  progress("featurizer: the resumed fit's, from " + model + " (not retrained)");
  return true;
}

// The surrogate, its featurizer trained (built-in one) or restored and the features of every task's images
// computed (with the dataset embedding); `tasks` gets each task's images.
Surrogate prepare_surrogate(const FitOptions& o, const MetaDataset& md, const CheckpointFolder& folder,
                            std::vector<TaskImages>& tasks, FeatureMatrix& features, PairProxyInputs& proxies,
                            const ProgressFn& progress) {
  if (!o.model.proxy_inputs.empty() && !o.model.dataset_embedding)
    throw Error("--proxy-inputs needs the subtasks' images, which --no-dataset-embedding does without");
  if (!o.model.dataset_embedding) {
    tasks.assign(md.tasks.size(), TaskImages{});
    if (o.model.protocol_inputs) append_protocol_inputs(proxies, md, o.source_protocols, o.meta_dataset);
    return Surrogate(o.model, 1, o.seed, o.featurizer_path);
  }
  const std::vector<ImageDataset> sources = load_meta_sources(md, o.source_specs, o.meta_dataset, progress);
  tasks = list_task_images(md, sources, o.meta_dataset);
  if (!o.model.proxy_inputs.empty())
    proxies = pair_proxy_inputs(md, sources, tasks, o.model.proxy_inputs, progress);
  if (o.model.protocol_inputs) append_protocol_inputs(proxies, md, o.source_protocols, o.meta_dataset);
  // The built-in featurizer learns the classes of the source with the most classes that have images.
  size_t featurizer_source = 0;
  for (size_t i = 0; i < sources.size(); ++i)
    if (present_classes(sources[i]).size() > present_classes(sources[featurizer_source]).size())
      featurizer_source = i;
  const ImageDataset& src = sources[featurizer_source];
  const std::vector<int> classes = present_classes(src);
  Surrogate surrogate(o.model, static_cast<int>(classes.size()), o.seed, o.featurizer_path);
  if (surrogate.options().featurizer == FeaturizerKind::kBuiltinCnn &&
      !restore_featurizer(surrogate, o, folder, progress))
    train_builtin_featurizer(surrogate, keep_classes(src, classes), o.featurizer_epochs, o.featurizer_images,
                             o.seed, progress);
  features = task_features(surrogate, md, sources, tasks, o.feature_cache_dir, progress);
  return surrogate;
}

// The deep kernel's standardization of its extra inputs: each one's mean and standard deviation over the
// meta-dataset's pairs (undefined values left out). A protocol input's deviation is at least 1 (a factor of
// 2: they are log2), so that a protocol the meta-data never varies (one channel count, say) does not turn
// a target's other value into a value 10^6 deviations away.
void standardize_extra_inputs(SurrogateImpl& surrogate, const PairProxyInputs& proxies) {
  const size_t count = static_cast<size_t>(kernel_extra_inputs(surrogate.options));
  const size_t first_protocol = surrogate.options.proxy_inputs.size();
  auto mean = torch::zeros({static_cast<int64_t>(count)}), std = torch::ones({static_cast<int64_t>(count)});
  for (size_t p = 0; p < count; ++p) {
    double sum = 0, sum_squares = 0;
    int64_t n = 0;
    for (const auto& [pair, values] : proxies)
      if (std::isfinite(values[p])) sum += values[p], sum_squares += double(values[p]) * values[p], ++n;
    if (n == 0) continue;
    const double m = sum / static_cast<double>(n);
    mean[static_cast<int64_t>(p)] = m;
    std[static_cast<int64_t>(p)] =
        std::max(p >= first_protocol ? 1.0 : 1e-6, std::sqrt(std::max(0.0, sum_squares / n - m * m)));
  }
  torch::NoGradGuard no_grad;
  surrogate.net->kernel->proxy_mean.copy_(mean);
  surrogate.net->kernel->proxy_std.copy_(std);
}

}  // namespace

FitMetrics fit_surrogate(const FitOptions& options, const std::function<void(const std::string&)>& progress) {
  if (options.out.empty()) throw Error("missing --out DIR");
  CheckpointFolder folder(options.out);  // locked and known writable before any work
  const MemoryScope scope("meta-training on " + options.meta_dataset);
  const MetaDataset md = read_meta_dataset(options.meta_dataset);
  // The surrogate encodes the meta-dataset's space: its graphs and, beside them, its numeric features.
  std::unique_ptr<SearchSpace> space;
  try {
    space = make_search_space(md.search_space);
  } catch (const Error& e) {
    throw Error(options.meta_dataset + ": " + e.what());
  }
  FitOptions o = options;
  set_search_space(o.model, *space);
  if (md.results.size() < 10)
    throw Error(o.meta_dataset + ": too few results to fit (" + std::to_string(md.results.size()) + ")");
  const torch::Device device(resolve_device(o.device) == ComputeDevice::kCuda ? torch::kCUDA : torch::kCPU);

  std::vector<TaskImages> tasks;
  FeatureMatrix features;
  PairProxyInputs proxies;
  Surrogate surrogate = prepare_surrogate(o, md, folder, tasks, features, proxies, progress);
  if (!proxies.empty()) standardize_extra_inputs(surrogate.impl(), proxies);
  std::vector<bool> embeddable(md.tasks.size(), true);
  if (o.model.dataset_embedding)  // a task none of whose classes has images is left out (the meta-dataset
                                  // says so)
    for (size_t t = 0; t < tasks.size(); ++t) embeddable[t] = tasks[t].classes > 0;
  FitSplit split =
      split_meta_dataset(md, embeddable, o.heldout_task_fraction, o.heldout_pair_fraction, o.seed, o.label);
  surrogate.set_label_stats(split.label_mean, split.label_std);
  progress(split.describe());

  std::vector<EncoderInput> configs;
  for (const auto& a : md.archs) configs.push_back(encoder_input(*space, space->parse(a.string)));
  std::vector<std::string> source_names;
  for (const auto& s : md.sources) source_names.push_back(s.name);
  SurrogateImpl& s = surrogate.impl();
  const PairEmbedder embedder(s, std::move(tasks), features, std::move(configs), std::move(proxies), device);
  FitLoop loop(s, embedder, std::move(split), source_names,
               FitLoopOptions{o.epochs, o.batch, o.learning_rate, o.context_size, o.seed, o.rank_loss_weight,
                              o.selection});

  const nlohmann::json config = fit_config(o, surrogate);
  nlohmann::json meta_dataset = {{"path", o.meta_dataset},
                                 {"created_by", md.created_by},
                                 {"results", md.results.size()},
                                 {"tasks", md.tasks.size()},
                                 {"proxy_config", nlohmann::json::parse(md.proxy_config)}};
  for (const auto& src : md.sources)
    if (!src.proxy_config.empty())
      meta_dataset["source_proxy_configs"][src.name] = nlohmann::json::parse(src.proxy_config);
  StopOnNonFiniteLoss stop_on_nan;
  PlateauSchedule plateau(o.plateau_patience);
  ProgressLog log(progress);
  KeepBest keep_best([&](FitLoop& l, const FitMetrics&) {
    folder.write_best(surrogate,
                      {{"metrics", l.history().back()}, {"fit", config}, {"meta_dataset", meta_dataset}},
                      {{"context.pt", l.context_bytes()}});
    l.to_device();
  });
  ResumeState resume(folder, config, {&plateau, &keep_best});
  if (resume.resume(loop))
    progress("resuming from " + o.out + "/last after epoch " + std::to_string(loop.epoch()));
  loop.to_device();
  loop.run({&stop_on_nan, &plateau, &log, &keep_best, &resume});
  return keep_best.best();
}

}  // namespace tnas
