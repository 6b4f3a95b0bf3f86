#pragma once
// Pareto dominance, NSGA-II's non-dominated sorting and crowding distance, and the exact hypervolume, for
// multi-objective search. Every objective is maximized here: a minimized one (parameters, FLOPs, latency, a
// fairness gap) enters negated, so that "larger is better" holds in every coordinate.
#include <cstddef>
#include <vector>

namespace tnas {

using ObjectiveVector = std::vector<double>;

// a is at least as good as b everywhere and better somewhere.
bool dominates(const ObjectiveVector& a, const ObjectiveVector& b);

// Indices of the points no other point dominates, ascending (equal points are all kept).
std::vector<size_t> non_dominated(const std::vector<ObjectiveVector>& points);

// NSGA-II's fast non-dominated sort: fronts[0] is the non-dominated set, fronts[1] the one after removing it,
// ...
std::vector<std::vector<size_t>> non_dominated_fronts(const std::vector<ObjectiveVector>& points);

// NSGA-II's crowding distance of each member of `front` (same order): infinite at each objective's extremes.
std::vector<double> crowding_distance(const std::vector<ObjectiveVector>& points,
                                      const std::vector<size_t>& front);

// The volume dominated by the points and bounded below by `reference` (points not above it in every
// coordinate add nothing). Exact in 1, 2 and 3 dimensions (a sweep over the last coordinate); throws
// tnas::Error for more or for points of another dimension.
double hypervolume(const std::vector<ObjectiveVector>& points, const ObjectiveVector& reference);

}  // namespace tnas
