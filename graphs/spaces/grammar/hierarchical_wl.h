#pragma once
// The hierarchical Weisfeiler-Lehman kernel of BOHNAS (Schrodi et al., NeurIPS 2023) on derivation trees
// (issue 28 item 4): NAS-BOWL's WL subtree kernel applied at every level of abstraction of an architecture.
// Level l is the architecture's computational graph with every subtree l - 1 below the root folded into one
// node named by its terminal: for Sequential(Residual(conv, id, conv), Residual(conv, id, conv), linear),
// level 1 is Sequential, level 2 the chain Residual -> Residual -> linear, level 3 the whole network. Each
// graph is NAS-BOWL's form: the operations are the nodes (a topology's edges, from the network builder,
// graphs/spaces/grammar/grammar_network.h), each fed by the operations that end where it starts, between an
// input and an output node; a terminal the builder does not know as a topology is fed by its arguments, as in
// a term tree. So on the flat NB201 grammar the level that unfolds the cell is exactly the WL kernel of the
// cell's graph (graphs/op_graph/wl_features.h). On each level, `iterations` rounds of WL relabelling (a
// node's next label is its label with its predecessors' labels as a multiset), the label counts of every
// round (round 0 included) are the level's features, and the level's kernel is their normalized dot product.
// The kernel is the weighted mean of the levels' kernels.
//
// A label is kept as a 64-bit hash of its text, not the text: a deep level's round-2 labels spell out whole
// subgraphs, and BOHNAS compares every observed architecture with hundreds of candidates per proposal.
#include <cstdint>
#include <vector>

#include "graphs/spaces/grammar/derivation.h"

namespace tnas {

struct HierarchicalWlFeatures {
  struct Label {
    uint64_t hash;  // of the label's text and its round
    int round;
    double count;
  };
  struct Level {
    std::vector<Label> labels;        // sorted by hash, each hash once
    std::vector<double> round_norms;  // per round 0 .. iterations: the sum of its labels' squared counts
  };
  std::vector<Level> levels;  // 1 .. levels
  int iterations = 0;
};

// Levels 1 .. `levels` (a tree shallower than a level gives its whole self there), rounds 0 .. iterations.
HierarchicalWlFeatures hierarchical_wl_features(const Grammar& grammar, const Derivation& derivation,
                                                int levels, int iterations);
// sum_l weights[l] <a_l, b_l> / (|a_l| |b_l|) / sum_l weights[l] over the rounds 0 .. `rounds` (-1: all the
// features hold); `weights` has one entry per level (empty: equal weights). In [0, 1]; 1 for equal
// architectures.
double hierarchical_wl_kernel(const HierarchicalWlFeatures& first, const HierarchicalWlFeatures& second,
                              const std::vector<double>& weights = {}, int rounds = -1);
// The kernel with rounds 0 .. h for every h in 0 .. iterations at once (equal level weights): one pass over
// the labels instead of one per h, as a GP that chooses h by marginal likelihood needs them all.
std::vector<double> hierarchical_wl_kernels(const HierarchicalWlFeatures& first,
                                            const HierarchicalWlFeatures& second);
// The levels a GP with this kernel compares on a grammar whose derivations are at most `max_depth`
// productions deep: all of them, but at most 8, as every level costs a WL pass per architecture and a deeper
// one adds little the levels above it do not already hold (BOHNAS's GP and tnas's WL family share it).
int hierarchical_wl_levels(int max_depth);
// The depth of a derivation's term tree (the deepest nesting of terminals; a leaf: 1): the most levels
// hierarchical_wl_features can tell apart.
int term_depth(const Grammar& grammar, const Derivation& derivation);

}  // namespace tnas
