#include "meta_test/search_methods.h"

#include <chrono>
#include <filesystem>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>

#include "datasets/dataset_spec.h"
#include "datasets/meta_dataset.h"
#include "graphs/error.h"
#include "models/gp_regression.h"
#include "models/surrogate.h"

namespace tnas {
namespace {

// Pool bookkeeping shared by every method: cells by isomorphism key, and what has been evaluated.
class Pool {
 public:
  explicit Pool(const std::vector<Nb201Cell>& cells) : cells_(cells) {
    for (size_t i = 0; i < cells_.size(); ++i) index_.emplace(cells_[i].iso_key(), i);
  }
  const std::vector<Nb201Cell>& cells() const { return cells_; }
  // Pool index of the cell's isomorphism class, or -1.
  long find(const Nb201Cell& c) const {
    auto it = index_.find(c.iso_key());
    return it == index_.end() ? -1 : static_cast<long>(it->second);
  }
  std::vector<bool> evaluated(const std::vector<Observation>& history) const {
    std::vector<bool> done(cells_.size(), false);
    for (const auto& o : history)
      if (long i = find(o.cell); i >= 0) done[i] = true;
    return done;
  }
  Nb201Cell random_unevaluated(const std::vector<bool>& done, Rng& rng) const {
    std::vector<size_t> left;
    for (size_t i = 0; i < done.size(); ++i)
      if (!done[i]) left.push_back(i);
    if (left.empty()) throw Error("search: every cell of the pool has been evaluated");
    return cells_[left[rng.uniform_int(left.size())]];
  }

 private:
  std::vector<Nb201Cell> cells_;
  std::unordered_map<std::string, size_t> index_;
};

class RandomSearch final : public SearchMethod {
 public:
  explicit RandomSearch(const SearchContext& c) : pool_(c.pool) {}
  Nb201Cell propose(const std::vector<Observation>& h, Rng& rng) override {
    return pool_.random_unevaluated(pool_.evaluated(h), rng);
  }
  nlohmann::json describe() const override { return {{"method", "random"}}; }

 private:
  Pool pool_;
};

// A random unevaluated neighbour (one edge changed) of `cell`, or nullopt.
std::optional<Nb201Cell> unevaluated_neighbour(const Pool& pool, const std::vector<bool>& done, const Nb201Cell& cell, Rng& rng) {
  std::vector<Nb201Cell> options;
  for (int k = 0; k < kNb201NumEdges; ++k)
    for (int op = 0; op < kNb201NumOps; ++op) {
      if (op == static_cast<int>(cell.op(k))) continue;
      Nb201Cell n = cell;
      n.set_op(k, static_cast<Nb201Op>(op));
      const long i = pool.find(n);
      if (i >= 0 && !done[i]) options.push_back(pool.cells()[i]);
    }
  if (options.empty()) return std::nullopt;
  return options[rng.uniform_int(options.size())];
}

class RegularizedEvolution final : public SearchMethod {
 public:
  explicit RegularizedEvolution(const SearchContext& c) : pool_(c.pool) {}
  Nb201Cell propose(const std::vector<Observation>& h, Rng& rng) override {
    const auto done = pool_.evaluated(h);
    std::vector<const Observation*> alive;
    for (const auto& o : h)
      if (o.ok) alive.push_back(&o);
    if (static_cast<int>(alive.size()) < kPopulation) return pool_.random_unevaluated(done, rng);
    alive.erase(alive.begin(), alive.end() - kPopulation);  // aging: the oldest die
    for (int attempt = 0; attempt < 50; ++attempt) {
      const Observation* parent = nullptr;
      for (int s = 0; s < kTournament; ++s) {
        const Observation* c = alive[rng.uniform_int(alive.size())];
        if (!parent || c->accuracy > parent->accuracy) parent = c;
      }
      if (auto child = unevaluated_neighbour(pool_, done, parent->cell, rng)) return *child;
    }
    return pool_.random_unevaluated(done, rng);
  }
  nlohmann::json describe() const override {
    return {{"method", "evolution"}, {"population", kPopulation}, {"tournament", kTournament}};
  }

 private:
  static constexpr int kPopulation = 10, kTournament = 3;
  Pool pool_;
};

class LocalSearch final : public SearchMethod {
 public:
  explicit LocalSearch(const SearchContext& c) : pool_(c.pool) {}
  Nb201Cell propose(const std::vector<Observation>& h, Rng& rng) override {
    const auto done = pool_.evaluated(h);
    const Observation* best = nullptr;
    for (const auto& o : h)
      if (o.ok && (!best || o.accuracy > best->accuracy)) best = &o;
    if (best)
      if (auto n = unevaluated_neighbour(pool_, done, best->cell, rng)) return *n;
    return pool_.random_unevaluated(done, rng);  // start, or restart when the incumbent's neighbourhood is exhausted
  }
  nlohmann::json describe() const override { return {{"method", "local"}, {"move", "random unevaluated neighbour of the incumbent"}}; }

 private:
  Pool pool_;
};

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// log of Expected Improvement, stable for large negative z (asymptotic expansion of the Mills ratio).
double log_expected_improvement(double mean, double sd, double best) {
  const double z = (mean - best) / sd;
  if (z > -6) return std::log(std::max(1e-300, sd * (z * normal_cdf(z) + normal_pdf(z))));
  return std::log(sd) - 0.5 * z * z - 0.5 * std::log(2 * M_PI) - 2 * std::log(-z);
}

class BayesOpt final : public SearchMethod {
 public:
  BayesOpt(const SearchContext& c, const BayesOptSettings& s) : pool_(c.pool), s_(s) {
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
      const ImageDataset target = load_dataset(s.dataset);
      if (target.num_classes() < 2) throw Error(s.dataset + ": a classification dataset needs at least 2 classes");
      // D needs images_per_class images per class: featurize only those, or, when D is redrawn every step,
      // a reservoir of kPerStepReservoir times as many to draw from.
      Rng rng(c.seed + 99);
      const ClassIndex index(target);
      const size_t per_class = static_cast<size_t>(surrogate->options().images_per_class) * (per_step_d() ? kPerStepReservoir : 1);
      std::vector<int64_t> pick;
      for (int k = 0; k < index.num_classes(); ++k) {
        auto ids = index.images_of(k);
        rng.shuffle(ids);
        ids.resize(std::min(ids.size(), per_class));
        pick.insert(pick.end(), ids.begin(), ids.end());
      }
      const ImageDataset sample = featurizer_input(select_images(target, pick));
      target_features_ = surrogate->image_features(sample);
      target_labels_ = sample.labels;
      target_classes_ = sample.num_classes();
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
    } else if (s.meta_trained && s.warm_start_from != "random") {
      Eigen::MatrixXd zc;
      Eigen::VectorXd yc;
      surrogate->context(zc, yc);
      GpRegression prior(zc, yc, initial_);
      Eigen::VectorXd var;
      prior.predict(z_, zero_shot_, var);  // zero-shot: conditioned on meta-training points only
    }
    if (per_step_d() && target_classes_ > 0) surrogate_.emplace(std::move(*surrogate));
    setup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Nb201Cell propose(const std::vector<Observation>& h, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(h);
    Nb201Cell next = h.size() < static_cast<size_t>(s_.warm_start) ? warm_start(done, rng) : acquire(h, done, rng);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  nlohmann::json describe() const override {
    return {{"method", s_.meta_trained ? "tnas" : "gp"}, {"checkpoint", s_.meta_trained ? s_.checkpoint : ""},
            {"acquisition", s_.acquisition}, {"ucb_beta", s_.ucb_beta}, {"warm_start", s_.warm_start},
            {"warm_start_from", s_.meta_trained ? s_.warm_start_from : "random"},
            {"finetune_steps", s_.finetune_steps}, {"finetune_lr", s_.finetune_lr},
            {"dataset_embedding", surrogate_ ? "per-step" : "fixed"},  // a constant D is never redrawn
            {"pool_embedding_seconds", setup_seconds_}};
  }

 private:
  Nb201Cell warm_start(const std::vector<bool>& done, Rng& rng) {
    if (zero_shot_.size() == 0) return pool_.random_unevaluated(done, rng);
    long best = -1;
    for (long i = 0; i < zero_shot_.size(); ++i)
      if (!done[i] && (best < 0 || zero_shot_(i) > zero_shot_(best))) best = i;
    return pool_.cells()[best];
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
    Eigen::VectorXd mu, var;
    gp.predict_from_distances(cross, mu, var);
    const double best = y.maxCoeff();
    long pick = -1;
    double pick_value = -1e300;
    for (long i = 0; i < mu.size(); ++i) {
      if (done[i]) continue;
      const double sdv = std::sqrt(var(i) + 1e-12);
      const double a = s_.acquisition == "ucb" ? mu(i) + s_.ucb_beta * sdv : log_expected_improvement(mu(i), sdv, best);
      if (a > pick_value) pick_value = a, pick = i;
    }
    if (pick < 0) throw Error("search: every cell of the pool has been evaluated");
    return pool_.cells()[pick];
  }

  Pool pool_;
  BayesOptSettings s_;
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
  Eigen::VectorXd pool_norms_;
  std::unordered_map<long, Eigen::MatrixXd> distance_rows_;  // pool index -> 1 x pool distances
};

}  // namespace

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& c, const BayesOptSettings& bo) {
  if (name == "random") return std::make_unique<RandomSearch>(c);
  if (name == "evolution") return std::make_unique<RegularizedEvolution>(c);
  if (name == "local") return std::make_unique<LocalSearch>(c);
  if (name == "tnas" || name == "gp") {
    if (bo.acquisition != "ei" && bo.acquisition != "ucb") throw Error("--acquisition must be ei or ucb");
    if (bo.warm_start_from != "zero-shot" && bo.warm_start_from != "meta-data" && bo.warm_start_from != "random")
      throw Error("--warm-start-from must be zero-shot, meta-data or random");
    if (bo.dataset_embedding != "fixed" && bo.dataset_embedding != "per-step")
      throw Error("--dataset-embedding must be fixed or per-step, got '" + bo.dataset_embedding + "'");
    BayesOptSettings s = bo;
    s.meta_trained = name == "tnas";
    if (s.meta_trained && s.checkpoint.empty()) throw Error("method tnas needs --checkpoint DIR");
    return std::make_unique<BayesOpt>(c, s);
  }
  throw Error("unknown --method '" + name + "' (tnas, gp, random, evolution, local)");
}

}  // namespace tnas
