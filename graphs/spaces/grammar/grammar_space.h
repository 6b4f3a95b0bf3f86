#pragma once
// A grammar's architectures behind the SearchSpace interface (issue 28 item 2): --space grammar:FILE, or
// --space hnb201 for the shipped hierarchical NAS-Bench-201 grammar. A configuration is its derivation tree
// written as the alternatives chosen in pre-order (the grammar tells which nonterminal comes next, so the
// list is the whole tree); its text is the derivation's canonical string
// (graphs/spaces/grammar/derivation.h). Sampling follows the grammar's rules (each alternative as likely;
// `?sampling=uniform`: every derivation as likely, DerivationSampling says why that is not the default); a
// neighbour swaps one node's alternative for another with the same parts (zero for id, relu for mish,
// Sequential3 for Residual2 over the same three cells); mutation re-derives a uniformly chosen node's subtree
// the same way as sampling; the surrogate's graph is the term tree (leaves fed
// by the input, the root feeding the output). Params and FLOPs are those of the network the derivation
// describes (graphs/spaces/grammar/grammar_network.h) at NB201's default width, resolution and classes.
//
// Regularity (the seed talk's "substitution": a part reused at several places): with a shared nonterminal,
// every occurrence of it in an architecture is one and the same derivation (`--space hnb201?shared=CL`: one
// cell everywhere; `?shared=C`: one block of cells). A configuration is then the rest of the derivation
// (the shared nonterminal an opaque leaf) in pre-order, followed by the shared derivation; the space is the
// product of the two, sampled uniformly as such; mutation and crossover change one of the two parts (chosen
// in proportion to their nodes), so the change reaches every occurrence.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graphs/spaces/grammar/derivation.h"
#include "graphs/spaces/search_space.h"

namespace tnas {

class GrammarSpace final : public SearchSpace {
 public:
  // `max_depth` limits a recursive grammar's derivations (ignored, and the grammar's own depth used, for
  // one that is not recursive).
  // `shared`: a nonterminal every architecture derives, to derive once for all its occurrences ("": none;
  // only for a grammar that is not recursive). `sampling`: how sample() and mutate() draw derivations.
  GrammarSpace(std::string name, Grammar grammar, int max_depth = 12, const std::string& shared = "",
               DerivationSampling sampling = DerivationSampling::kRules);

  std::string name() const override { return name_; }
  int64_t size() const override;  // -1 beyond 2^62 (the exact count: grammar().size())
  Arch sample(Rng& rng) const override;
  std::vector<Arch> enumerate() const override;
  std::vector<Arch> neighbours(const Arch& arch) const override;
  Arch mutate(const Arch& arch, Rng& rng) const override;
  OpGraph to_graph(const Arch& arch) const override;
  int graph_node_types() const override { return kNodeTypeFirstOp + static_cast<int>(terminals_.size()); }
  int graph_max_nodes() const override { return max_nodes_; }
  bool graph_topology_fixed() const override { return false; }
  Arch parse(std::string_view text) const override;
  std::string format(const Arch& arch) const override;
  // The network's key (graphs/spaces/grammar/network_key.h), not the text: derivations that compute the
  // same network are one configuration.
  std::string iso_key(const Arch& arch) const override;
  std::vector<int> choice_counts() const override;  // throws: a derivation has no fixed list of choices
  ArchCost cost(const Arch& arch) const override;   // throws for a terminal the network builder lacks

  const Grammar& grammar() const { return grammar_; }
  int max_depth() const { return max_depth_; }
  DerivationSampling sampling() const { return sampling_; }
  Derivation decode(const Arch& arch) const;
  // Throws tnas::Error for a derivation whose occurrences of the shared nonterminal differ.
  Arch encode(const Derivation& derivation) const;
  // A child of two configurations (crossover_derivations); nullopt when none fits.
  std::optional<Arch> crossover(const Arch& first, const Arch& second, Rng& rng) const;

 private:
  // A configuration's derivation in its parts: without a shared nonterminal, `rest` is the whole and
  // `shared` empty; with one, `rest` derives it as an opaque leaf (rest_grammar_) and `shared` is its one
  // derivation.
  struct Parts {
    Derivation rest;
    std::optional<Derivation> shared;
  };
  Parts split(const Arch& arch) const;
  Parts split(const Derivation& derivation) const;
  Arch join(const Parts& parts) const;
  Derivation assemble(const Parts& parts) const;
  const Grammar& rest_grammar() const { return shared_ < 0 ? grammar_ : rest_grammar_; }
  // The number of configurations of the rest and of the shared part (1 without one).
  BigCount rest_count() const;
  BigCount shared_count() const;

  std::string name_;
  Grammar grammar_;
  int shared_ = -1;       // the shared nonterminal, -1 for none
  Grammar rest_grammar_;  // grammar_.with_opaque(shared_) when there is one
  int max_depth_ = 0;
  DerivationSampling sampling_ = DerivationSampling::kRules;
  std::vector<std::string> terminals_;  // sorted: a terminal's node type is kNodeTypeFirstOp + its index
  int max_nodes_ = 0;
};

// A grammar space named `name` with the options after `?` in its --space name, comma-separated:
// `shared=NONTERMINAL` (the regularity option), `sampling=rules|uniform`. Throws tnas::Error naming the space
// for an unknown option or value.
std::unique_ptr<GrammarSpace> make_grammar_space(const std::string& name, Grammar grammar,
                                                 const std::string& options);

// The shipped grammars (graphs/spaces/grammar/grammars/), embedded in the binary: "hierarchical_nb201",
// "nb201_cell", "activation_functions". Throws tnas::Error for another name.
const std::string& shipped_grammar(const std::string& name);

}  // namespace tnas
