// NAS-BOWL (Ru, Wan, Dong, Osborne, ICLR 2021): Bayesian optimization with a GP whose kernel is the
// normalized Weisfeiler-Lehman subtree kernel on the cell's op graph; no meta-training. The number of WL
// iterations h and the noise are chosen by the marginal likelihood on the observations after every
// evaluation; the acquisition is maximized over mutations of the best cells, as in the paper.
#include <chrono>
#include <cmath>

#include <Eigen/Dense>

#include "basics/error.h"
#include "meta_test/bo/acquisition.h"
#include "meta_test/bo/wl_kernel_cache.h"
#include "meta_test/constraints/feasibility_model.h"
#include "meta_test/methods/search_methods.h"

namespace tnas {
namespace {

class BowlSearch final : public SearchMethod {
 public:
  BowlSearch(const SearchContext& context, const ProposalSettings& settings)
      : pool_(*context.space, context.pool, context.prior),
        s_(settings),
        acquisition_(settings.acquisition, settings.ucb_beta),
        wl_(pool_),
        feasibility_(pool_) {}

  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const auto done = pool_.evaluated(history);
    last_note = "random start";
    const auto [rows, ys] = pool_.fitting_points(history);
    Arch next = rows.size() < static_cast<size_t>(std::max(2, s_.warm_start))
                    ? pool_.random_unevaluated(done, rng)
                    : acquire(history, done, rows, ys);
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return next;
  }

  nlohmann::json describe() const override {
    return {{"method", "bowl"},
            {"kernel",
             "normalized WL subtree kernel on the op graph, h in 0..2 and noise by marginal likelihood"},
            {"acquisition", acquisition_.describe()},
            {"warm_start", s_.warm_start},
            {"acquisition_pool", enum_name(s_.acquisition_pool)},
            {"mutation_parents", s_.mutation_parents}};
  }

 private:
  Arch acquire(const std::vector<Observation>& history, const std::vector<bool>& done,
               const std::vector<long>& rows, const std::vector<double>& ys) {
    const std::vector<long> candidates = pool_.acquisition_candidates(
        history, done, s_.acquisition_pool == AcquisitionPool::kMutations, s_.mutation_parents);
    const Eigen::VectorXd y = standardized(ys);
    const auto gp = fit_additive_gp(y, {wl_.family(rows, candidates, {1.0})}, {1e-3, 1e-2, 1e-1, 3e-1});
    last_note = "kernel " + gp.kernel;
    long pick = -1;
    double pick_value = -1e300;
    const double best = y.maxCoeff();
    const bool constrained_ei =
        s_.feasibility_model && s_.acquisition == Acquisition::Kind::kExpectedImprovement;
    const std::vector<double> log_feasible = constrained_ei
                                                 ? feasibility_.log_probability(history, candidates)
                                                 : std::vector<double>(candidates.size(), 0.0);
    for (size_t c = 0; c < candidates.size(); ++c) {
      const double a = acquisition_(gp.mean(c), std::sqrt(gp.variance(c)), best) +
                       pool_.prior_log_weight(candidates[c], rows.size()) +  // piBO (0 without a prior)
                       log_feasible[c];  // constrained EI (0 without measured constraints)
      if (a > pick_value) pick_value = a, pick = candidates[c];
    }
    return pool_.configs()[pick];
  }

  CandidatePool pool_;
  ProposalSettings s_;
  Acquisition acquisition_;
  WlKernelCache wl_;
  FeasibilityModel feasibility_;
};

}  // namespace

std::unique_ptr<SearchMethod> make_bowl_search(const SearchContext& context,
                                               const ProposalSettings& proposal) {
  return std::make_unique<BowlSearch>(context, proposal);
}

}  // namespace tnas
