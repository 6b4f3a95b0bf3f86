#include "meta_test/search/candidate_pool.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "basics/error.h"
#include "basics/rank_correlation.h"
#include "meta_test/priors/configuration_prior.h"

namespace tnas {

std::vector<Arch> draw_pool(const SearchSpace& space, const PoolSettings& settings) {
  if (!pool_is_sampled(space))
    return settings.dedupe ? dedupe_by_iso_key(space, space.enumerate()) : space.enumerate();
  if (settings.sample_size < 1)
    throw Error("--pool-size must be >= 1, got " + std::to_string(settings.sample_size));
  Rng rng(settings.seed * 7919 + 17);
  std::vector<Arch> pool;
  std::unordered_map<std::string, size_t> seen;
  for (int64_t attempt = 0; static_cast<int>(pool.size()) < settings.sample_size; ++attempt) {
    if (attempt > 50LL * settings.sample_size)
      throw Error("search space '" + space.name() + "': cannot draw " + std::to_string(settings.sample_size) +
                  " distinct configurations");
    Arch a = space.sample(rng);
    if (seen.emplace(space.iso_key(a), pool.size()).second) pool.push_back(std::move(a));
  }
  return pool;
}

CandidatePool::CandidatePool(const SearchSpace& space, const std::vector<Arch>& configs,
                             std::shared_ptr<const ConfigurationPrior> prior)
    : space_(space), configs_(configs), prior_(std::move(prior)) {
  for (size_t i = 0; i < configs_.size(); ++i) index_.emplace(space_.iso_key(configs_[i]), i);
  if (prior_) weigh_by_prior();
}

void CandidatePool::weigh_by_prior() {
  log_prior_ = log_weights(*prior_);
  if (prior_->default_config()) default_row_ = find(*prior_->default_config());
}

std::vector<double> CandidatePool::log_weights(const ConfigurationPrior& belief) const {
  // An enumerated pool's row stands for its whole isomorphism class: the class's mass.
  std::vector<double> mass(configs_.size(), 0.0);
  if (!pool_is_sampled(space_)) {
    for (const Arch& config : space_.enumerate())
      if (const long row = find(config); row >= 0)
        mass[static_cast<size_t>(row)] += std::exp(belief.log_density(config));
  } else {
    for (size_t row = 0; row < configs_.size(); ++row)
      mass[row] = std::exp(belief.log_density(configs_[row]));
  }
  std::vector<double> log_weight(mass.size());
  for (size_t row = 0; row < mass.size(); ++row) log_weight[row] = std::log(std::max(mass[row], 1e-300));
  return log_weight;
}

std::optional<Arch> CandidatePool::unevaluated_prior_default(const std::vector<bool>& done) const {
  if (default_row_ < 0 || done[static_cast<size_t>(default_row_)]) return std::nullopt;
  return configs_[static_cast<size_t>(default_row_)];
}

namespace {
// piBO's exponent: the prior's strength scaled by its trust, over the successful observations.
double pibo_exponent(double trust, double strength, size_t observations) {
  return trust * strength / static_cast<double>(std::max<size_t>(1, observations));
}
}  // namespace

double CandidatePool::prior_log_weight(long row, size_t observations) const {
  if (!prior_) return 0;
  return pibo_exponent(prior_trust_, prior_->strength(), observations) *
         log_prior_.at(static_cast<size_t>(row));
}

double CandidatePool::prior_log_weight(const Arch& config, size_t observations) const {
  if (!prior_) return 0;
  if (const long row = find(config); row >= 0) return prior_log_weight(row, observations);
  return pibo_exponent(prior_trust_, prior_->strength(), observations) * prior_->log_density(config);
}

long CandidatePool::find(const Arch& config) const {
  auto it = index_.find(space_.iso_key(config));
  return it == index_.end() ? -1 : static_cast<long>(it->second);
}

std::vector<bool> CandidatePool::evaluated(const std::vector<Observation>& history) const {
  std::vector<bool> done(configs_.size(), false);
  evaluated_keys_.clear();
  for (const auto& o : history) {
    // One key per observation, for the pool row and for the neighbours a drawn pool lacks.
    const auto key = evaluated_keys_.insert(space_.iso_key(o.config));
    if (const auto row = index_.find(*key.first); row != index_.end()) done[row->second] = true;
  }
  if (prior_) update_prior_trust(history);
  return done;
}

void CandidatePool::update_prior_trust(const std::vector<Observation>& history) const {
  std::vector<double> log_prior, accuracy;
  for (const Observation& o : history)
    if (const long row = find(o.config); o.ok && row >= 0)
      log_prior.push_back(log_prior_[static_cast<size_t>(row)]), accuracy.push_back(o.accuracy);
  prior_trust_ = log_prior.size() < kPriorTrustAfter ? 1.0 : std::max(0.0, spearman(log_prior, accuracy));
}

CandidatePool::FittingPoints CandidatePool::fitting_points(const std::vector<Observation>& history) const {
  FittingPoints points;
  for (const Observation& o : history)
    if (o.ok) points.rows.push_back(find(o.config)), points.accuracies.push_back(o.accuracy);
  return points;
}

Arch CandidatePool::random_unevaluated(const std::vector<bool>& done, Rng& rng) const {
  std::vector<size_t> left;
  for (size_t i = 0; i < done.size(); ++i)
    if (!done[i]) left.push_back(i);
  if (left.empty()) throw PoolExhausted();
  if (!prior_) return configs_[left[rng.uniform_int(left.size())]];
  if (auto first = unevaluated_prior_default(done)) return *first;
  const size_t evaluated = done.size() - left.size();
  if (rng.uniform01() >= prior_->draw_share(evaluated, prior_trust_))
    return configs_[left[rng.uniform_int(left.size())]];
  return draw_unevaluated(log_prior_, done, rng);
}

Arch CandidatePool::draw_unevaluated(const std::vector<double>& log_weight, const std::vector<bool>& done,
                                     Rng& rng) const {
  std::vector<size_t> left;
  for (size_t i = 0; i < done.size(); ++i)
    if (!done[i]) left.push_back(i);
  if (left.empty()) throw PoolExhausted();
  // Weights relative to the largest, so no underflow.
  double top = -1e300;
  for (size_t i : left) top = std::max(top, log_weight.at(i));
  std::vector<double> cumulative;
  double sum = 0;
  for (size_t i : left) cumulative.push_back(sum += std::exp(log_weight[i] - top));
  const double u = rng.uniform01() * sum;
  const size_t k =
      static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
  return configs_[left[std::min(k, left.size() - 1)]];
}

std::vector<long> CandidatePool::unevaluated_edits(const std::vector<bool>& done, const Arch& config) const {
  std::vector<long> found;
  for (const Arch& n : space_.neighbours(config)) {
    const long i = find(n);
    if (i >= 0 && !done[i]) found.push_back(i);
  }
  return found;
}

std::vector<long> CandidatePool::unevaluated_neighbours(const std::vector<bool>& done,
                                                        const Arch& config) const {
  const std::vector<long> edits = unevaluated_edits(done, config);
  const std::set<long> unique(edits.begin(), edits.end());
  return {unique.begin(), unique.end()};
}

std::optional<Arch> CandidatePool::random_unevaluated_neighbour(const std::vector<bool>& done,
                                                                const Arch& config, Rng& rng) const {
  if (pool_is_sampled(space_)) {
    // A drawn pool holds few of a configuration's neighbours: take them from the space.
    std::vector<Arch> left;
    for (Arch& neighbour : space_.neighbours(config))
      if (!evaluated_keys_.count(space_.iso_key(neighbour))) left.push_back(std::move(neighbour));
    if (left.empty()) return std::nullopt;
    return left[rng.uniform_int(left.size())];
  }
  // One entry per edit (not per isomorphism class), so that every edit is equally likely.
  const std::vector<long> edits = unevaluated_edits(done, config);
  if (edits.empty()) return std::nullopt;
  return configs_[edits[rng.uniform_int(edits.size())]];
}

namespace {

// The successful observations, best first; ties keep the order of evaluation, so a replayed history gives
// the same parents.
std::vector<const Observation*> best_first(const std::vector<Observation>& history) {
  std::vector<const Observation*> ok;
  for (const auto& o : history)
    if (o.ok) ok.push_back(&o);
  std::stable_sort(ok.begin(), ok.end(),
                   [](const Observation* a, const Observation* b) { return a->accuracy > b->accuracy; });
  return ok;
}

}  // namespace

std::vector<long> CandidatePool::mutation_candidates(const std::vector<Observation>& history,
                                                     const std::vector<bool>& done, int parents) const {
  const std::vector<const Observation*> ok = best_first(history);
  std::set<long> found;
  for (size_t p = 0; p < ok.size() && static_cast<int>(p) < parents; ++p)
    for (long i : unevaluated_neighbours(done, ok[p]->config)) found.insert(i);
  return {found.begin(), found.end()};
}

std::vector<long> CandidatePool::wider_candidates(const std::vector<Observation>& history,
                                                  const std::vector<bool>& done, int parents, int sample,
                                                  const std::vector<long>& exclude, Rng& rng) const {
  const std::vector<const Observation*> ok = best_first(history);
  std::set<long> found;
  // A drawn pool holds few of the cells two edits away, and looking for them keys every neighbour's
  // neighbours (on hnb201 ~16 s per proposal, for none found): there only the other parents and the sample
  // widen.
  if (!ok.empty() && !pool_is_sampled(space_))
    for (const Arch& one_edit : space_.neighbours(ok[0]->config))
      for (long i : unevaluated_neighbours(done, one_edit)) found.insert(i);
  for (size_t p = 1; p < ok.size() && static_cast<int>(p) <= parents; ++p)
    for (long i : unevaluated_neighbours(done, ok[p]->config)) found.insert(i);
  std::vector<long> left;
  for (long i = 0; i < static_cast<long>(configs_.size()); ++i)
    if (!done[i]) left.push_back(i);
  for (int k = 0; k < sample && !left.empty(); ++k) {
    const size_t pick = rng.uniform_int(left.size());
    found.insert(left[pick]);
    left[pick] = left.back();
    left.pop_back();
  }
  for (long i : exclude) found.erase(i);
  return {found.begin(), found.end()};
}

std::vector<long> CandidatePool::acquisition_candidates(const std::vector<Observation>& history,
                                                        const std::vector<bool>& done, bool mutations,
                                                        int parents) const {
  std::vector<long> candidates;
  if (mutations) candidates = mutation_candidates(history, done, parents);
  if (candidates.empty())
    for (long i = 0; i < static_cast<long>(configs_.size()); ++i)
      if (!done[i]) candidates.push_back(i);
  if (candidates.empty()) throw PoolExhausted();
  return candidates;
}

}  // namespace tnas
