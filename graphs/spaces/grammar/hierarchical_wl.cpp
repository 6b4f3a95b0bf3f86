#include "graphs/spaces/grammar/hierarchical_wl.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "basics/error.h"

namespace tnas {
namespace {

// splitmix64's finalizer: spreads every input bit over the output, so that combined hashes do not collide
// for labels that differ in one child.
uint64_t mixed(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

uint64_t combined(uint64_t seed, uint64_t value) { return mixed(seed ^ mixed(value)); }

uint64_t text_hash(const std::string& text) {  // FNV-1a
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

// A node of the term tree with its depth (the root: 0) and the labels of its subtree cut 0 .. k below it:
// cut[0] is its name; cut[k] its name with its children's cut[k - 1] in order (a leaf: its name for every k).
// The label of round r on level L for a node at depth d is cut[min(L - 1 - d, r)]: relabelling stops at the
// level's cut or after r rounds, whichever comes first.
struct LabelledNode {
  int depth;
  std::vector<uint64_t> cut;
};

// Appends `node`'s subtree in preorder; returns the node's cut labels.
std::vector<uint64_t> label_subtree(const TermTree& node, int depth, int deepest_cut,
                                    std::vector<LabelledNode>& out) {
  const size_t index = out.size();
  out.push_back({depth, {}});
  std::vector<std::vector<uint64_t>> children;
  for (const TermTree& child : node.arguments)
    children.push_back(label_subtree(child, depth + 1, deepest_cut, out));
  std::vector<uint64_t> cut(static_cast<size_t>(deepest_cut) + 1, text_hash(node.name));
  if (!children.empty())
    for (int k = 1; k <= deepest_cut; ++k) {
      uint64_t label = combined(cut[0], children.size());
      for (const auto& child : children) label = combined(label, child[static_cast<size_t>(k - 1)]);
      cut[static_cast<size_t>(k)] = label;
    }
  out[index].cut = cut;
  return cut;
}

int depth_of(const TermTree& node) {
  int deepest = 0;
  for (const TermTree& child : node.arguments) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

HierarchicalWlFeatures::Level level_features(const std::vector<LabelledNode>& nodes, int level,
                                             int iterations) {
  std::vector<HierarchicalWlFeatures::Label> labels;
  for (const LabelledNode& node : nodes) {
    if (node.depth >= level) continue;
    for (int round = 0; round <= iterations; ++round) {
      const int cut = std::min(level - 1 - node.depth, round);
      labels.push_back(
          {combined(node.cut[static_cast<size_t>(cut)], static_cast<uint64_t>(round)), round, 1.0});
    }
  }
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
  HierarchicalWlFeatures::Level out;
  out.round_norms.assign(static_cast<size_t>(iterations) + 1, 0.0);
  for (const auto& label : labels) {
    if (!out.labels.empty() && out.labels.back().hash == label.hash)
      out.labels.back().count += 1;
    else
      out.labels.push_back(label);
  }
  for (const auto& label : out.labels)
    out.round_norms[static_cast<size_t>(label.round)] += label.count * label.count;
  return out;
}

// One level's kernel with rounds 0 .. h for every h in 0 .. iterations: the labels' dot products per round
// (a merge of the sorted label lists), accumulated over rounds and normalized.
std::vector<double> level_kernels(const HierarchicalWlFeatures::Level& first,
                                  const HierarchicalWlFeatures::Level& second, int iterations) {
  const auto rounds = static_cast<size_t>(iterations) + 1;
  std::vector<double> dots(rounds, 0.0);
  auto a = first.labels.begin(), b = second.labels.begin();
  while (a != first.labels.end() && b != second.labels.end()) {
    if (a->hash < b->hash) {
      ++a;
    } else if (b->hash < a->hash) {
      ++b;
    } else {
      dots[static_cast<size_t>(a->round)] += a->count * b->count;
      ++a, ++b;
    }
  }
  std::vector<double> kernels(rounds, 0.0);
  double dot = 0, first_norm = 0, second_norm = 0;
  for (size_t round = 0; round < rounds; ++round) {
    dot += dots[round], first_norm += first.round_norms[round], second_norm += second.round_norms[round];
    const double norm = std::sqrt(first_norm * second_norm);
    kernels[round] = norm > 0 ? dot / norm : 0.0;
  }
  return kernels;
}

void require_comparable(const HierarchicalWlFeatures& first, const HierarchicalWlFeatures& second) {
  if (first.levels.size() != second.levels.size() || first.levels.empty() ||
      first.iterations != second.iterations)
    throw Error("hierarchical WL: the two architectures' features have different levels or rounds");
}

}  // namespace

int term_depth(const Grammar& grammar, const Derivation& derivation) {
  return depth_of(term_tree(grammar, derivation));
}

HierarchicalWlFeatures hierarchical_wl_features(const Grammar& grammar, const Derivation& derivation,
                                                int levels, int iterations) {
  if (levels < 1 || iterations < 0) throw Error("hierarchical WL: needs levels >= 1 and iterations >= 0");
  std::vector<LabelledNode> nodes;
  label_subtree(term_tree(grammar, derivation), 0, std::min(levels - 1, iterations), nodes);
  HierarchicalWlFeatures features;
  features.iterations = iterations;
  for (int level = 1; level <= levels; ++level)
    features.levels.push_back(level_features(nodes, level, iterations));
  return features;
}

double hierarchical_wl_kernel(const HierarchicalWlFeatures& first, const HierarchicalWlFeatures& second,
                              const std::vector<double>& weights, int rounds) {
  require_comparable(first, second);
  if (!weights.empty() && weights.size() != first.levels.size())
    throw Error("hierarchical WL: one weight per level");
  if (rounds > first.iterations) throw Error("hierarchical WL: the features hold fewer rounds");
  const auto last = static_cast<size_t>(rounds < 0 ? first.iterations : rounds);
  double sum = 0, total_weight = 0;
  for (size_t level = 0; level < first.levels.size(); ++level) {
    const double weight = weights.empty() ? 1.0 : weights[level];
    sum += weight * level_kernels(first.levels[level], second.levels[level], first.iterations)[last];
    total_weight += weight;
  }
  return total_weight > 0 ? sum / total_weight : 0.0;
}

std::vector<double> hierarchical_wl_kernels(const HierarchicalWlFeatures& first,
                                            const HierarchicalWlFeatures& second) {
  require_comparable(first, second);
  std::vector<double> kernels(static_cast<size_t>(first.iterations) + 1, 0.0);
  for (size_t level = 0; level < first.levels.size(); ++level) {
    const std::vector<double> per_round =
        level_kernels(first.levels[level], second.levels[level], first.iterations);
    for (size_t h = 0; h < kernels.size(); ++h)
      kernels[h] += per_round[h] / static_cast<double>(first.levels.size());
  }
  return kernels;
}

}  // namespace tnas
