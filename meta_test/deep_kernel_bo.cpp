// Bayesian optimization with the deep-kernel GP: `tnas` (meta-learned surrogate, frozen encoders, GP
// hyperparameters fine-tuned on the target after every evaluation; Shala et al. 2023) and `gp` (the same
// model with random weights, fitted on the target only).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "datasets/dataset_spec.h"
#include "datasets/meta_dataset.h"
#include "graphs/error.h"
#include "meta_test/acquisition.h"
#include "meta_test/search_methods.h"
#include "meta_test/target_embedding.h"
#include "meta_test/wl_kernel_cache.h"
#include "meta_test/additive_gp.h"
#include "models/gp_regression.h"
#include "models/surrogate.h"

namespace tnas {
namespace {

class BayesOpt final : public SearchMethod {
 public:
  BayesOpt(const SearchContext& c, const BayesOptSettings& s) : pool_(c.pool), s_(s), acquisition_(s.acquisition, s.ucb_beta) {
    std::optional<Surrogate> surrogate;
    if (s.meta_trained) {
      surrogate.emplace(Surrogate::load(s.checkpoint));
      label_mean_ = surrogate->label_mean();
      label_std_ = surrogate->label_std();
      initial_ = surrogate->gp_hyperparameters();
    } else {
      SurrogateOptions o;
      o.dataset_embedding = false;
      surrogate.emplace(o, 10, c.seed);  // random weights: no meta-training
    }
    const auto start = std::chrono::steady_clock::now();
    g_ = surrogate->arch_embeddings(pool_.cells());
    Eigen::VectorXf d = Eigen::VectorXf::Zero(surrogate->options().nz);
    if (s.meta_trained && surrogate->options().dataset_embedding) {
      if (s.dataset.empty()) throw Error("method tnas needs --dataset (its images condition the surrogate)");
      // D needs images_per_class images per class: featurize only those, or, when D is redrawn every step,
      // a reservoir of kPerStepReservoir times as many to draw from.
      Rng rng(c.seed + 99);
      const size_t per_class = static_cast<size_t>(surrogate->options().images_per_class) * (per_step_d() ? kPerStepReservoir : 1);
      TargetFeatures target = featurize_target(*surrogate, s.dataset, per_class, rng);
      target_features_ = std::move(target.features);
      target_labels_ = std::move(target.labels);
      target_classes_ = target.classes;
      d = surrogate->dataset_embedding(target_features_, target_labels_, target_classes_, rng);
    }
    z_ = surrogate->kernel_features(d, g_);
    if (s.meta_trained && s.warm_start_from == "meta-data") {
      // The reference's warm start: the cells with the best mean accuracy in the meta-training data.
      const auto m = surrogate->manifest();
      std::string path = m.contains("meta_dataset") ? m["meta_dataset"].value("path", "") : "";
      if (!path.empty() && !std::filesystem::exists(path))
        path = (std::filesystem::path(s.checkpoint).parent_path().parent_path() / path).string();
      if (path.empty() || !std::filesystem::exists(path))
        throw Error(s.checkpoint + ": its meta-dataset (" + path + ") is not available for --warm-start-from meta-data");
      const MetaDataset md = read_meta_dataset(path);
      std::unordered_map<std::string, std::pair<double, int>> by_key;
      for (const auto& r : md.results) {
        auto& [sum, count] = by_key[Nb201Cell::parse(md.archs[r.arch].string).iso_key()];
        sum += r.valid_acc;
        ++count;
      }
      zero_shot_ = Eigen::VectorXd::Constant(static_cast<long>(pool_.cells().size()), -1e300);
      for (size_t i = 0; i < pool_.cells().size(); ++i)
        if (auto it = by_key.find(pool_.cells()[i].iso_key()); it != by_key.end())
          zero_shot_(static_cast<long>(i)) = it->second.first / it->second.second;
    }
    if (s.meta_trained) {
      Eigen::VectorXd mean, var;
      zero_shot_posterior(*surrogate, z_, mean, var);  // conditioned on meta-training points only
      if (s.warm_start_from == "zero-shot") zero_shot_ = mean;
      // The prior as a kernel feature of the additive GP: standardized over the pool.
      const double mu = mean.mean(), sd = std::sqrt((mean.array() - mu).square().mean());
      prior_ = (mean.array() - mu) / (sd > 1e-12 ? sd : 1.0);
    }
    if (per_step_d() && target_classes_ > 0) surrogate_.emplace(std::move(*surrogate));
    setup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Nb201Cell propose(const std::vector<Observation>& h, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(h);
    last_note = h.size() < static_cast<size_t>(s_.warm_start) ? "warm start" : "";
    Nb201Cell next = h.size() < static_cast<size_t>(s_.warm_start) ? warm_start(h, done, rng) : acquire(h, done, rng);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  nlohmann::json describe() const override {
    return {{"method", s_.meta_trained ? "tnas" : "gp"}, {"checkpoint", s_.meta_trained ? s_.checkpoint : ""},
            {"acquisition", acquisition_.describe()}, {"acquisition_pool", s_.acquisition_pool},
            {"mutation_parents", s_.mutation_parents}, {"warm_start", s_.warm_start}, {"warm_start_distance", s_.warm_start_distance}, {"kernel", s_.kernel},
            {"warm_start_from", s_.meta_trained ? s_.warm_start_from : "random"},
            {"finetune_steps", s_.finetune_steps}, {"finetune_lr", s_.finetune_lr},
            {"dataset_embedding", surrogate_ ? "per-step" : "fixed"},  // a constant D is never redrawn
            {"pool_embedding_seconds", setup_seconds_}};
  }

 private:
  // The best unevaluated cell by zero-shot prediction that differs in at least warm_start_distance edges from
  // every cell evaluated so far (so that the warm start spreads over the prior's good regions instead of
  // spending its evaluations on near-copies of one cell); the plain best if no cell is that far.
  Nb201Cell warm_start(const std::vector<Observation>& h, const std::vector<bool>& done, Rng& rng) {
    if (zero_shot_.size() == 0) return pool_.random_unevaluated(done, rng);
    long best = -1, best_far = -1;
    for (long i = 0; i < zero_shot_.size(); ++i) {
      if (done[i]) continue;
      if (best < 0 || zero_shot_(i) > zero_shot_(best)) best = i;
      if (best_far >= 0 && zero_shot_(i) <= zero_shot_(best_far)) continue;
      bool far = true;
      for (const auto& o : h) {
        int diff = 0;
        for (int k = 0; k < kNb201NumEdges; ++k) diff += o.cell.op(k) != pool_.cells()[i].op(k);
        far = far && diff >= s_.warm_start_distance;
      }
      if (far) best_far = i;
    }
    return pool_.cells()[best_far >= 0 ? best_far : best];
  }

  // The kernel families of tnas's additive GP: the fine-tuned deep kernel (unit variance), the zero-shot
  // prediction as a linear kernel, and the WL kernel, each with weight 0, 0.5 or 1 (meta_test/additive_gp.h).
  std::vector<KernelFamily> additive_families(const Eigen::MatrixXd& x, const Eigen::MatrixXd& cross, const std::vector<long>& rows,
                                              const std::vector<long>& candidates, const GpHyperparameters& h) {
    const std::vector<double> weights = {0.0, 0.5, 1.0};
    const long n = static_cast<long>(rows.size()), m = static_cast<long>(candidates.size());
    KernelBlock deep{"deep", matern52_from_distances(pairwise_distances(x, x), h) / h.outputscale(), Eigen::MatrixXd(n, m),
                     Eigen::VectorXd::Ones(m)};
    Eigen::MatrixXd r(n, m);
    for (long c = 0; c < m; ++c) r.col(c) = cross.col(candidates[c]);
    deep.cross = matern52_from_distances(r, h) / h.outputscale();
    Eigen::VectorXd pr(n), pc(m);
    for (long a = 0; a < n; ++a) pr(a) = prior_(rows[a]);
    for (long c = 0; c < m; ++c) pc(c) = prior_(candidates[c]);
    KernelBlock prior{"prior", pr * pr.transpose(), pr * pc.transpose(), pc.array().square()};
    return {{{deep}, weights}, {{prior}, weights}, wl_.family(rows, candidates, weights)};
  }

  bool per_step_d() const { return s_.meta_trained && s_.dataset_embedding == "per-step"; }

  Nb201Cell acquire(const std::vector<Observation>& h, const std::vector<bool>& done, Rng& rng) {
    if (surrogate_) {
      // The reference's behaviour: a fresh draw of images per class gives a fresh D, hence fresh kernel
      // features for the whole pool; the cached distance rows belong to the old features.
      const Eigen::VectorXf d = surrogate_->dataset_embedding(target_features_, target_labels_, target_classes_, rng);
      z_ = surrogate_->kernel_features(d, g_);
      distance_rows_.clear();
      pool_norms_.resize(0);
    }
    std::vector<long> rows;
    std::vector<double> ys;
    for (const auto& o : h)
      if (o.ok) rows.push_back(pool_.find(o.cell)), ys.push_back(o.accuracy);
    if (rows.empty()) throw Error("search: no successful evaluation to fit the GP on");
    double mean = label_mean_, sd = label_std_;
    if (!s_.meta_trained) {  // no meta-training statistics: standardize with the observations
      mean = 0;
      for (double y : ys) mean += y / ys.size();
      double var = 0;
      for (double y : ys) var += (y - mean) * (y - mean) / ys.size();
      sd = var > 1e-12 ? std::sqrt(var) : 1.0;
    }
    Eigen::MatrixXd x(rows.size(), z_.cols());
    Eigen::VectorXd y(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) x.row(i) = z_.row(rows[i]), y(i) = (ys[i] - mean) / sd;
    // Distance rows from observed cells to the whole pool are kept across steps: one new row per step.
    if (pool_norms_.size() == 0) pool_norms_ = z_.rowwise().squaredNorm();
    Eigen::MatrixXd cross(rows.size(), z_.rows());
    for (size_t i = 0; i < rows.size(); ++i) {
      auto it = distance_rows_.find(rows[i]);
      if (it == distance_rows_.end())
        it = distance_rows_.emplace(rows[i], pairwise_distances(z_.row(rows[i]), z_, &pool_norms_)).first;
      cross.row(i) = it->second;
    }
    GpRegression gp(x, y, initial_);
    gp.fit(s_.finetune_steps, s_.finetune_lr);
    const std::vector<long> candidates =
        pool_.acquisition_candidates(h, done, s_.acquisition_pool == "mutations", s_.mutation_parents);
    Eigen::VectorXd mu(static_cast<long>(candidates.size())), var(mu.size());
    double best = y.maxCoeff();
    if (s_.kernel == "additive") {
      const Eigen::VectorXd ys_std = standardized(ys);
      const auto prediction = fit_additive_gp(ys_std, additive_families(x, cross, rows, candidates, gp.hyperparameters()), {1e-3, 1e-2, 1e-1});
      mu = prediction.mean, var = prediction.variance, best = ys_std.maxCoeff();
      last_note = "kernel " + prediction.kernel;
    } else {
      Eigen::MatrixXd cand_cross(cross.rows(), mu.size());
      for (long c = 0; c < mu.size(); ++c) cand_cross.col(c) = cross.col(candidates[c]);
      gp.predict_from_distances(cand_cross, mu, var);
    }
    long pick = -1;
    double pick_value = -1e300;
    for (long c = 0; c < mu.size(); ++c) {
      const double a = acquisition_(mu(c), std::sqrt(var(c) + 1e-12), best);
      if (a > pick_value) pick_value = a, pick = candidates[c];
    }
    if (pick < 0) throw Error("search: every cell of the pool has been evaluated");
    return pool_.cells()[pick];
  }

  CandidatePool pool_;
  BayesOptSettings s_;
  Acquisition acquisition_;
  double label_mean_ = 0, label_std_ = 1, setup_seconds_ = 0;
  GpHyperparameters initial_;
  static constexpr size_t kPerStepReservoir = 5;
  std::optional<Surrogate> surrogate_;  // kept only when D is redrawn every step
  Eigen::MatrixXf g_;                   // arch embeddings of the pool (frozen encoder)
  Eigen::MatrixXf target_features_;     // featurized target images D is drawn from
  std::vector<int32_t> target_labels_;
  int target_classes_ = 0;
  Eigen::MatrixXd z_;
  Eigen::VectorXd zero_shot_;
  Eigen::VectorXd prior_;  // zero-shot mean over the pool, standardized (tnas only)
  WlKernelCache wl_{pool_};
  Eigen::VectorXd pool_norms_;
  std::unordered_map<long, Eigen::MatrixXd> distance_rows_;  // pool index -> 1 x pool distances
};

}  // namespace

std::unique_ptr<SearchMethod> make_deep_kernel_bo(const SearchContext& c, const BayesOptSettings& bo) {
  return std::make_unique<BayesOpt>(c, bo);
}

}  // namespace tnas
