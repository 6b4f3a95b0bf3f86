// Bayesian optimization with the deep-kernel GP: `tnas` (meta-learned surrogate, frozen encoders, GP
// hyperparameters fine-tuned on the target after every evaluation; Shala et al. 2023; with --adapt mlp the
// deep kernel's MLP as well, as FSBO) and `gp` (the same model with random weights, fitted on the target
// only).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/meta/meta_dataset.h"
#include "meta_test/bo/acquisition.h"
#include "meta_test/bo/additive_gp.h"
#include "meta_test/bo/pool_embedding_cache.h"
#include "meta_test/bo/target_embedding.h"
#include "meta_test/bo/wl_kernel_cache.h"
#include "meta_test/constraints/feasibility_model.h"
#include "meta_test/methods/search_methods.h"
#include "models/protocol/training_protocol.h"
#include "models/proxies/proxy_inputs.h"
#include "models/runtime/runtime.h"
#include "models/surrogate/checkpoint_location.h"
#include "models/surrogate/gp_regression.h"
#include "models/surrogate/surrogate.h"

namespace tnas {
namespace {

// How many times the images D needs are featurized when D is redrawn every step, so that the draws differ.
constexpr size_t kPerStepReservoir = 5;

bool redraws_dataset_embedding(const DeepKernelSettings& settings) {
  return settings.meta_trained && settings.dataset_embedding == DatasetEmbedding::kPerStep;
}

// Everything the pool embedding is computed from, or "" when it cannot be cached (a checkpoint without
// content hashes). The runtime (versions, threads) is part of it, because another thread count can round
// the embeddings differently, and so is the encoder's arithmetic (the level-synchronous DAG-GRU sums in
// another order than the node-by-node one whose embeddings older caches hold).
std::string pool_embedding_key(const SearchContext& context, const DeepKernelSettings& settings,
                               const Surrogate& surrogate) {
  std::string pool;
  for (const Arch& config : context.pool) pool += context.space->format(config) + "\n";
  std::string key = "space " + context.space->name() + "|pool " + content_hash(pool.data(), pool.size()) +
                    "|seed " + std::to_string(context.seed) + "|runtime " + runtime_versions().dump() +
                    "|encoder level-synchronous";
  if (!settings.meta_trained) return key + "|random encoder " + to_json(surrogate.options()).dump();
  const nlohmann::json manifest = surrogate.manifest();
  if (!manifest.contains("files")) return "";
  key += "|checkpoint " + manifest.dump();
  if (surrogate.options().protocol_inputs) key += "|protocol " + settings.target_protocol;
  if (surrogate.options().dataset_embedding)
    key += "|dataset " + dataset_identity(parse_dataset_spec(settings.dataset)) + "|reservoir " +
           std::to_string(redraws_dataset_embedding(settings) ? kPerStepReservoir : 1);
  return key;
}

// The pool's architecture embeddings, and for tnas with a dataset encoder the featurized target images and
// the first D.
PoolEmbedding embed_pool_and_target(const SearchContext& context, const DeepKernelSettings& settings,
                                    const Surrogate& surrogate) {
  PoolEmbedding setup;
  setup.arch_embeddings = surrogate.arch_embeddings(*context.space, context.pool);
  if (settings.meta_trained)  // a checkpoint that reads zero-cost proxies gets them on the target's images
    append_proxy_inputs(setup.arch_embeddings, surrogate.options().proxy_inputs, *context.space, context.pool,
                        settings.dataset);
  if (settings.meta_trained && surrogate.options().protocol_inputs)  // and its protocol, the target's
    append_protocol_inputs(setup.arch_embeddings, target_training_protocol(settings.target_protocol));
  setup.dataset_embedding = Eigen::VectorXf::Zero(surrogate.options().nz);
  if (!settings.meta_trained || !surrogate.options().dataset_embedding) return setup;
  // D needs images_per_class images per class: featurize only those, or, when D is redrawn every step, a
  // reservoir of kPerStepReservoir times as many to draw from.
  Rng rng(context.seed + 99);
  const size_t per_class = static_cast<size_t>(surrogate.options().images_per_class) *
                           (redraws_dataset_embedding(settings) ? kPerStepReservoir : 1);
  TargetFeatures target = featurize_target(surrogate, settings.dataset, per_class, rng);
  setup.dataset_embedding = surrogate.dataset_embedding(target.features, target.labels, target.classes, rng);
  setup.target_features = std::move(target.features);
  setup.target_labels = std::move(target.labels);
  setup.target_classes = target.classes;
  return setup;
}

// The reference's warm start: each pool row's mean accuracy in the checkpoint's meta-training data (-1e300
// for a cell it never saw), so that the warm start takes the best of those.
Eigen::VectorXd meta_data_means(const SearchContext& context, const DeepKernelSettings& settings,
                                const Surrogate& surrogate) {
  const auto manifest = surrogate.manifest();
  std::string path = manifest.contains("meta_dataset") ? manifest["meta_dataset"].value("path", "") : "";
  if (!path.empty() && !std::filesystem::exists(path))
    path = (std::filesystem::path(settings.checkpoint).parent_path().parent_path() / path).string();
  if (path.empty() || !std::filesystem::exists(path))
    throw Error(settings.checkpoint + ": its meta-dataset (" + path +
                ") is not available for --warm-start-from meta-data");
  const MetaDataset md = read_meta_dataset(path);
  std::unordered_map<std::string, std::pair<double, int>> by_key;
  for (const auto& r : md.results) {
    auto& [sum, count] = by_key[context.space->iso_key(context.space->parse(md.archs[r.arch].string))];
    sum += r.valid_acc;
    ++count;
  }
  Eigen::VectorXd means = Eigen::VectorXd::Constant(static_cast<long>(context.pool.size()), -1e300);
  for (size_t i = 0; i < context.pool.size(); ++i)
    if (auto it = by_key.find(context.space->iso_key(context.pool[i])); it != by_key.end())
      means(static_cast<long>(i)) = it->second.first / it->second.second;
  return means;
}

// A feature of every pool cell, standardized over the pool (zero mean, unit variance; unchanged scale when
// constant), so that it can serve as a linear kernel family.
Eigen::VectorXd standardized_over_pool(const Eigen::VectorXd& values) {
  const double mean = values.mean(), sd = std::sqrt((values.array() - mean).square().mean());
  return (values.array() - mean) / (sd > 1e-12 ? sd : 1.0);
}

// log(parameters) of each pool cell, standardized over the pool: the size proxy as a kernel feature.
Eigen::VectorXd log_params(const SearchContext& context) {
  Eigen::VectorXd values(static_cast<long>(context.pool.size()));
  for (size_t i = 0; i < context.pool.size(); ++i)
    values(static_cast<long>(i)) =
        std::log(std::max<double>(1.0, static_cast<double>(context.space->cost(context.pool[i]).params)));
  return standardized_over_pool(values);
}

class DeepKernelBo final : public SearchMethod, public AccuracyModel {
 public:
  DeepKernelBo(const SearchContext& context, const ProposalSettings& proposal,
               const DeepKernelSettings& settings)
      : pool_(*context.space, context.pool, context.prior),
        proposal_(proposal),
        s_(settings),
        acquisition_(proposal.acquisition, proposal.ucb_beta),
        seed_(context.seed) {
    std::optional<Surrogate> surrogate;
    if (settings.meta_trained) {
      s_.checkpoint = locate_checkpoint(settings.checkpoint);  // config.json records where it was found
      surrogate.emplace(Surrogate::load(s_.checkpoint, context.space->name()));
      label_mean_ = surrogate->label_mean();
      label_std_ = surrogate->label_std();
      initial_ = surrogate->gp_hyperparameters();
    } else {
      SurrogateOptions o;
      o.dataset_embedding = false;
      set_search_space(o, *context.space);
      surrogate.emplace(o, 10, context.seed);  // random weights: no meta-training
    }
    if (settings.meta_trained && surrogate->options().dataset_embedding && settings.dataset.empty())
      throw Error("method tnas needs --dataset (its images condition the surrogate)");
    if (settings.meta_trained && surrogate->options().protocol_inputs)  // checked before any work
      target_protocol_ = tnas::describe(target_training_protocol(settings.target_protocol));
    const auto start = std::chrono::steady_clock::now();
    const std::string key = pool_embedding_key(context, settings, *surrogate);
    const std::string cache = key.empty() ? "" : pool_embedding_cache_path(key);
    std::optional<PoolEmbedding> setup;
    if (!cache.empty()) setup = read_pool_embedding(cache, key);
    setup_cached_ = setup.has_value();
    if (!setup) setup = embed_pool_and_target(context, settings, *surrogate);
    z_ = surrogate->kernel_features(setup->dataset_embedding, setup->arch_embeddings);
    if (settings.meta_trained && setup->zero_shot_mean.size() == 0) {
      Eigen::VectorXd variance;
      zero_shot_posterior(*surrogate, z_, setup->zero_shot_mean, variance);  // meta-training points only
    }
    if (!setup_cached_ && !cache.empty()) write_pool_embedding(cache, key, *setup);
    g_ = std::move(setup->arch_embeddings);
    target_features_ = std::move(setup->target_features);
    target_labels_ = std::move(setup->target_labels);
    target_classes_ = setup->target_classes;
    d_ = std::move(setup->dataset_embedding);
    if (settings.meta_trained && settings.warm_start_from == WarmStartFrom::kMetaData)
      zero_shot_ = meta_data_means(context, s_, *surrogate);
    if (settings.meta_trained) {
      const Eigen::VectorXd& mean = setup->zero_shot_mean;
      if (settings.warm_start_from == WarmStartFrom::kZeroShot ||
          settings.warm_start_from == WarmStartFrom::kZeroShotAndParams)
        zero_shot_ = mean;
      if (settings.warm_start_from == WarmStartFrom::kZeroShotAndParams)
        warm_start_proxy_ = log_params(context);
      // The prior as a kernel feature of the additive GP: standardized over the pool.
      prior_ = standardized_over_pool(mean);
    }
    if (settings.meta_trained && settings.proxy_kernel == ProxyKernel::kParams) proxy_ = log_params(context);
    proxy_evidence_ = settings.proxy_kernel_evidence.value_or(0.0);
    surrogate_.emplace(std::move(*surrogate));
    setup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(history);
    // Warm start for the first warm_start trials, and while no trial has succeeded yet (a parallel search's
    // first proposals can outnumber the warm start before any has finished).
    bool any_ok = false;
    for (const auto& o : history) any_ok = any_ok || o.ok;
    const bool warm = history.size() < static_cast<size_t>(proposal_.warm_start) || !any_ok;
    last_note = warm ? "warm start" : "";
    Arch next = warm ? warm_start(history, done, rng) : acquire(history, done, rng);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  void predict(const std::vector<Observation>& history, const std::vector<long>& candidates, Rng& rng,
               std::vector<double>& mean, std::vector<double>& sd) override {
    // Evaluations still running count as their predicted means (kriging believer) unless --pending none: one
    // posterior is asked for here, so fantasies are represented by their mean too.
    const Posterior p = has_pending(history) && proposal_.pending != PendingTreatment::kNone
                            ? conditioned_posteriors(history, candidates, rng, 0)[0]
                            : posterior(history, candidates, rng);
    mean.resize(candidates.size());
    sd.resize(candidates.size());
    for (size_t c = 0; c < candidates.size(); ++c) {
      mean[c] = p.shift + p.scale * p.mean(static_cast<long>(c));
      sd[c] = p.scale * std::sqrt(std::max(0.0, p.var(static_cast<long>(c))));
    }
  }
  SearchMethod& as_method() override { return *this; }

  nlohmann::json describe() const override {
    nlohmann::json described = {
        {"method", s_.meta_trained ? "tnas" : "gp"},
        {"checkpoint", s_.meta_trained ? s_.checkpoint : ""},
        {"acquisition", acquisition_.describe()},
        {"acquisition_pool", enum_name(proposal_.acquisition_pool)},
        {"mutation_parents", proposal_.mutation_parents},
        {"warm_start", proposal_.warm_start},
        {"warm_start_distance", s_.warm_start_distance},
        {"kernel", enum_name(s_.kernel)},
        {"warm_start_from", enum_name(s_.meta_trained ? s_.warm_start_from : WarmStartFrom::kRandom)},
        {"finetune_steps", s_.finetune_steps},
        {"finetune_lr", s_.finetune_lr},
        {"adapt", enum_name(s_.adapt)},
        {"mlp_lr", s_.adapt == Adaptation::kMlp ? s_.mlp_lr : 0.0},
        {"dataset_embedding",
         enum_name(redraw_d() ? DatasetEmbedding::kPerStep
                              : DatasetEmbedding::kFixed)},  // a constant D is never redrawn
        {"pool_embedding", {{"seconds", setup_seconds_}, {"cached", setup_cached_}}}};
    // Recorded only when set, so that run directories from before the setting existed resume unchanged.
    if (s_.warm_start_top != 1) described["warm_start_top"] = s_.warm_start_top;
    if (widen_below() > 0) described["widen"] = {{"below_sd", widen_below()}, {"sample", s_.widen_sample}};
    if (proxy_.size() > 0) {
      described["proxy_kernel"] = enum_name(*s_.proxy_kernel);
      described["proxy_kernel_evidence"] = proxy_evidence_;
    }
    if (!target_protocol_.empty()) described["target_protocol"] = target_protocol_;
    if (wl_.hierarchical()) described["wl_kernel"] = "hierarchical";
    return described;
  }

 private:
  // The best unevaluated cell by zero-shot prediction that differs in at least warm_start_distance choices
  // from every cell evaluated so far (so that the warm start spreads over the prior's good regions instead of
  // spending its evaluations on near-copies of one cell); the plain best if no cell is that far. With
  // warm_start_top K > 1, one of the K best such cells drawn with the search's seed, so that seeds explore
  // different parts of the prior's top instead of all starting from the same cells. With
  // --warm-start-from zero-shot-and-params every second cell ranks by parameter count instead: a hedge for a
  // target whose training protocol rewards size, which the meta-data's short protocols never showed the
  // prior.
  Arch warm_start(const std::vector<Observation>& history, const std::vector<bool>& done, Rng& rng) {
    if (zero_shot_.size() == 0) return pool_.random_unevaluated(done, rng);
    const bool by_params = warm_start_proxy_.size() > 0 && history.size() % 2 == 1;
    const Eigen::VectorXd& ranking = by_params ? warm_start_proxy_ : zero_shot_;
    // A user prior's default first (as every method); the rest of the warm start is the meta-learned prior's
    // alone, the user's weighing the acquisition after it (piBO). Taking the user's prior into the warm start
    // too (in turn with the zero-shot ranking, or added to it) spent it on cells that agree with the user and
    // left the search stuck near them (bench/RESULTS.md 1r).
    if (auto first = pool_.unevaluated_prior_default(done)) return *first;
    long best = -1;
    std::vector<long> far;
    for (long i = 0; i < ranking.size(); ++i) {
      if (done[i]) continue;
      if (best < 0 || ranking(i) > ranking(best)) best = i;
      if (is_far_from_evaluated(history, i)) far.push_back(i);
    }
    if (best < 0) throw PoolExhausted();
    if (far.empty()) return pool_.configs()[best];
    const size_t top = std::min(far.size(), static_cast<size_t>(std::max(1, s_.warm_start_top)));
    // The best first, ties to the lower pool row (what a single pass keeping the first maximum picks).
    std::partial_sort(far.begin(), far.begin() + static_cast<long>(top), far.end(), [&](long a, long b) {
      return ranking(a) > ranking(b) || (ranking(a) == ranking(b) && a < b);
    });
    const size_t pick = top == 1 ? 0 : static_cast<size_t>(rng.uniform_int(top));
    return pool_.configs()[far[pick]];
  }

  bool is_far_from_evaluated(const std::vector<Observation>& history, long row) const {
    const std::vector<int>& b = pool_.configs()[row].choices;
    for (const auto& o : history) {
      const std::vector<int>& a = o.config.choices;
      int diff = 0;
      for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) diff += a[k] != b[k];
      if (diff < s_.warm_start_distance) return false;
    }
    return true;
  }

  // The kernel families of tnas's additive GP: the fine-tuned deep kernel (unit variance), the zero-shot
  // prediction as a linear kernel, and the WL kernel, each with weight 0, 0.5 or 1
  // (meta_test/bo/additive_gp.h).
  std::vector<KernelFamily> additive_families(const Eigen::MatrixXd& train_distances,
                                              const Eigen::MatrixXd& cross_distances,
                                              const std::vector<long>& rows,
                                              const std::vector<long>& candidates,
                                              const GpHyperparameters& hyperparameters) {
    const std::vector<double> weights = {0.0, 0.5, 1.0};
    const long m = static_cast<long>(candidates.size());
    KernelBlock deep{
        "deep", matern52_from_distances(train_distances, hyperparameters) / hyperparameters.outputscale(),
        matern52_from_distances(cross_distances, hyperparameters) / hyperparameters.outputscale(),
        Eigen::VectorXd::Ones(m)};
    std::vector<KernelFamily> families = {{{deep}, weights},
                                          {{linear_kernel("prior", prior_, rows, candidates)}, weights},
                                          wl_.family(rows, candidates, weights)};
    if (proxy_.size() > 0)
      families.push_back({{linear_kernel("params", proxy_, rows, candidates)}, weights, -proxy_evidence_});
    return families;
  }

  // A linear kernel on one standardized feature of the pool's cells (the zero-shot prediction, a proxy).
  static KernelBlock linear_kernel(const std::string& name, const Eigen::VectorXd& feature,
                                   const std::vector<long>& rows, const std::vector<long>& candidates) {
    Eigen::VectorXd at_rows(static_cast<long>(rows.size())),
        at_candidates(static_cast<long>(candidates.size()));
    for (size_t a = 0; a < rows.size(); ++a) at_rows(static_cast<long>(a)) = feature(rows[a]);
    for (size_t c = 0; c < candidates.size(); ++c)
      at_candidates(static_cast<long>(c)) = feature(candidates[c]);
    return {name, at_rows * at_rows.transpose(), at_rows * at_candidates.transpose(),
            at_candidates.array().square()};
  }

  double widen_below() const { return s_.widen_below.value_or(0.0); }  // set by deep_kernel_settings
  bool per_step_d() const { return redraws_dataset_embedding(s_); }
  bool redraw_d() const { return per_step_d() && target_classes_ > 0; }

  Eigen::MatrixXf arch_rows(const std::vector<long>& indices) const {
    Eigen::MatrixXf g(static_cast<long>(indices.size()), g_.cols());
    for (size_t i = 0; i < indices.size(); ++i) g.row(static_cast<long>(i)) = g_.row(indices[i]);
    return g;
  }

  // The deep kernel on the target at this step: kernel features of the observed cells (rows) and of the
  // candidates, and the GP hyperparameters, fine-tuned on the observations y (standardized with the
  // meta-training statistics). Only these cells are featurized: with D redrawn every step the features of
  // the rest of the pool would be thrown away unused.
  AdaptedKernel deep_kernel_at(const std::vector<long>& rows, const std::vector<long>& candidates,
                               const Eigen::VectorXd& y, Rng& rng) {
    // The reference's behaviour: a fresh draw of images per class gives a fresh D for every step.
    if (redraw_d())
      d_ = surrogate_->dataset_embedding(target_features_, target_labels_, target_classes_, rng);
    if (s_.adapt == Adaptation::kMlp) {
      KernelAdaptation a;
      a.steps = s_.finetune_steps, a.mlp_lr = s_.mlp_lr, a.gp_lr = s_.finetune_lr;
      return surrogate_->adapt_kernel(d_, arch_rows(rows), y, arch_rows(candidates), a);
    }
    AdaptedKernel k;
    if (redraw_d()) {
      k.train = surrogate_->kernel_features(d_, arch_rows(rows));
      k.query = surrogate_->kernel_features(d_, arch_rows(candidates));
    } else {
      k.train.resize(static_cast<long>(rows.size()), z_.cols());
      k.query.resize(static_cast<long>(candidates.size()), z_.cols());
      for (size_t i = 0; i < rows.size(); ++i) k.train.row(static_cast<long>(i)) = z_.row(rows[i]);
      for (size_t i = 0; i < candidates.size(); ++i)
        k.query.row(static_cast<long>(i)) = z_.row(candidates[i]);
    }
    GpRegression gp(k.train, y, initial_);
    gp.fit(s_.finetune_steps, s_.finetune_lr);
    k.hyperparameters = gp.hyperparameters();
    return k;
  }

  // The GP's posterior over `candidates` (standardized units) given the successful observations; `best` is
  // the best standardized observation and accuracy = shift + scale * standardized.
  struct Posterior {
    Eigen::VectorXd mean, var;
    double best = 0, shift = 0, scale = 1;
  };
  // How accuracies are standardized: for the model's prediction (mean, sd) and for the deep kernel's
  // fine-tuning (deep_*: as in meta-training; the gp baseline: as observed). Throws when there is nothing to
  // fit.
  struct Standardization {
    double mean = 0, sd = 1, deep_mean = 0, deep_sd = 1;
  };
  Standardization standardization(const std::vector<double>& ys) const {
    if (ys.empty()) throw Error("search: no successful evaluation to fit the GP on");
    double mean = label_mean_, sd = label_std_;
    if (!s_.meta_trained || s_.kernel == KernelChoice::kAdditive) {  // standardized with the observations
      mean = 0;
      for (double y : ys) mean += y / ys.size();
      double var = 0;
      for (double y : ys) var += (y - mean) * (y - mean) / ys.size();
      sd = var > 1e-12 ? std::sqrt(var) : 1.0;
    }
    return {mean, sd, s_.meta_trained ? label_mean_ : mean, s_.meta_trained ? label_std_ : sd};
  }

  // The successful observations of h: their pool rows, accuracies, standardization, and the accuracies
  // standardized for the deep kernel's fine-tuning (y).
  struct FittingPoints {
    std::vector<long> rows;
    std::vector<double> ys;
    Standardization st;
    Eigen::VectorXd y;
  };
  FittingPoints fitting_points(const std::vector<Observation>& history) const {
    FittingPoints f;
    for (const auto& o : history)
      if (o.ok) f.rows.push_back(pool_.find(o.config)), f.ys.push_back(o.accuracy);
    f.st = standardization(f.ys);
    f.y.resize(static_cast<long>(f.rows.size()));
    for (size_t i = 0; i < f.rows.size(); ++i)
      f.y(static_cast<long>(i)) = (f.ys[i] - f.st.deep_mean) / f.st.deep_sd;
    return f;
  }

  Posterior posterior(const std::vector<Observation>& history, const std::vector<long>& candidates,
                      Rng& rng) {
    const FittingPoints f = fitting_points(history);
    const std::vector<long>& rows = f.rows;
    const std::vector<double>& ys = f.ys;
    const Eigen::VectorXd& y = f.y;
    const double mean = f.st.mean, sd = f.st.sd, deep_mean = f.st.deep_mean, deep_sd = f.st.deep_sd;
    const AdaptedKernel k = deep_kernel_at(rows, candidates, y, rng);
    const Eigen::MatrixXd cross = pairwise_distances(k.train, k.query);
    Posterior p;
    p.mean.resize(static_cast<long>(candidates.size()));
    p.var.resize(p.mean.size());
    if (s_.kernel == KernelChoice::kAdditive) {
      const Eigen::VectorXd ys_std = standardized(ys);
      const auto prediction = fit_additive_gp(
          ys_std,
          additive_families(pairwise_distances(k.train, k.train), cross, rows, candidates, k.hyperparameters),
          {1e-3, 1e-2, 1e-1});
      p.mean = prediction.mean, p.var = prediction.variance, p.best = ys_std.maxCoeff();
      p.shift = mean, p.scale = sd;
      last_note = "kernel " + prediction.kernel;
    } else {
      GpRegression gp(k.train, y, k.hyperparameters);
      gp.predict_from_distances(cross, p.mean, p.var);
      p.best = y.maxCoeff(), p.shift = deep_mean, p.scale = deep_sd;
    }
    return p;
  }

  // The candidates' posterior with the running evaluations of h observed at assumed values, the model fitted
  // on the finished ones only (the deep kernel's fine-tuning, the additive kernel's choice, the
  // standardization), so that only the conditioning changes. draws 0: one posterior, each running evaluation
  // at its predicted mean (kriging believer: the mean stays, the variance around them shrinks); draws > 0:
  // that many posteriors, the running values drawn from their predictive distributions (fantasies), the
  // incumbent including them.
  std::vector<Posterior> conditioned_posteriors(const std::vector<Observation>& history,
                                                const std::vector<long>& candidates, Rng& rng, int draws) {
    const FittingPoints f = fitting_points(history);
    const std::vector<long>& rows = f.rows;
    const Eigen::VectorXd& y = f.y;
    const Standardization& st = f.st;
    std::vector<long> running;
    for (const auto& o : history)
      if (o.pending) running.push_back(pool_.find(o.config));
    std::vector<long> query = candidates;  // the candidates, then the running ones
    query.insert(query.end(), running.begin(), running.end());
    const AdaptedKernel k = deep_kernel_at(rows, query, y, rng);
    const long m = static_cast<long>(candidates.size()), r = static_cast<long>(running.size()),
               n = static_cast<long>(rows.size());
    // Observations and running ones together: their rows and kernel features.
    std::vector<long> all_rows = rows;
    all_rows.insert(all_rows.end(), running.begin(), running.end());
    Eigen::MatrixXd all(n + r, k.train.cols());
    all << k.train, k.query.bottomRows(r);
    const Eigen::MatrixXd to_candidates = pairwise_distances(all, k.query.topRows(m));
    const bool additive = s_.kernel == KernelChoice::kAdditive;
    const Eigen::VectorXd observed = additive ? standardized(f.ys) : y;
    // The fit on the finished observations, and its prediction of the running ones.
    Eigen::VectorXd at_mean, at_var;
    AdditiveGpChoice choice;
    if (additive) {
      const auto families = additive_families(pairwise_distances(k.train, k.train),
                                              pairwise_distances(k.train, k.query.bottomRows(r)), rows,
                                              running, k.hyperparameters);
      choice = choose_additive_gp(observed, families, {1e-3, 1e-2, 1e-1});
      const AdditiveGpPrediction at = predict_additive_gp(observed, families, choice);
      at_mean = at.mean, at_var = at.variance;
    } else {
      GpRegression(k.train, y, k.hyperparameters)
          .predict_from_distances(pairwise_distances(k.train, k.query.bottomRows(r)), at_mean, at_var);
    }
    const auto families = additive ? additive_families(pairwise_distances(all, all), to_candidates, all_rows,
                                                       candidates, k.hyperparameters)
                                   : std::vector<KernelFamily>{};
    std::vector<Posterior> out;
    for (int d = 0; d < std::max(1, draws); ++d) {
      Eigen::VectorXd z = at_mean;
      if (draws > 0)
        for (long j = 0; j < r; ++j) z(j) += std::sqrt(std::max(0.0, at_var(j))) * rng.normal();
      Eigen::VectorXd y_all(n + r);
      y_all << observed, z;
      Posterior p;
      if (additive) {
        const AdditiveGpPrediction pred = predict_additive_gp(y_all, families, choice);
        p.mean = pred.mean, p.var = pred.variance, p.shift = st.mean, p.scale = st.sd;
        last_note = "kernel " + pred.kernel + ", " + std::to_string(r) + " running " +
                    (draws > 0 ? "fantasized" : "believed");
      } else {
        GpRegression(all, y_all, k.hyperparameters).predict_from_distances(to_candidates, p.mean, p.var);
        p.shift = st.deep_mean, p.scale = st.deep_sd;
      }
      p.best = draws > 0 ? y_all.maxCoeff() : observed.maxCoeff();
      out.push_back(std::move(p));
    }
    return out;
  }

  // The acquisition's argmax over the incumbent's unevaluated neighbours (mutation_parents best cells), or
  // over the whole pool. With widening (widen_below > 0), wider candidates are scored in the same posterior,
  // and taken into the argmax only when the local ones promise little: their best expected improvement
  // (UCB: their best bound's margin over the incumbent) is below widen_below standard deviations of the
  // observed accuracies. The wider cells are drawn with a generator of the seed and the history's length,
  // so that the per-step generator (D's draws) is consumed as without widening.
  Arch acquire(const std::vector<Observation>& history, const std::vector<bool>& done, Rng& rng) {
    const bool mutations = proposal_.acquisition_pool == AcquisitionPool::kMutations;
    std::vector<long> candidates =
        pool_.acquisition_candidates(history, done, mutations, proposal_.mutation_parents);
    if (candidates.empty()) throw PoolExhausted();
    const size_t local = candidates.size();
    if (mutations && widen_below() > 0) {
      Rng widen_rng(seed_ * 1000033ULL + history.size());
      const std::vector<long> wider =
          pool_.wider_candidates(history, done, kWidenParents, s_.widen_sample, candidates, widen_rng);
      candidates.insert(candidates.end(), wider.begin(), wider.end());
    }
    const std::vector<double> value = acquisition_values(history, candidates, rng);
    std::vector<double> weighted = weighted_by_prior(value, candidates, history);
    // Constrained EI: log EI + log P(feasible) (0 without measured constraints).
    if (proposal_.feasibility_model && proposal_.acquisition == Acquisition::Kind::kExpectedImprovement) {
      const std::vector<double> log_feasible = feasibility_.log_probability(history, candidates);
      for (size_t c = 0; c < weighted.size(); ++c) weighted[c] += log_feasible[c];
    }
    const size_t local_best = argmax(weighted, 0, local, rng);
    if (local == candidates.size() || !promises_little(history, value[local_best]))
      return pool_.configs()[candidates[local_best]];
    const size_t best = argmax(weighted, 0, weighted.size(), rng);
    last_note += (last_note.empty() ? "" : ", ") + std::string("widened: ") + std::to_string(local) + " + " +
                 std::to_string(candidates.size() - local) + " candidates, " +
                 (best < local ? "a neighbour kept" : "a wider cell taken");
    return pool_.configs()[candidates[best]];
  }

  // piBO: log EI plus (strength / n) log pi(x), n the successful observations; the values as they are without
  // a user prior.
  std::vector<double> weighted_by_prior(std::vector<double> value, const std::vector<long>& candidates,
                                        const std::vector<Observation>& history) const {
    if (!pool_.has_prior()) return value;
    const size_t observations = pool_.fitting_points(history).rows.size();
    for (size_t c = 0; c < value.size(); ++c) value[c] += pool_.prior_log_weight(candidates[c], observations);
    return value;
  }

  // Whether the best local acquisition value (accuracy units) is worth less than widen_below standard
  // deviations of the observed accuracies.
  bool promises_little(const std::vector<Observation>& history, double best_value) const {
    double best = -1e300, mean = 0, square = 0;
    int n = 0;
    for (const auto& o : history)
      if (o.ok) best = std::max(best, o.accuracy), mean += o.accuracy, square += o.accuracy * o.accuracy, ++n;
    if (n < 2) return false;
    mean /= n;
    const double sd = std::sqrt(std::max(0.0, square / n - mean * mean));
    const double gain = proposal_.acquisition == Acquisition::Kind::kExpectedImprovement
                            ? std::exp(best_value)
                            : best_value - best;
    return sd > 0 && gain < widen_below() * sd;
  }

  // The index of the largest of value[from, to); exact ties broken with the seed (rng drawn only then), so
  // that seeds do not all follow the lowest pool row.
  static size_t argmax(const std::vector<double>& value, size_t from, size_t to, Rng& rng) {
    std::vector<size_t> tied;
    for (size_t c = from; c < to; ++c) {
      if (!tied.empty() && value[c] < value[tied[0]]) continue;
      if (!tied.empty() && value[c] > value[tied[0]]) tied.clear();
      tied.push_back(c);
    }
    return tied.size() == 1 ? tied[0] : tied[rng.uniform_int(tied.size())];
  }

  // Whether some evaluations are still running, and there are finished ones to predict them from.
  static bool has_pending(const std::vector<Observation>& history) {
    bool pending = false, fitted = false;
    for (const auto& o : history) pending = pending || o.pending, fitted = fitted || o.ok;
    return pending && fitted;
  }

  // The acquisition at the candidates, accounting for the evaluations still running
  // (ProposalSettings::pending), in accuracy units (Acquisition::in_accuracy_units).
  std::vector<double> acquisition_values(const std::vector<Observation>& history,
                                         const std::vector<long>& candidates, Rng& rng) {
    if (!has_pending(history) || proposal_.pending == PendingTreatment::kNone)
      return in_accuracy_units(posterior(history, candidates, rng));
    if (proposal_.pending == PendingTreatment::kBeliever)
      return in_accuracy_units(conditioned_posteriors(history, candidates, rng, 0)[0]);
    // fantasies: log EI averaged over draws of the running ones' values.
    std::vector<std::vector<double>> per_fantasy(candidates.size());
    for (const Posterior& p : conditioned_posteriors(history, candidates, rng, kFantasies)) {
      const std::vector<double> a = acquisition_at(p);
      for (size_t c = 0; c < a.size(); ++c)
        per_fantasy[c].push_back(acquisition_.in_accuracy_units(a[c], p.shift, p.scale));
    }
    std::vector<double> value(candidates.size());
    for (size_t c = 0; c < value.size(); ++c) value[c] = acquisition_.average(per_fantasy[c]);
    return value;
  }

  std::vector<double> in_accuracy_units(const Posterior& posterior) const {
    std::vector<double> a = acquisition_at(posterior);
    for (double& value : a) value = acquisition_.in_accuracy_units(value, posterior.shift, posterior.scale);
    return a;
  }

  std::vector<double> acquisition_at(const Posterior& posterior) const {
    std::vector<double> a(static_cast<size_t>(posterior.mean.size()));
    for (long c = 0; c < posterior.mean.size(); ++c)
      a[static_cast<size_t>(c)] =
          acquisition_(posterior.mean(c), std::sqrt(posterior.var(c) + 1e-12), posterior.best);
    return a;
  }

  static constexpr int kFantasies = 8;
  // Widening: besides the incumbent's two-edit neighbours, the neighbours of this many next-best cells.
  static constexpr int kWidenParents = 4;

  CandidatePool pool_;
  ProposalSettings proposal_;
  DeepKernelSettings s_;
  Acquisition acquisition_;
  uint64_t seed_;
  std::string target_protocol_;  // the target's protocol, for a checkpoint conditioned on it ("" otherwise)
  double label_mean_ = 0, label_std_ = 1, setup_seconds_ = 0;
  bool setup_cached_ = false;  // the pool embedding came from the data cache
  GpHyperparameters initial_;
  std::optional<Surrogate> surrogate_;
  Eigen::VectorXf d_;                // the dataset embedding of this step
  Eigen::MatrixXf g_;                // arch embeddings of the pool (frozen encoder)
  Eigen::MatrixXf target_features_;  // featurized target images D is drawn from
  std::vector<int32_t> target_labels_;
  int target_classes_ = 0;
  Eigen::MatrixXd z_;
  Eigen::VectorXd zero_shot_;
  Eigen::VectorXd prior_;      // zero-shot mean over the pool, standardized (tnas only)
  Eigen::VectorXd proxy_;      // a zero-cost proxy over the pool, standardized (empty: none)
  double proxy_evidence_ = 0;  // nats the proxy family must add to the log marginal likelihood
  Eigen::VectorXd
      warm_start_proxy_;  // log parameter count when the warm start alternates with it (else empty)
  // On a grammar space the WL family is BOHNAS's hierarchical kernel (issue 28): the term tree as one flat
  // graph blurs the levels that the hierarchical kernel compares one by one.
  WlKernelCache wl_{pool_, 2, WlGraphs::kHierarchical};
  FeasibilityModel feasibility_{pool_};
};

}  // namespace

std::unique_ptr<SearchMethod> make_deep_kernel_bo(const SearchContext& context,
                                                  const ProposalSettings& proposal,
                                                  const DeepKernelSettings& deep_kernel) {
  return std::make_unique<DeepKernelBo>(context, proposal, deep_kernel);
}

std::unique_ptr<AccuracyModel> make_deep_kernel_model(const SearchContext& context,
                                                      const ProposalSettings& proposal,
                                                      const DeepKernelSettings& deep_kernel) {
  return std::make_unique<DeepKernelBo>(context, proposal, deep_kernel);
}

}  // namespace tnas
