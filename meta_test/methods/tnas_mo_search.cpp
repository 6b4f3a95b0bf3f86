// tnas-mo: multi-objective BO with the meta-learned surrogate. The expensive objectives (accuracy, and any
// measured one such as the fairness gap) are modelled by tnas's GP (the additive GP of single-objective tnas:
// meta-learned deep kernel, zero-shot prior and WL kernel, weighted by the marginal likelihood of that
// objective's observations, so a kernel that does not explain it gets no weight); params and FLOPs are exact
// from the space's cost model. The acquisition is the expected hypervolume improvement of a candidate over
// the current front, the expectation over the modelled objectives' independent Gaussian posteriors by a
// product Gauss-Hermite rule (16 points for one modelled objective, 8 x 8 for two, 4 x 4 x 4 for three), the
// exact objectives at their values. Candidates: the unevaluated one-choice neighbours of every front member
// (every unevaluated configuration once those are exhausted). The first warm_start proposals are tnas's own
// (the surrogate's zero-shot best configurations). With measured constraints (--constraint latency<=5) the
// log EHVI gets log P(feasible) added (meta_test/constraints/feasibility_model.h), as bowl, gp and tnas add
// it to log EI, and the front it improves holds only feasible trials (an infeasible one is a failure here).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "basics/error.h"
#include "meta_test/constraints/feasibility_model.h"
#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

// Gauss-Hermite rules (physicists'; positive nodes, the rule is symmetric), for 4, 8 and 16 points.
struct HermiteRule {
  std::vector<double> nodes, weights;
};
HermiteRule hermite(int points) {
  if (points == 16)
    return {{0.2734810461381525, 0.8229514491446559, 1.3802585391988808, 1.9517879909162540,
             2.5462021578474814, 3.1769991619799560, 3.8694479048601227, 4.6887389393058184},
            {5.079294790166137e-01, 2.806474585285337e-01, 8.381004139898583e-02, 1.288031153550997e-02,
             9.322840086241805e-04, 2.711860092537881e-05, 2.320980844865211e-07, 2.654807474011182e-10}};
  if (points == 8)
    return {{0.3811869902073221, 1.1571937124467802, 1.9816567566958429, 2.9306374202572440},
            {6.611470125582413e-01, 2.078023258148919e-01, 1.707798300741348e-02, 1.996040722113676e-04}};
  return {{0.5246476232752903, 1.6506801238857846}, {8.049140900055128e-01, 8.131283544724518e-02}};
}

// The rule's points for one standard normal variable: z values and probabilities (summing to 1).
std::vector<std::pair<double, double>> normal_points(int points) {
  const HermiteRule r = hermite(points);
  std::vector<std::pair<double, double>> z;
  for (size_t i = 0; i < r.nodes.size(); ++i)
    for (int side = -1; side <= 1; side += 2)
      z.emplace_back(side * std::sqrt(2.0) * r.nodes[i], r.weights[i] / std::sqrt(M_PI));
  return z;
}

bool is_exact(const ObjectiveSpec& spec) { return spec.metric == "params" || spec.metric == "flops"; }

class TnasMoSearch final : public SearchMethod {
 public:
  TnasMoSearch(const SearchContext& context, const ProposalSettings& proposal,
               const DeepKernelSettings& deep_kernel)
      : space_(*context.space),
        pool_(*context.space, context.pool, context.prior),
        specs_(context.objectives),
        proposal_(proposal) {
    if (specs_.size() < 2) throw Error("--method tnas-mo needs two or more --objectives");
    for (size_t k = 0; k < specs_.size(); ++k)
      if (!is_exact(specs_[k])) modelled_.push_back(k);
    if (modelled_.empty())
      throw Error("--method tnas-mo: every objective is exact (params, FLOPs): nothing to model, use random");
    if (modelled_.size() > 3) throw Error("--method tnas-mo models at most 3 measured objectives");
    reference_ = to_maximized(specs_, context.reference);
    quadrature_ = normal_points(modelled_.size() == 1 ? 16 : modelled_.size() == 2 ? 8 : 4);
    model_ = make_deep_kernel_model(
        context, proposal, deep_kernel);  // after the checks: loading it featurizes the target's images
  }

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    size_t ok = 0;
    for (const auto& o : history) ok += o.ok && o.objectives.size() == specs_.size();
    if (ok < static_cast<size_t>(std::max(1, proposal_.warm_start))) {
      const Arch a = model_->as_method().propose(history, rng);
      last_note = "warm start", last_seconds = model_->as_method().last_seconds;
      return a;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(history);
    std::vector<ObjectiveVector> front_points;
    const std::vector<long> candidates = front_neighbours(history, done, front_points);
    // Each modelled objective's posterior (maximized units) over the candidates.
    std::vector<std::vector<double>> mean(modelled_.size()), sd(modelled_.size());
    for (size_t m = 0; m < modelled_.size(); ++m)
      model_->predict(as_accuracy(history, modelled_[m]), candidates, rng, mean[m], sd[m]);
    const double base = hypervolume(front_points, reference_);
    const std::vector<double> log_feasible = proposal_.feasibility_model
                                                 ? feasibility_.log_probability(history, candidates)
                                                 : std::vector<double>(candidates.size(), 0.0);
    const bool constrained =
        std::any_of(log_feasible.begin(), log_feasible.end(), [](double v) { return v != 0; });
    long pick = -1;
    double best = -1, pick_value = -1e300;
    for (size_t c = 0; c < candidates.size(); ++c) {
      std::vector<double> mu(modelled_.size()), sigma(modelled_.size());
      for (size_t m = 0; m < modelled_.size(); ++m) mu[m] = mean[m][c], sigma[m] = sd[m][c];
      const double e = expected_improvement(
          front_points, base, exact_objectives(pool_.configs()[static_cast<size_t>(candidates[c])]), mu,
          sigma);
      // piBO with a user prior: log EHVI plus the prior's decaying log weight; with measured constraints,
      // plus log P(feasible); without either, EHVI itself.
      double value = e;
      if (pool_.has_prior() || constrained)
        value = std::log(std::max(e, 1e-300)) + log_feasible[c] +
                (pool_.has_prior() ? pool_.prior_log_weight(candidates[c], ok) : 0.0);
      if (value > pick_value) pick_value = value, best = e, pick = candidates[c];
    }
    last_note = "EHVI " + std::to_string(best);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return pool_.configs()[static_cast<size_t>(pick)];
  }
  nlohmann::json describe() const override {
    nlohmann::json modelled = nlohmann::json::array();
    for (size_t k : modelled_) modelled.push_back(specs_[k].name);
    return {{"method", "tnas-mo"},
            {"acquisition", proposal_.feasibility_model
                                ? "expected hypervolume improvement x P(feasible) under measured constraints"
                                : "expected hypervolume improvement"},
            {"modelled", modelled},
            {"quadrature_points", quadrature_.size()},
            {"model", model_->as_method().describe()}};
  }

 private:
  // The history as the model sees objective k: its maximized value as the "accuracy" of each observation that
  // has it (the rest are not fitting points).
  std::vector<Observation> as_accuracy(const std::vector<Observation>& history, size_t k) const {
    std::vector<Observation> v = history;
    for (auto& o : v) {
      o.ok = o.ok && o.objectives.size() == specs_.size();
      if (o.ok) o.accuracy = o.objectives[k];
    }
    return v;
  }

  // The maximized objective vector of a configuration with the modelled objectives left at 0.
  ObjectiveVector exact_objectives(const Arch& config) const {
    const ArchCost cost = space_.cost(config);
    std::vector<double> v(specs_.size(), 0.0);
    for (size_t k = 0; k < specs_.size(); ++k)
      if (is_exact(specs_[k]))
        v[k] = static_cast<double>(specs_[k].metric == "params" ? cost.params : cost.flops);
    return to_maximized(specs_, v);
  }

  // E[HV(front + v) - HV(front)] over the product rule of the modelled objectives' posteriors.
  double expected_improvement(const std::vector<ObjectiveVector>& front, double base,
                              ObjectiveVector objectives, const std::vector<double>& mean,
                              const std::vector<double>& sd) const {
    const size_t q = quadrature_.size(), dims = modelled_.size();
    size_t total = 1;
    for (size_t m = 0; m < dims; ++m) total *= q;
    std::vector<ObjectiveVector> with = front;
    with.push_back(objectives);
    double e = 0;
    for (size_t index = 0; index < total; ++index) {
      double weight = 1;
      size_t rest = index;
      for (size_t m = 0; m < dims; ++m, rest /= q) {
        const auto& [z, p] = quadrature_[rest % q];
        with.back()[modelled_[m]] = mean[m] + z * sd[m];
        weight *= p;
      }
      e += weight * (hypervolume(with, reference_) - base);
    }
    return e;
  }

  // The unevaluated neighbours of the front's members (every unevaluated configuration when they have none);
  // `front` gets the front's objective vectors.
  std::vector<long> front_neighbours(const std::vector<Observation>& history, const std::vector<bool>& done,
                                     std::vector<ObjectiveVector>& front) const {
    std::vector<ObjectiveVector> points;
    std::vector<const Observation*> owners;
    for (const auto& o : history)
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
  ProposalSettings proposal_;
  std::vector<size_t> modelled_;  // objectives the GP models
  std::vector<std::pair<double, double>>
      quadrature_;  // standard normal points and probabilities, per dimension
  std::unique_ptr<AccuracyModel> model_;
  ObjectiveVector reference_;
  FeasibilityModel feasibility_{pool_};
};

}  // namespace

std::unique_ptr<SearchMethod> make_tnas_mo_search(const SearchContext& context,
                                                  const ProposalSettings& proposal,
                                                  const DeepKernelSettings& deep_kernel) {
  return std::make_unique<TnasMoSearch>(context, proposal, deep_kernel);
}

}  // namespace tnas
