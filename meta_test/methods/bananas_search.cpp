// BANANAS (White, Neiswanger, Savani, AAAI 2021): Bayesian optimization with an ensemble of neural networks
// on the path encoding of architectures, independent Thompson sampling, and the acquisition maximized over
// mutations of the best architectures. No meta-training.
//
// The path encoding is read from the space's op graph, so it serves any space: every path from the input to
// the output, written as the node types along it, is one feature (1 when the architecture has that path),
// over the paths that occur anywhere in the pool; a space's numeric features (JAHS's hyperparameters) follow.
// The predictor is an ensemble of small multilayer perceptrons, each trained from its own initialization on
// the standardized accuracies; their mean and spread give each candidate's Thompson draw.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include <Eigen/Dense>

#include "basics/error.h"
#include "meta_test/bo/additive_gp.h"
#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// The reference's choices, scaled to a budget of tens of evaluations.
constexpr int kEnsembleSize = 5;
constexpr int kHiddenUnits = 32;
constexpr int kTrainingEpochs = 300;
constexpr double kLearningRate = 0.01;
constexpr int kMutationParents = 10;  // the acquisition looks at mutations of the best 10, as the reference

// The paths of an op graph from its input to its output, each as the node types along it ("4-3").
std::vector<std::string> graph_paths(const OpGraph& graph) {
  std::vector<std::vector<int>> successors(graph.num_nodes());
  for (int node = 0; node < graph.num_nodes(); ++node)
    for (const int source : graph.predecessors[node]) successors[source].push_back(node);
  const int input = graph.topo_order.front(), output = graph.topo_order.back();
  std::vector<std::string> paths;
  std::function<void(int, std::string)> walk = [&](int node, std::string path) {
    if (node == output) {
      paths.push_back(path);
      return;
    }
    if (node != input) path += (path.empty() ? "" : "-") + std::to_string(graph.node_type[node]);
    for (const int next : successors[node]) walk(next, path);
  };
  walk(input, "");
  return paths;
}

// One multilayer perceptron (two hidden ReLU layers) trained by full-batch Adam on squared error.
class Perceptron {
 public:
  Perceptron(int inputs, Rng& rng)
      : w1_(random_matrix(kHiddenUnits, inputs, rng)),
        w2_(random_matrix(kHiddenUnits, kHiddenUnits, rng)),
        w3_(random_matrix(1, kHiddenUnits, rng)),
        b1_(Eigen::VectorXd::Zero(kHiddenUnits)),
        b2_(Eigen::VectorXd::Zero(kHiddenUnits)) {}

  // x: one column per example; y: their targets.
  void train(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    Adam adam(parameter_count());
    const double n = static_cast<double>(y.size());
    for (int epoch = 0; epoch < kTrainingEpochs; ++epoch) {
      const Eigen::MatrixXd a1 = ((w1_ * x).colwise() + b1_).cwiseMax(0.0);
      const Eigen::MatrixXd a2 = ((w2_ * a1).colwise() + b2_).cwiseMax(0.0);
      const Eigen::RowVectorXd out = (w3_ * a2).array() + b3_;
      const Eigen::RowVectorXd d_out = 2.0 * (out - y.transpose()) / n;
      const Eigen::MatrixXd d2 = (w3_.transpose() * d_out).cwiseProduct(relu_mask(a2));
      const Eigen::MatrixXd d1 = (w2_.transpose() * d2).cwiseProduct(relu_mask(a1));
      const Eigen::MatrixXd bias3_gradient = Eigen::MatrixXd::Constant(1, 1, d_out.sum());
      adam.step({{w3_.data(), d_out * a2.transpose()},
                 {w2_.data(), d2 * a1.transpose()},
                 {w1_.data(), d1 * x.transpose()},
                 {b2_.data(), d2.rowwise().sum()},
                 {b1_.data(), d1.rowwise().sum()},
                 {&b3_, bias3_gradient}});
    }
  }

  Eigen::RowVectorXd predict(const Eigen::MatrixXd& x) const {
    const Eigen::MatrixXd a1 = ((w1_ * x).colwise() + b1_).cwiseMax(0.0);
    const Eigen::MatrixXd a2 = ((w2_ * a1).colwise() + b2_).cwiseMax(0.0);
    return (w3_ * a2).array() + b3_;
  }

 private:
  // Adam (Kingma & Ba's defaults but the learning rate) over parameter groups: each the parameters' storage
  // and their gradient, of the same size.
  class Adam {
   public:
    explicit Adam(size_t parameters) : first_(parameters, 0.0), second_(parameters, 0.0) {}
    void step(const std::vector<std::pair<double*, Eigen::MatrixXd>>& groups) {
      ++steps_;
      const double correction1 = 1 - std::pow(0.9, steps_), correction2 = 1 - std::pow(0.999, steps_);
      size_t at = 0;
      for (const auto& [values, gradient] : groups)
        for (Eigen::Index i = 0; i < gradient.size(); ++i, ++at) {
          const double g = gradient.data()[i];
          first_[at] = 0.9 * first_[at] + 0.1 * g;
          second_[at] = 0.999 * second_[at] + 0.001 * g * g;
          values[i] -=
              kLearningRate * (first_[at] / correction1) / (std::sqrt(second_[at] / correction2) + 1e-8);
        }
    }

   private:
    std::vector<double> first_, second_;
    int steps_ = 0;
  };

  static Eigen::MatrixXd random_matrix(int rows, int columns, Rng& rng) {
    const double scale = std::sqrt(2.0 / columns);  // He initialization for ReLU layers
    Eigen::MatrixXd m(rows, columns);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
    return m;
  }
  static Eigen::MatrixXd relu_mask(const Eigen::MatrixXd& activation) {
    return (activation.array() > 0).cast<double>();
  }
  size_t parameter_count() const {
    return w1_.size() + w2_.size() + w3_.size() + b1_.size() + b2_.size() + 1;
  }

  Eigen::MatrixXd w1_, w2_, w3_;
  Eigen::VectorXd b1_, b2_;
  double b3_ = 0;
};

class BananasSearch final : public SearchMethod {
 public:
  BananasSearch(const SearchContext& context, const ProposalSettings& settings)
      : pool_(*context.space, context.pool, context.prior), s_(settings) {
    // The vocabulary: every path of every pool configuration, in a fixed (sorted) order.
    std::map<std::string, int> vocabulary;
    paths_.reserve(pool_.size());
    for (const Arch& config : pool_.configs()) {
      paths_.push_back(graph_paths(context.space->to_graph(config)));
      for (const std::string& path : paths_.back()) vocabulary.emplace(path, 0);
    }
    int column = 0;
    for (auto& [path, index] : vocabulary) index = column++;
    vocabulary_ = std::move(vocabulary);
    numeric_features_ = context.space->numeric_feature_count();
  }

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(history);
    last_note = "random start";
    const auto [rows, ys] = pool_.fitting_points(history);
    const Arch next = rows.size() < static_cast<size_t>(std::max(2, s_.warm_start))
                          ? pool_.random_unevaluated(done, rng)
                          : acquire(history, done, rows, ys, rng);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  nlohmann::json describe() const override {
    return {{"method", "bananas"},
            {"encoding", "paths of the op graph (" + std::to_string(vocabulary_.size()) + " in the pool)"},
            {"ensemble",
             {{"networks", kEnsembleSize},
              {"hidden", {kHiddenUnits, kHiddenUnits}},
              {"epochs", kTrainingEpochs},
              {"learning_rate", kLearningRate}}},
            {"acquisition", "independent Thompson sampling"},
            {"acquisition_pool", "mutations of the best " + std::to_string(kMutationParents)},
            {"warm_start", s_.warm_start}};
  }

 private:
  // The path encoding of pool configurations, one column each.
  Eigen::MatrixXd encode(const std::vector<long>& rows) const {
    const int paths = static_cast<int>(vocabulary_.size());
    Eigen::MatrixXd x =
        Eigen::MatrixXd::Zero(paths + numeric_features_, static_cast<Eigen::Index>(rows.size()));
    for (size_t j = 0; j < rows.size(); ++j) {
      for (const std::string& path : paths_[static_cast<size_t>(rows[j])]) x(vocabulary_.at(path), j) = 1;
      const auto numeric = pool_.space().numeric_features(pool_.configs()[rows[j]]);
      for (int k = 0; k < numeric_features_; ++k) x(paths + k, j) = numeric[k];
    }
    return x;
  }

  // What the argmax compares: the Thompson draw itself without a user prior; with one (piBO), the log of the
  // draw's improvement over the incumbent plus the prior's decaying log weight, so that among improving draws
  // the believed configurations are preferred; draws that do not improve rank below every improving one, by
  // their value.
  double prior_weighted(double draw, double incumbent, long row, size_t observations) const {
    if (!pool_.has_prior()) return draw;
    if (draw <= incumbent) return -1e6 + draw;
    return std::log(draw - incumbent) + pool_.prior_log_weight(row, observations);
  }

  Arch acquire(const std::vector<Observation>& history, const std::vector<bool>& done,
               const std::vector<long>& rows, const std::vector<double>& ys, Rng& rng) {
    const std::vector<long> candidates = pool_.acquisition_candidates(history, done, true, kMutationParents);
    const Eigen::VectorXd y = standardized(ys);
    const Eigen::MatrixXd x = encode(rows), candidate_x = encode(candidates);
    Eigen::MatrixXd predictions(kEnsembleSize, static_cast<Eigen::Index>(candidates.size()));
    for (int member = 0; member < kEnsembleSize; ++member) {
      Rng init(rng.fork_seed());
      Perceptron network(static_cast<int>(x.rows()), init);
      network.train(x, y);
      predictions.row(member) = network.predict(candidate_x);
    }
    const Eigen::RowVectorXd mean = predictions.colwise().mean();
    const Eigen::RowVectorXd spread =
        ((predictions.rowwise() - mean).array().square().colwise().sum() / (kEnsembleSize - 1)).sqrt();
    long pick = -1;
    double pick_value = -1e300;
    const double incumbent = y.maxCoeff();
    for (size_t c = 0; c < candidates.size(); ++c) {
      const double draw =
          mean(static_cast<Eigen::Index>(c)) + spread(static_cast<Eigen::Index>(c)) * rng.normal();
      const double value = prior_weighted(draw, incumbent, candidates[c], rows.size());
      if (value > pick_value) pick_value = value, pick = candidates[c];
    }
    last_note = "thompson draw " + std::to_string(pick_value).substr(0, 6) + " over " +
                std::to_string(candidates.size()) + " mutations";
    return pool_.configs()[pick];
  }

  CandidatePool pool_;
  ProposalSettings s_;
  std::vector<std::vector<std::string>> paths_;  // per pool configuration
  std::map<std::string, int> vocabulary_;        // path -> feature column
  int numeric_features_ = 0;
};

}  // namespace

std::unique_ptr<SearchMethod> make_bananas_search(const SearchContext& context,
                                                  const ProposalSettings& proposal) {
  return std::make_unique<BananasSearch>(context, proposal);
}

}  // namespace tnas
