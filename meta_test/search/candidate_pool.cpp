#include "meta_test/search/candidate_pool.h"

#include <algorithm>
#include <set>

#include "basics/error.h"

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

CandidatePool::CandidatePool(const SearchSpace& space, const std::vector<Arch>& configs)
    : space_(space), configs_(configs) {
  for (size_t i = 0; i < configs_.size(); ++i) index_.emplace(space_.iso_key(configs_[i]), i);
}

long CandidatePool::find(const Arch& config) const {
  auto it = index_.find(space_.iso_key(config));
  return it == index_.end() ? -1 : static_cast<long>(it->second);
}

std::vector<bool> CandidatePool::evaluated(const std::vector<Observation>& history) const {
  std::vector<bool> done(configs_.size(), false);
  for (const auto& o : history)
    if (long i = find(o.config); i >= 0) done[i] = true;
  return done;
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
  return configs_[left[rng.uniform_int(left.size())]];
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
  if (!ok.empty())
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
