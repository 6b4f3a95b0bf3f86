#include "graphs/spaces/grammar/network_key.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "basics/error.h"
#include "basics/stable_hash.h"
#include "graphs/spaces/grammar/grammar_network.h"

namespace tnas {
namespace {

const uint64_t kZero = stable_hash("#");

// A value: a sum of atomic terms (an operation applied to a value, the input, or "#"), as each term's hash
// with its multiplicity, sorted by hash. Sums flatten (an identity edge passes a sum on as its terms), and a
// term that recurs is counted, not repeated: chained cells of identity edges would otherwise double it per
// node.
using Value = std::vector<std::pair<uint64_t, uint64_t>>;

uint64_t hash_of(const Value& value) {
  uint64_t hash = combined_hash(stable_hash("+"), value.size());
  for (const auto& [term, count] : value) hash = combined_hash(combined_hash(hash, term), count);
  return hash;
}
bool is_zero(const Value& value) {
  return value.size() == 1 && value[0].first == kZero && value[0].second == 1;
}
Value single(uint64_t hash) { return {{hash, 1}}; }
Value sum_of(const std::vector<Value>& values) {
  std::map<uint64_t, uint64_t> counts;
  for (const Value& value : values)
    for (const auto& [t, count] : value) counts[t] += count;
  return {counts.begin(), counts.end()};
}

// The value `term` computes from `input`.
Value value_of(const TermTree& term, const Value& input) {
  const std::optional<NetworkTerminal> terminal = known_network_terminal(term);
  if (terminal && terminal->topology) {
    // Node n is the sum of its incoming edges; edges leave lower nodes only, so going up the nodes every
    // node is complete before its outgoing edges are read.
    const auto nodes = static_cast<size_t>(terminal->output_node);
    std::vector<std::vector<Value>> node_terms(nodes + 1);
    Value node_value = input;
    for (size_t node = 1; node < nodes; ++node) {
      if (node > 1) node_value = sum_of(node_terms[node]);
      for (size_t k = 0; k < terminal->edges.size(); ++k)
        if (static_cast<size_t>(terminal->edges[k].first) == node)
          node_terms[static_cast<size_t>(terminal->edges[k].second)].push_back(
              value_of(term.arguments[k], node_value));
    }
    return sum_of(node_terms[nodes]);
  }
  if (terminal &&
      term.arguments.empty()) {  // an operation: nothing from nothing, as in NB201's unique string
    if (terminal->operation == NetworkOperation::kZero || is_zero(input)) return single(kZero);
    if (terminal->operation == NetworkOperation::kIdentity) return input;
  }
  // An operation (or a term kept as written) applied to the input: its name, its arguments' values from the
  // same input in order, then the input.
  uint64_t applied = combined_hash(stable_hash(term.name), term.arguments.size());
  for (const TermTree& argument : term.arguments)
    applied = combined_hash(applied, hash_of(value_of(argument, input)));
  return single(combined_hash(applied, hash_of(input)));
}

}  // namespace

uint64_t network_key(const TermTree& term) { return hash_of(value_of(term, single(stable_hash("input")))); }

}  // namespace tnas
