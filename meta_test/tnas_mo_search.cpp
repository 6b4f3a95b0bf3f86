// tnas-mo: multi-objective BO with the meta-learned surrogate. Only the accuracy is modelled (tnas's GP,
// fine-tuned on the target as in single-objective tnas); params and FLOPs are exact from the space's cost
// model. The acquisition is the expected hypervolume improvement of a candidate over the current front,
// the expectation over its accuracy's Gaussian posterior by 16-point Gauss-Hermite quadrature, the other
// objectives at their exact values. Candidates: the unevaluated one-choice neighbours of every front member
// (every unevaluated configuration once those are exhausted). The first warm_start proposals are tnas's own
// (the surrogate's zero-shot best configurations).
#include <chrono>
#include <cmath>
#include <set>

#include "basics/error.h"
#include "meta_test/search_methods.h"

namespace tnas {
namespace {

// Gauss-Hermite nodes and weights (physicists', 16 points; sum of weights = sqrt(pi)).
constexpr double kNodes[8] = {0.2734810461381525, 0.8229514491446559, 1.3802585391988808, 1.9517879909162540,
                              2.5462021578474814, 3.1769991619799560, 3.8694479048601227, 4.6887389393058184};
constexpr double kWeights[8] = {5.079294790166137e-01, 2.806474585285337e-01, 8.381004139898583e-02, 1.288031153550997e-02,
                                9.322840086241805e-04, 2.711860092537881e-05, 2.320980844865211e-07, 2.654807474011182e-10};

class TnasMoSearch final : public SearchMethod {
 public:
  TnasMoSearch(const SearchContext& c, const BayesOptSettings& bo)
      : space_(*c.space), pool_(*c.space, c.pool), specs_(c.objectives), bo_(bo) {
    if (specs_.size() < 2) throw Error("--method tnas-mo needs two or more --objectives");
    for (size_t k = 0; k < specs_.size(); ++k) {
      if (specs_[k].metric == "accuracy") accuracy_ = static_cast<int>(k);
      else if (specs_[k].metric != "params" && specs_[k].metric != "flops")
        throw Error("--method tnas-mo models the accuracy and computes params and FLOPs; '" + specs_[k].name + "' is neither");
    }
    if (accuracy_ < 0) throw Error("--method tnas-mo needs acc among the --objectives");
    reference_ = to_maximized(specs_, c.reference);
    model_ = make_deep_kernel_model(c, bo);  // after the checks: loading it featurizes the target's images
  }

  Arch propose(const std::vector<Observation>& h, Rng& rng) override {
    size_t ok = 0;
    for (const auto& o : h) ok += o.ok;
    if (ok < static_cast<size_t>(std::max(1, bo_.warm_start))) {
      const Arch a = model_->as_method().propose(h, rng);
      last_note = "warm start", last_seconds = model_->as_method().last_seconds;
      return a;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(h);
    std::vector<ObjectiveVector> front_points;
    std::vector<long> candidates = front_neighbours(h, done, front_points);
    std::vector<double> mean, sd;
    model_->predict(h, candidates, rng, mean, sd);
    const double base = hypervolume(front_points, reference_);
    long pick = -1;
    double best = -1;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const double e = expected_improvement(front_points, base, exact_objectives(pool_.configs()[static_cast<size_t>(candidates[c])]), mean[c], sd[c]);
      if (e > best) best = e, pick = candidates[c];
    }
    last_note = "EHVI " + std::to_string(best);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return pool_.configs()[static_cast<size_t>(pick)];
  }
  nlohmann::json describe() const override {
    return {{"method", "tnas-mo"}, {"acquisition", "expected hypervolume improvement"}, {"quadrature_points", 16},
            {"model", model_->as_method().describe()}};
  }

 private:
  // The maximized objective vector of a configuration with its accuracy left at 0 (filled in per quadrature node).
  ObjectiveVector exact_objectives(const Arch& a) const {
    const ArchCost cost = space_.cost(a);
    std::vector<double> v(specs_.size(), 0.0);
    for (size_t k = 0; k < specs_.size(); ++k)
      if (static_cast<int>(k) != accuracy_) v[k] = static_cast<double>(specs_[k].metric == "params" ? cost.params : cost.flops);
    return to_maximized(specs_, v);
  }

  double expected_improvement(const std::vector<ObjectiveVector>& front, double base, ObjectiveVector v, double mean, double sd) {
    double e = 0;
    for (int side = -1; side <= 1; side += 2)
      for (int i = 0; i < 8; ++i) {
        v[static_cast<size_t>(accuracy_)] = mean + side * std::sqrt(2.0) * sd * kNodes[i];
        std::vector<ObjectiveVector> with = front;
        with.push_back(v);
        e += kWeights[i] / std::sqrt(M_PI) * (hypervolume(with, reference_) - base);
      }
    return e;
  }

  // The unevaluated neighbours of the front's members (every unevaluated configuration when they have none);
  // `front` gets the front's objective vectors.
  std::vector<long> front_neighbours(const std::vector<Observation>& h, const std::vector<bool>& done, std::vector<ObjectiveVector>& front) const {
    std::vector<ObjectiveVector> points;
    std::vector<const Observation*> owners;
    for (const auto& o : h)
      if (o.ok && o.objectives.size() == specs_.size()) points.push_back(o.objectives), owners.push_back(&o);
    std::set<long> candidates;
    for (size_t i : non_dominated(points)) {
      front.push_back(points[i]);
      for (long n : pool_.unevaluated_neighbours(done, owners[i]->config)) candidates.insert(n);
    }
    if (candidates.empty())
      for (size_t i = 0; i < pool_.size(); ++i)
        if (!done[i]) candidates.insert(static_cast<long>(i));
    if (candidates.empty()) throw PoolExhausted();
    return {candidates.begin(), candidates.end()};
  }

  const SearchSpace& space_;
  CandidatePool pool_;
  std::vector<ObjectiveSpec> specs_;
  BayesOptSettings bo_;
  std::unique_ptr<AccuracyModel> model_;
  int accuracy_ = -1;
  ObjectiveVector reference_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_tnas_mo_search(const SearchContext& c, const BayesOptSettings& bo) {
  return std::make_unique<TnasMoSearch>(c, bo);
}

}  // namespace tnas
