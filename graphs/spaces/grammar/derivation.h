#pragma once
// An architecture of a grammar space: a derivation tree of graphs/spaces/grammar/grammar.h, with a canonical
// string that round-trips (the terminals applied to their arguments, e.g.
// `Sequential3(Residual3(Cell(id, zero, ...), ...), ...)`; unit productions leave no trace in it), sampling
// by the grammar's rules or exactly uniform, mutation and crossover that stay in the space.
#include <optional>
#include <string>
#include <vector>

#include "basics/enum_names.h"
#include "basics/rng.h"
#include "graphs/spaces/grammar/grammar.h"

namespace tnas {

// How a derivation is drawn. rules: each nonterminal takes one of its alternatives with equal probability
// (among those that fit the depth left): a probabilistic grammar with equal rule probabilities. uniform:
// every derivation equally likely. The two differ where alternatives differ in size: in the hierarchical
// NB201 grammar nine in ten uniform derivations use a conv block on an edge (27 derivations against 1 for
// zero, id and avg_pool) and the longest chain everywhere (about 42 cells and 230 conv blocks, 120+ layers
// without a shortcut), and such networks stayed at chance after the hierarchical preset's 5 epochs on
// CIFAR-10 (train loss 2.25-2.32, 3 of 3, also with Adam or a quarter of the learning rate), while rule-drawn
// ones (21-28 cells) reached 27-32 % validation accuracy (6 of 6; NB201 cells: about 34 %).
enum class DerivationSampling { kRules, kUniform };  // rules, uniform
template <>
const EnumNames<DerivationSampling>& enum_names<DerivationSampling>();

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
// A draw among the derivations of `nonterminal` at most `max_depth` deep.
Derivation sample_derivation(const Grammar& grammar, int nonterminal, int max_depth, Rng& rng,
                             DerivationSampling sampling = DerivationSampling::kUniform);
// Re-derives one node chosen uniformly (its subtree drawn by `sampling` within the depth left there), retried
// until the string differs (at most 32 times: a space of one architecture gives it back unchanged).
Derivation mutate_derivation(const Grammar& grammar, const Derivation& parent, int max_depth, Rng& rng,
                             DerivationSampling sampling = DerivationSampling::kUniform);
// `first` with one of its nodes (chosen uniformly) replaced by a subtree of `second` derived from the same
// nonterminal that fits the depth left there; nullopt when `second` has none.
std::optional<Derivation> crossover_derivations(const Grammar& grammar, const Derivation& first,
                                                const Derivation& second, int max_depth, Rng& rng);

}  // namespace tnas
