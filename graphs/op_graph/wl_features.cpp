#include "graphs/op_graph/wl_features.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "basics/error.h"

namespace tnas {

WlFeatures wl_features(const OpGraph& graph, int iterations) {
  if (iterations < 0) throw Error("WL iterations must be >= 0, got " + std::to_string(iterations));
  std::vector<std::string> label(graph.num_nodes());
  for (int v = 0; v < graph.num_nodes(); ++v) label[v] = std::to_string(graph.node_type[v]);
  WlFeatures counts;
  for (const auto& l : label) ++counts[l];
  for (int it = 0; it < iterations; ++it) {
    std::vector<std::string> next(label.size());
    for (int v = 0; v < graph.num_nodes(); ++v) {
      std::vector<std::string> in;
      for (int u : graph.predecessors[v]) in.push_back(label[u]);
      std::sort(in.begin(), in.end());
      std::string joined;
      for (const auto& l : in) joined += (joined.empty() ? "" : ",") + l;
      next[v] = label[v] + "(" + joined + ")";
    }
    label = std::move(next);
    for (const auto& l : label) ++counts[l];
  }
  return counts;
}

double wl_dot(const WlFeatures& a, const WlFeatures& b) {
  double sum = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {  // both maps are sorted by label: one merge pass
    if (i->first < j->first)
      ++i;
    else if (j->first < i->first)
      ++j;
    else
      sum += static_cast<double>(i->second) * j->second, ++i, ++j;
  }
  return sum;
}

double wl_kernel(const WlFeatures& a, const WlFeatures& b) {
  const double norm = std::sqrt(wl_dot(a, a) * wl_dot(b, b));
  return norm > 0 ? wl_dot(a, b) / norm : 0.0;
}

}  // namespace tnas
