// The multi-fidelity methods: Hyperband's brackets (meta_test/methods/hyperband_schedule.h) with a sampler
// for the new configurations of each bracket's first rung:
//   sh, hyperband  uniformly at random (successive halving runs only the most aggressive bracket); under a
//                  user prior by PriorBand's ensemble (meta_test/methods/prior_band_sampler.h)
//   bohb           BOHB: with probability 1/3 at random, else from a TPE model
//   (meta_test/methods/tpe_model.h) of the
//                  largest fidelity that has enough observations
//   tnas-hb        tnas's meta-learned BO (meta_test/methods/deep_kernel_bo.cpp) fitted on the observations
//   so far:
//                  every configuration at the most epochs it has reached (--mf-model highest), or only those
//                  of the largest fidelity with at least warm_start + 2 observations (rung: BOHB's rule)
// Promotions continue the configuration's run from the rung below (TrialRequest::previous_epochs).
#include <chrono>
#include <map>

#include "basics/error.h"
#include "meta_test/constraints/feasibility_model.h"
#include "meta_test/methods/hyperband_schedule.h"
#include "meta_test/methods/prior_band_sampler.h"
#include "meta_test/methods/search_methods.h"
#include "meta_test/methods/tpe_model.h"

namespace tnas {
namespace {

// The most epochs at which at least `needed` successful observations exist; 0 when none has that many.
int largest_fidelity_with(const std::vector<Observation>& history, size_t needed) {
  std::map<int, size_t> count;
  for (const auto& o : history)
    if (o.ok) ++count[o.epochs];
  int best = 0;
  for (const auto& [epochs, n] : count)
    if (n >= needed) best = epochs;
  return best;
}

class HyperbandSearch final : public SearchMethod {
 public:
  HyperbandSearch(std::string name, const SearchContext& context, const ProposalSettings& proposal,
                  const DeepKernelSettings& deep_kernel, const MultiFidelitySettings& mf)
      : name_(std::move(name)),
        space_(*context.space),
        pool_(*context.space, context.pool, context.prior),
        mf_(mf),
        proposal_(proposal),
        schedule_(mf.min_epochs, mf.max_epochs, mf.eta, name_ == "sh") {
    if (name_ == "tnas-hb") model_ = make_deep_kernel_bo(context, proposal, deep_kernel);
    if ((name_ == "hyperband" || name_ == "sh") && pool_.has_prior())
      prior_band_.emplace(pool_, mf.eta, mf.max_epochs);
  }

  Proposal propose_trial(const std::vector<Observation>& history, Rng& rng) override {
    const auto start = std::chrono::steady_clock::now();
    const ScheduledTrial t = schedule_.next(history);
    Proposal p;
    p.epochs = t.epochs;
    p.note = t.describe();
    if (t.promotion) {
      p.config = t.config;
      p.previous_epochs = t.previous_epochs;
    } else {
      std::string how;
      // The bracket's first rung counted from the lowest fidelity (the brackets run s_max down to 0).
      const int first_rung = schedule_.brackets().front().s - t.bracket;
      p.config = sample_new(history, first_rung, rng, how);
      p.note += " from " + how;
    }
    last_note = p.note;
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return p;
  }
  Arch propose(const std::vector<Observation>& history, Rng& rng) override {
    return propose_trial(history, rng).config;
  }
  bool multi_fidelity() const override { return true; }

  nlohmann::json describe() const override {
    nlohmann::json brackets = nlohmann::json::array();
    for (const Bracket& b : schedule_.brackets()) {
      nlohmann::json rungs = nlohmann::json::array();
      for (const Rung& r : b.rungs) rungs.push_back({{"epochs", r.epochs}, {"trials", r.size}});
      brackets.push_back({{"s", b.s}, {"rungs", rungs}});
    }
    nlohmann::json j = {{"method", name_},
                        {"min_epochs", mf_.min_epochs},
                        {"max_epochs", mf_.max_epochs},
                        {"eta", mf_.eta},
                        {"brackets", brackets}};
    if (prior_band_) j["new_configurations"] = "PriorBand (uniform 1, prior eta^r, incumbent-centred)";
    if (model_) {
      j["model"] = model_->describe();
      j["mf_model"] = enum_name(mf_.model);
    }
    return j;
  }

 private:
  // A configuration never evaluated at any fidelity; `how` says which sampler drew it.
  Arch sample_new(const std::vector<Observation>& history, int first_rung, Rng& rng, std::string& how) {
    const std::vector<bool> done = pool_.evaluated(history);
    if (name_ == "bohb") {
      const std::vector<int> counts = space_.choice_counts();
      const int epochs = largest_fidelity_with(history, TpeModel::min_points(counts));
      // BOHB's random fraction: a third of the new configurations, and all while no fidelity has enough
      // points.
      if (epochs > 0 && rng.uniform01() >= 1.0 / 3) {
        std::vector<Observation> at;
        for (const auto& o : history)
          if (o.ok && o.epochs == epochs) at.push_back(o);
        how = "TPE at " + std::to_string(epochs) + " epochs";
        // Under measured constraints, log P(feasible) joins TPE's score as it joins the GP methods' log EI.
        TpeModel::RowLogWeights feasible = nullptr;
        if (proposal_.feasibility_model)
          feasible = [&](const std::vector<long>& rows) {
            return feasibility_.log_probability(history, rows);
          };
        return pool_.configs()[static_cast<size_t>(TpeModel(counts, at).propose(pool_, done, rng, feasible))];
      }
    }
    if (model_) {
      const Arch a = model_->propose(model_history(history), rng);
      how = "tnas (" + (model_->last_note.empty() ? std::string("acquisition") : model_->last_note) + ")";
      return a;
    }
    if (prior_band_) return prior_band_->draw(history, done, first_rung, rng, how);
    how = "random";
    return pool_.random_unevaluated(done, rng);
  }

  // What tnas's GP is fitted on: one entry per configuration (so that the BO never proposes one evaluated at
  // any fidelity); the ones that are not fitting points are marked not ok, which the BO skips when fitting.
  std::vector<Observation> model_history(const std::vector<Observation>& history) const {
    const int rung = mf_.model == MultiFidelityModel::kRung
                         ? largest_fidelity_with(history, static_cast<size_t>(proposal_.warm_start) + 2)
                         : 0;
    std::map<std::string, size_t> slot;  // isomorphism key -> position in h (first appearance order)
    std::vector<Observation> h;
    for (const auto& o : history) {
      const auto [it, fresh] = slot.emplace(space_.iso_key(o.config), h.size());
      if (fresh) {
        h.push_back(o);
        // rung: only the observations at that fidelity are fitting points.
        if (rung > 0) h.back().ok = o.ok && o.epochs == rung;
        continue;
      }
      Observation& kept = h[it->second];
      if (o.pending) continue;  // a configuration still running at more epochs keeps what is known of it
      if (rung > 0) {
        if (o.ok && o.epochs == rung) kept = o;
      } else if (o.epochs >= kept.epochs) {
        kept = o;
      }
    }
    return h;
  }

  std::string name_;
  const SearchSpace& space_;
  CandidatePool pool_;
  MultiFidelitySettings mf_;
  ProposalSettings proposal_;
  HyperbandSchedule schedule_;
  std::unique_ptr<SearchMethod> model_;         // tnas-hb
  std::optional<PriorBandSampler> prior_band_;  // hyperband and sh under a user prior
  FeasibilityModel feasibility_{pool_};         // bohb's TPE under measured constraints
};

}  // namespace

std::unique_ptr<SearchMethod> make_hyperband(const std::string& name, const SearchContext& context,
                                             const ProposalSettings& proposal,
                                             const DeepKernelSettings& deep_kernel,
                                             const MultiFidelitySettings& multi_fidelity) {
  return std::make_unique<HyperbandSearch>(name, context, proposal, deep_kernel, multi_fidelity);
}

}  // namespace tnas
