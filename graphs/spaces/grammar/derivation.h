#pragma once
// An architecture of a grammar space: a derivation tree of graphs/spaces/grammar/grammar.h, with a canonical
// string that round-trips (the terminals applied to their arguments, e.g.
// `Sequential3(Residual3(Cell(id, zero, ...), ...), ...)`; unit productions leave no trace in it), exactly
// uniform sampling (a uniformly drawn rank, unranked), mutation and crossover that stay in the space.
#include <optional>
#include <string>
#include <vector>

#include "basics/rng.h"
#include "graphs/spaces/grammar/grammar.h"

namespace tnas {

struct Derivation {
  int nonterminal = 0;
  int alternative = 0;               // index into the nonterminal's alternatives
  std::vector<Derivation> children;  // one per child of the alternative (GrammarAlternative::children)
};

// An architecture as its string reads: a terminal applied to its arguments (unit productions leave no trace).
// What the hierarchical WL kernel compares and the network builder builds.
struct TermTree {
  std::string name;
  std::vector<TermTree> arguments;
};
TermTree term_tree(const Grammar& grammar, const Derivation& derivation);
std::string to_string(const TermTree& term);  // `name(argument, argument)`, a leaf: its name

std::string to_string(const Grammar& grammar, const Derivation& derivation);
// The derivation of `nonterminal` (default: the start symbol) that `text` writes: the first in the grammar's
// order of alternatives when several write the same text. Throws tnas::Error naming the text for one the
// grammar does not derive.
Derivation parse_derivation(const Grammar& grammar, const std::string& text, int nonterminal = 0);
// The nesting of productions (one production: 1).
int derivation_depth(const Derivation& derivation);

// The derivation of rank `index` in 0 .. grammar.count(nonterminal, max_depth) - 1, in a fixed order
// (alternatives in turn, children in mixed radix): a bijection, so a uniform rank is a uniform architecture.
Derivation unrank_derivation(const Grammar& grammar, int nonterminal, int max_depth, BigCount index);
// A uniform draw among the derivations of `nonterminal` at most `max_depth` deep.
Derivation sample_derivation(const Grammar& grammar, int nonterminal, int max_depth, Rng& rng);
// Re-derives one node chosen uniformly (its subtree drawn uniformly within the depth left there), retried
// until the string differs (at most 32 times: a space of one architecture gives it back unchanged).
Derivation mutate_derivation(const Grammar& grammar, const Derivation& parent, int max_depth, Rng& rng);
// `first` with one of its nodes (chosen uniformly) replaced by a subtree of `second` derived from the same
// nonterminal that fits the depth left there; nullopt when `second` has none.
std::optional<Derivation> crossover_derivations(const Grammar& grammar, const Derivation& first,
                                                const Derivation& second, int max_depth, Rng& rng);

}  // namespace tnas
