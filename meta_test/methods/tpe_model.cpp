#include "meta_test/methods/tpe_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "basics/error.h"

namespace tnas {

TpeModel::TpeModel(std::vector<int> choice_counts, const std::vector<Observation>& observations,
                   const TpeSettings& settings)
    : counts_(std::move(choice_counts)), settings_(settings), observations_(observations.size()) {
  const size_t n = observations.size();
  if (n < min_points(counts_))
    throw Error("TPE model: " + std::to_string(n) + " observations, needs " +
                std::to_string(min_points(counts_)));
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return observations[a].accuracy > observations[b].accuracy; });
  // As BOHB: each density gets at least (choices + 1) points, so the two may share some when n is small.
  const size_t floor_points = counts_.size() + 1;
  const size_t n_good = std::max(floor_points, static_cast<size_t>(settings_.top_fraction * n));
  const size_t n_bad = std::max(floor_points, n - static_cast<size_t>(settings_.top_fraction * n));
  std::vector<std::vector<int>> good, bad;
  for (size_t i = 0; i < n_good; ++i) good.push_back(observations[order[i]].config.choices);
  for (size_t i = n - n_bad; i < n; ++i) bad.push_back(observations[order[i]].config.choices);
  good_ = fit(std::move(good));
  bad_ = fit(std::move(bad));
}

// Bandwidth per choice: Scott's rule's n^(-1/(d+4)) scaled to the kernel's range (0, (k-1)/k], where (k-1)/k
// is the uniform distribution; at least min_bandwidth.
TpeModel::Density TpeModel::fit(std::vector<std::vector<int>> points) const {
  Density d;
  const double scale =
      std::pow(static_cast<double>(points.size()), -1.0 / (static_cast<double>(counts_.size()) + 4));
  for (int k : counts_) d.bandwidth.push_back(std::max(settings_.min_bandwidth, scale * (k - 1.0) / k));
  d.points = std::move(points);
  return d;
}

double TpeModel::Density::log_density(const std::vector<int>& x, const std::vector<int>& counts) const {
  // log of the mean over points of the product of per-choice kernels, computed with a max shift.
  std::vector<double> logs(points.size(), 0.0);
  for (size_t p = 0; p < points.size(); ++p)
    for (size_t j = 0; j < counts.size(); ++j)
      logs[p] +=
          std::log(points[p][j] == x[j] ? 1 - bandwidth[j] : bandwidth[j] / std::max(1, counts[j] - 1));
  const double top = *std::max_element(logs.begin(), logs.end());
  double sum = 0;
  for (double l : logs) sum += std::exp(l - top);
  return top + std::log(sum / static_cast<double>(points.size()));
}

double TpeModel::log_ratio(const Arch& config) const {
  if (config.choices.size() != counts_.size())
    throw Error("TPE model: a configuration with the wrong number of choices");
  return good_.log_density(config.choices, counts_) - bad_.log_density(config.choices, counts_);
}

long TpeModel::propose(const CandidatePool& pool, const std::vector<bool>& done, Rng& rng,
                       const RowLogWeights& added_log_weight) const {
  std::vector<std::pair<long, double>> scored;  // pool row, score
  for (int s = 0; s < settings_.samples; ++s) {
    // BOHB's sampling: a random good point, each choice kept with probability 1 - widened bandwidth.
    Arch x{good_.points[rng.uniform_int(good_.points.size())]};
    for (size_t j = 0; j < counts_.size(); ++j) {
      const double bw =
          std::min(1.0, std::max(settings_.min_bandwidth, good_.bandwidth[j] * settings_.bandwidth_factor));
      if (rng.uniform01() >= 1 - bw)
        x.choices[j] = static_cast<int>(rng.uniform_int(static_cast<uint64_t>(counts_[j])));
    }
    const long i = pool.find(x);
    if (i < 0 || done[static_cast<size_t>(i)]) continue;
    scored.emplace_back(i,
                        log_ratio(x) + pool.prior_log_weight(i, observations_));  // piBO (0 without a prior)
  }
  // No draw is an unevaluated pool configuration (a sampled pool: JAHS holds 20,000 of 8.5 million): the
  // best-scoring unevaluated configuration of the pool.
  if (scored.empty())
    for (size_t i = 0; i < pool.size(); ++i)
      if (!done[i])
        scored.emplace_back(
            static_cast<long>(i),
            log_ratio(pool.configs()[i]) + pool.prior_log_weight(static_cast<long>(i), observations_));
  if (scored.empty()) throw PoolExhausted();
  std::vector<double> added(scored.size(), 0.0);
  if (added_log_weight) {
    std::vector<long> rows;
    for (const auto& [row, score] : scored) rows.push_back(row);
    added = added_log_weight(rows);
  }
  long best = -1;
  double best_score = -1e300;
  for (size_t k = 0; k < scored.size(); ++k)
    if (scored[k].second + added[k] > best_score)
      best_score = scored[k].second + added[k], best = scored[k].first;
  return best;
}

}  // namespace tnas
