#include "graphs/spaces/grammar/hierarchical_wl.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "basics/error.h"
#include "basics/stable_hash.h"
#include "graphs/spaces/grammar/grammar_network.h"

namespace tnas {
namespace {

// A topology's edges when the network builder knows the terminal as one, else nullopt: an operation, a
// function term, or a terminal of a grammar that is not built as a network (searched with a command
// objective), whose arguments then all feed it, as in a term tree.
std::optional<NetworkTerminal> topology_of(const TermTree& term) {
  if (term.arguments.empty() || is_function(term)) return std::nullopt;
  std::optional<NetworkTerminal> terminal = known_network_terminal(term);
  return terminal && terminal->topology ? terminal : std::nullopt;
}

// The architecture's computational graph with every subtree rooted `level` - 1 below the root folded into one
// node named by its terminal (NAS-BOWL's form: operations are the nodes, each fed by the operations that end
// where it starts; input and output nodes around them).
class LevelGraph {
 public:
  LevelGraph(const TermTree& root, int level) : level_(level) {
    const int input = add(stable_hash("input"), {});
    add(stable_hash("output"), expand(root, 0, {input}));
  }
  const std::vector<uint64_t>& names() const { return names_; }
  const std::vector<std::vector<int>>& predecessors() const { return predecessors_; }

 private:
  int add(uint64_t name, std::vector<int> inputs) {
    std::sort(inputs.begin(), inputs.end());
    names_.push_back(name);
    predecessors_.push_back(std::move(inputs));
    return static_cast<int>(names_.size()) - 1;
  }
  // The nodes whose outputs leave `term`'s subgraph, which `entry` feeds.
  std::vector<int> expand(const TermTree& term, int depth, const std::vector<int>& entry) {
    const bool folded = depth >= level_ - 1 || term.arguments.empty();
    const std::optional<NetworkTerminal> topology = folded ? std::nullopt : topology_of(term);
    if (folded) return {add(stable_hash(term.name), entry)};
    if (!topology) {
      std::vector<int> inputs;
      for (const TermTree& argument : term.arguments)
        for (int exit : expand(argument, depth + 1, entry)) inputs.push_back(exit);
      return {add(stable_hash(term.name), inputs)};
    }
    // The topology's node n is the sum of what its incoming edges carry; edges leave lower nodes only, so
    // in order of their source node every edge's source is complete when it is expanded.
    std::vector<std::vector<int>> node_inputs(static_cast<size_t>(topology->output_node) + 1);
    node_inputs[1] = entry;
    std::vector<size_t> order(topology->edges.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t first, size_t second) {
      return topology->edges[first].first < topology->edges[second].first;
    });
    for (size_t k : order) {
      const auto [from, to] = topology->edges[k];
      for (int exit : expand(term.arguments[k], depth + 1, node_inputs[static_cast<size_t>(from)]))
        node_inputs[static_cast<size_t>(to)].push_back(exit);
    }
    return node_inputs[static_cast<size_t>(topology->output_node)];
  }

  int level_;
  std::vector<uint64_t> names_;
  std::vector<std::vector<int>> predecessors_;
};

int depth_of(const TermTree& node) {
  int deepest = 0;
  for (const TermTree& child : node.arguments) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

// WL on the level's graph: round 0 labels a node by its name, round r + 1 by its round-r label with its
// predecessors' round-r labels as a multiset (sorted); every round's labels counted.
HierarchicalWlFeatures::Level level_features(const LevelGraph& graph, int iterations) {
  std::vector<HierarchicalWlFeatures::Label> labels;
  std::vector<uint64_t> label = graph.names();
  for (int round = 0;; ++round) {
    for (uint64_t l : label) labels.push_back({combined_hash(l, static_cast<uint64_t>(round)), round, 1.0});
    if (round == iterations) break;
    std::vector<uint64_t> next(label.size());
    for (size_t v = 0; v < label.size(); ++v) {
      std::vector<uint64_t> inputs;
      for (int u : graph.predecessors()[v]) inputs.push_back(label[static_cast<size_t>(u)]);
      std::sort(inputs.begin(), inputs.end());
      uint64_t joined = combined_hash(label[v], inputs.size());
      for (uint64_t input : inputs) joined = combined_hash(joined, input);
      next[v] = joined;
    }
    label = std::move(next);
  }
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
  HierarchicalWlFeatures::Level out;
  out.round_norms.assign(static_cast<size_t>(iterations) + 1, 0.0);
  for (const auto& l : labels) {
    if (!out.labels.empty() && out.labels.back().hash == l.hash)
      out.labels.back().count += 1;
    else
      out.labels.push_back(l);
  }
  for (const auto& l : out.labels) out.round_norms[static_cast<size_t>(l.round)] += l.count * l.count;
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

int hierarchical_wl_levels(int max_depth) { return std::min(max_depth, 8); }

int term_depth(const Grammar& grammar, const Derivation& derivation) {
  return depth_of(term_tree(grammar, derivation));
}

HierarchicalWlFeatures hierarchical_wl_features(const Grammar& grammar, const Derivation& derivation,
                                                int levels, int iterations) {
  if (levels < 1 || iterations < 0) throw Error("hierarchical WL: needs levels >= 1 and iterations >= 0");
  const TermTree term = term_tree(grammar, derivation);
  HierarchicalWlFeatures features;
  features.iterations = iterations;
  for (int level = 1; level <= levels; ++level)
    features.levels.push_back(level_features(LevelGraph(term, level), iterations));
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
