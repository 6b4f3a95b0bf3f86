#include "graphs/spaces/grammar/hierarchical_wl.h"

#include <cmath>

#include "basics/error.h"

namespace tnas {
namespace {

int depth_of(const TermTree& node) {
  int deepest = 0;
  for (const TermTree& child : node.arguments) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

// A node's label of round `round` on the tree cut below `level`: its name, and from round 1 on its children's
// labels of the round before, in order (a leaf, or a node at the cut, keeps its name).
std::string label_of(const TermTree& node, int level, int round) {
  if (round == 0 || level == 1 || node.arguments.empty()) return node.name;
  std::string label = node.name + "(";
  for (size_t i = 0; i < node.arguments.size(); ++i)
    label += (i ? "," : "") + label_of(node.arguments[i], level - 1, round - 1);
  return label + ")";
}

// Every node's round-`round` label on the tree cut below `level`, counted with the round as its prefix.
void count_labels(const TermTree& node, int level, int round, std::map<std::string, double>& counts) {
  counts[std::to_string(round) + ":" + label_of(node, level, round)] += 1;
  if (level > 1)
    for (const TermTree& child : node.arguments) count_labels(child, level - 1, round, counts);
}

double dot(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  double sum = 0;
  for (const auto& [label, count] : a)
    if (const auto it = b.find(label); it != b.end()) sum += count * it->second;
  return sum;
}

}  // namespace

int term_depth(const Grammar& grammar, const Derivation& derivation) {
  return depth_of(term_tree(grammar, derivation));
}

HierarchicalWlFeatures hierarchical_wl_features(const Grammar& grammar, const Derivation& derivation,
                                                int levels, int iterations) {
  if (levels < 1 || iterations < 0) throw Error("hierarchical WL: needs levels >= 1 and iterations >= 0");
  const TermTree tree = term_tree(grammar, derivation);
  HierarchicalWlFeatures features;
  for (int level = 1; level <= levels; ++level) {
    std::map<std::string, double> counts;
    for (int round = 0; round <= iterations; ++round) count_labels(tree, level, round, counts);
    features.levels.push_back(std::move(counts));
  }
  return features;
}

double hierarchical_wl_kernel(const HierarchicalWlFeatures& first, const HierarchicalWlFeatures& second,
                              const std::vector<double>& weights) {
  if (first.levels.size() != second.levels.size() || first.levels.empty())
    throw Error("hierarchical WL: the two architectures' features have different levels");
  if (!weights.empty() && weights.size() != first.levels.size())
    throw Error("hierarchical WL: one weight per level");
  double sum = 0, total_weight = 0;
  for (size_t level = 0; level < first.levels.size(); ++level) {
    const double weight = weights.empty() ? 1.0 : weights[level];
    const double norm = std::sqrt(dot(first.levels[level], first.levels[level]) *
                                  dot(second.levels[level], second.levels[level]));
    sum += weight * (norm > 0 ? dot(first.levels[level], second.levels[level]) / norm : 0.0);
    total_weight += weight;
  }
  return total_weight > 0 ? sum / total_weight : 0.0;
}

}  // namespace tnas
