#include "meta_test/methods/prior_band_sampler.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace tnas {
namespace {

// log(sum_i weight_i exp(value_i)), without overflow.
double log_weighted_sum(const std::vector<double>& values, const std::vector<double>& weights) {
  const double top = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) sum += weights[i] * std::exp(values[i] - top);
  return top + std::log(sum);
}

}  // namespace

PriorBandSampler::PriorBandSampler(const CandidatePool& pool, double eta, int max_epochs)
    : pool_(pool), eta_(eta), max_epochs_(max_epochs) {
  if (!pool_.prior()) throw Error("PriorBandSampler: the pool has no prior");
}

std::optional<Observation> PriorBandSampler::incumbent(const std::vector<Observation>& history) const {
  std::optional<Observation> best;
  for (const Observation& o : history)
    if (o.ok && o.epochs == max_epochs_ && (!best || o.accuracy > best->accuracy)) best = o;
  return best;
}

const std::vector<double>& PriorBandSampler::incumbent_log_weights(const Arch& best) {
  if (!centre_ || *centre_ != best) {
    centre_ = best;
    centred_ = pool_.prior()->moved_onto(pool_.space(), best);
    centred_log_weights_ = pool_.log_weights(*centred_);
  }
  return centred_log_weights_;
}

double PriorBandSampler::prior_share(const std::vector<Observation>& history, const Observation& best) {
  incumbent_log_weights(best.config);
  std::map<int, std::vector<const Observation*>> by_epochs;
  for (const Observation& o : history)
    if (o.ok) by_epochs[o.epochs].push_back(&o);
  // The highest fidelity with at least eta results (the incumbent's alone until then).
  std::vector<const Observation*> level = {&best};
  for (auto it = by_epochs.rbegin(); it != by_epochs.rend(); ++it)
    if (static_cast<double>(it->second.size()) >= eta_) {
      level = it->second;
      break;
    }
  std::sort(level.begin(), level.end(),
            [](const Observation* a, const Observation* b) { return a->accuracy > b->accuracy; });
  // The best 1/eta (at least eta where there are), each likelihood weighted by its rank (the best most), as
  // NePS's PriorBand does.
  const size_t top =
      std::min(level.size(), static_cast<size_t>(std::max(static_cast<double>(level.size()) / eta_, eta_)));
  std::vector<double> under_prior, under_incumbent, rank_weights;
  for (size_t i = 0; i < top; ++i) {
    under_prior.push_back(pool_.prior()->log_density(level[i]->config));
    under_incumbent.push_back(centred_->log_density(level[i]->config));
    rank_weights.push_back(static_cast<double>(top - i));
  }
  // The prior's fraction of the two weighted sums of likelihood.
  return 1.0 / (1.0 + std::exp(log_weighted_sum(under_incumbent, rank_weights) -
                               log_weighted_sum(under_prior, rank_weights)));
}

PriorBandSampler::Weights PriorBandSampler::weights(const std::vector<Observation>& history, int first_rung) {
  return weights(history, first_rung, incumbent(history));
}

PriorBandSampler::Weights PriorBandSampler::weights(const std::vector<Observation>& history, int first_rung,
                                                    const std::optional<Observation>& best) {
  const double prior_weight = std::pow(eta_, first_rung);
  Weights w;
  w.uniform = 1 / (1 + prior_weight);
  const double believed = 1 - w.uniform;
  const double share = best ? prior_share(history, *best) : 1.0;
  w.prior = believed * share;
  w.incumbent = believed - w.prior;
  return w;
}

Arch PriorBandSampler::draw(const std::vector<Observation>& history, const std::vector<bool>& done,
                            int first_rung, Rng& rng, std::string& how) {
  if (auto first = pool_.unevaluated_prior_default(done)) {
    how = "your prior's default";
    return *first;
  }
  const std::optional<Observation> best = incumbent(history);
  const Weights w = weights(history, first_rung, best);
  const double u = rng.uniform01();
  if (u < w.uniform) {
    how = "random";
    return pool_.draw_unevaluated(std::vector<double>(pool_.size(), 0.0), done, rng);
  }
  if (u < w.uniform + w.prior || !best) {
    how = "your prior";
    return pool_.draw_unevaluated(pool_.log_prior(), done, rng);
  }
  how = "around the incumbent";
  return pool_.draw_unevaluated(incumbent_log_weights(best->config), done, rng);
}

}  // namespace tnas
