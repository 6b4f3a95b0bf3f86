#include "meta_test/multi_objective/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "basics/error.h"

namespace tnas {
namespace {

// The points strictly above the reference in every coordinate.
std::vector<ObjectiveVector> above(const std::vector<ObjectiveVector>& points,
                                   const ObjectiveVector& reference) {
  std::vector<ObjectiveVector> kept;
  for (const auto& p : points) {
    if (p.size() != reference.size())
      throw Error("hypervolume: a point with " + std::to_string(p.size()) +
                  " objectives, the reference has " + std::to_string(reference.size()));
    bool in = true;
    for (size_t k = 0; k < p.size(); ++k) in = in && p[k] > reference[k];
    if (in) kept.push_back(p);
  }
  return kept;
}

// Area dominated by 2-D points above (rx, ry): sorted by x descending, each adds the strip its y gains.
double area(std::vector<std::pair<double, double>> pts, double rx, double ry) {
  std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second > b.second);
  });
  double total = 0, best_y = ry;
  for (const auto& [x, y] : pts) {
    if (y <= best_y) continue;
    total += (x - rx) * (y - best_y);
    best_y = y;
  }
  return total;
}

}  // namespace

bool dominates(const ObjectiveVector& a, const ObjectiveVector& b) {
  bool better = false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] < b[k]) return false;
    better = better || a[k] > b[k];
  }
  return better;
}

std::vector<size_t> non_dominated(const std::vector<ObjectiveVector>& points) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && dominates(points[j], points[i]);
    if (!dominated) front.push_back(i);
  }
  return front;
}

std::vector<std::vector<size_t>> non_dominated_fronts(const std::vector<ObjectiveVector>& points) {
  const size_t n = points.size();
  std::vector<std::vector<size_t>> dominated_by_me(n);
  std::vector<int> dominators(n, 0);
  std::vector<std::vector<size_t>> fronts(1);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (dominates(points[i], points[j]))
        dominated_by_me[i].push_back(j);
      else if (dominates(points[j], points[i]))
        ++dominators[i];
    }
    if (dominators[i] == 0) fronts[0].push_back(i);
  }
  while (!fronts.back().empty()) {
    std::vector<size_t> next;
    for (size_t i : fronts.back())
      for (size_t j : dominated_by_me[i])
        if (--dominators[j] == 0) next.push_back(j);
    std::sort(next.begin(), next.end());
    fronts.push_back(next);
  }
  fronts.pop_back();
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<ObjectiveVector>& points,
                                      const std::vector<size_t>& front) {
  const size_t m = front.size();
  std::vector<double> d(m, 0.0);
  if (m == 0) return d;
  const double inf = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < points[front[0]].size(); ++k) {
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return points[front[a]][k] < points[front[b]][k]; });
    const double lo = points[front[order.front()]][k], hi = points[front[order.back()]][k];
    d[order.front()] = d[order.back()] = inf;
    if (hi <= lo) continue;
    for (size_t r = 1; r + 1 < m; ++r)
      d[order[r]] += (points[front[order[r + 1]]][k] - points[front[order[r - 1]]][k]) / (hi - lo);
  }
  return d;
}

double hypervolume(const std::vector<ObjectiveVector>& points, const ObjectiveVector& reference) {
  const size_t dims = reference.size();
  if (dims < 1 || dims > 3)
    throw Error("hypervolume: exact for 1 to 3 objectives, got " + std::to_string(dims));
  const std::vector<ObjectiveVector> pts = above(points, reference);
  if (pts.empty()) return 0;
  if (dims == 1) {
    double best = reference[0];
    for (const auto& p : pts) best = std::max(best, p[0]);
    return best - reference[0];
  }
  if (dims == 2) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : pts) xy.emplace_back(p[0], p[1]);
    return area(xy, reference[0], reference[1]);
  }
  // 3-D: slabs between consecutive z values, each the 2-D area of the points at least that high.
  std::vector<ObjectiveVector> by_z = pts;
  std::sort(by_z.begin(), by_z.end(), [](const auto& a, const auto& b) { return a[2] > b[2]; });
  double total = 0;
  std::vector<std::pair<double, double>> xy;
  for (size_t i = 0; i < by_z.size(); ++i) {
    xy.emplace_back(by_z[i][0], by_z[i][1]);
    const double z_low = i + 1 < by_z.size() ? by_z[i + 1][2] : reference[2];
    if (by_z[i][2] > z_low) total += area(xy, reference[0], reference[1]) * (by_z[i][2] - z_low);
  }
  return total;
}

}  // namespace tnas
