// Grammar spaces (issue 28 items 1-2): both notations, the shipped grammars and their exact sizes, errors
// naming file and line, derivations that round-trip through their string, exact uniform sampling, mutation
// and crossover that stay in the space.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "basics/error.h"
#include "graphs/op_graph/op_graph.h"
#include "graphs/op_graph/wl_features.h"
#include "graphs/spaces/grammar/derivation.h"
#include "graphs/spaces/grammar/grammar.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/grammar/hierarchical_wl.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/search_space_factory.h"

namespace tnas {
namespace {

std::string grammar_path(const std::string& name) {
  return std::string(TNAS_SOURCE_DIR) + "/graphs/spaces/grammar/grammars/" + name + ".grammar";
}

std::string error_of(const std::string& text) {
  try {
    Grammar::parse(text, "g.grammar");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Grammar, TheShippedGrammarsHaveTheirExactSizes) {
  // The hierarchical NB201 grammar: OP has 30 derivations (zero, id, avg_pool, 27 conv blocks), a cell 30^6,
  // and each level the sum over its alternatives of the products of its parts' counts.
  const BigCount op = 30, cl = op * op * op * op * op * op, c = cl * cl + 2 * cl * cl * cl,
                 d = 2 * cl + cl * cl;
  const BigCount d0 = c * c * cl + c * c * c * cl + c * c * cl * cl,
                 d1 = c * c * d + c * c * c * d + c * c * d * d;
  const BigCount d2 = d1 * d1 * d0 + d0 * d1 * d1 + d1 * d1 * d0 * d0;
  const Grammar hierarchical = Grammar::read(grammar_path("hierarchical_nb201"));
  EXPECT_EQ(hierarchical.size(), d2);
  EXPECT_EQ(hierarchical.size().str().size(), 376u);  // 7.03e375
  EXPECT_EQ(hierarchical.size().str().substr(0, 6), "702936");
  EXPECT_FALSE(hierarchical.recursive());
  EXPECT_EQ(hierarchical.max_depth(), 7);  // the deepest nesting: D2, D1, C, CL, OP, CONVBLOCK, ACT
  EXPECT_EQ(Grammar::read(grammar_path("nb201_cell")).size(), 15625);
  EXPECT_EQ(Grammar::read(grammar_path("activation_functions")).size(), 6 * 1190 * 1190);
}

TEST(Grammar, BothNotationsReadTheSameGrammar) {
  const Grammar talk = Grammar::parse(
      "S ::= Seq(A, B) | A  # a comment\nA ::= a | b\nB ::= Pair(A, leaf) | \"c\"\n", "talk.grammar");
  const Grammar published = Grammar::parse(
      "S -> \"Seq\" A B | A\n\n# a comment line\nA -> \"a\" | \"b\"\nB -> \"Pair\" A \"leaf\" | \"c\"\n",
      "published.grammar");
  EXPECT_EQ(talk.size(), 2 * 3 + 2);
  EXPECT_EQ(published.size(), talk.size());
  for (int rank = 0; rank < 8; ++rank)
    EXPECT_EQ(to_string(talk, unrank_derivation(talk, 0, talk.max_depth(), rank)),
              to_string(published, unrank_derivation(published, 0, published.max_depth(), rank)));
}

TEST(Grammar, BadGrammarsNameFileAndLine) {
  EXPECT_EQ(error_of("S -> \"Seq\" A B\nA -> \"a\"\n"),
            "g.grammar:1: undefined nonterminal 'B' (quote a terminal: \"B\")");
  EXPECT_EQ(error_of("S ::= Seq(A, A)\nA ::= a\nB ::= b\n"),
            "g.grammar:3: B is never reached from the start symbol S");
  EXPECT_EQ(
      error_of("S ::= Seq(S, A)\nA ::= a\n"),
      "g.grammar:1: S never derives a finite architecture (every alternative recurses without a way out)");
  EXPECT_EQ(error_of("S ::= Seq(A, A)\nA ::= a\nA ::= b\n"),
            "g.grammar:3: A is defined twice (give it one line with all its alternatives)");
  EXPECT_EQ(error_of("S ::= Seq(A, A\nA ::= a\n"), "g.grammar:1: 'Seq(A, A' does not end with ')'");
  EXPECT_EQ(error_of("S = Seq(A)\n"), "g.grammar:1: expected 'NAME ::= ...' or 'NAME -> ...'");
  EXPECT_EQ(error_of("S ::= A(a)\nA ::= a\n"),
            "g.grammar:1: 'A' is a nonterminal: only terminals take arguments");
  EXPECT_EQ(error_of("S ::= a |  | b\n"), "g.grammar:1: an empty alternative");
  EXPECT_EQ(error_of("# nothing\n"), "g.grammar: no productions");
  try {
    check_terminals(Grammar::parse("S ::= Seq(A, A)\nA ::= conv | pool(A)\n", "t.grammar"),
                    {{"Seq", 2}, {"conv", 0}, {"pool", 2}});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "t.grammar:2: pool takes 2 arguments, given 1");
  }
  try {
    check_terminals(Grammar::parse("S ::= Seq(A, A)\nA ::= conv | warp\n", "t.grammar"),
                    {{"Seq", 2}, {"conv", 0}});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.grammar:2: unknown terminal 'warp' (the network builder knows Seq, conv)");
  }
  EXPECT_THROW(Grammar::read(grammar_path("no_such_grammar")), Error);
}

TEST(Grammar, ARecursiveGrammarCountsWithinADepthLimit) {
  const Grammar grammar = Grammar::parse("E ::= Add(E, E) | x\n", "r.grammar");
  EXPECT_TRUE(grammar.recursive());
  EXPECT_THROW(grammar.size(), Error);
  // Binary trees with leaves x: depth 1: x; depth 2: x, Add(x, x); depth 3: 1 + 2^2 = 5; depth 4: 1 + 5^2.
  EXPECT_EQ(grammar.size(1), 1);
  EXPECT_EQ(grammar.size(2), 2);
  EXPECT_EQ(grammar.size(3), 5);
  EXPECT_EQ(grammar.size(4), 26);
  Rng rng(4);
  for (int i = 0; i < 200; ++i) EXPECT_LE(derivation_depth(sample_derivation(grammar, 0, 4, rng)), 4);
}

// The flat NB201 grammar's derivations are the 15,625 NB201 cells, each mapped to its NB201 string.
TEST(Grammar, TheFlatNb201GrammarEnumeratesEveryCell) {
  const Grammar grammar = Grammar::read(grammar_path("nb201_cell"));
  std::set<std::string> cells;
  for (int rank = 0; rank < 15625; ++rank) {
    const Derivation derivation = unrank_derivation(grammar, 0, grammar.max_depth(), rank);
    std::array<Nb201Op, kNb201NumEdges> ops{};  // the grammar lists the operations in NB201's order
    for (int edge = 0; edge < kNb201NumEdges; ++edge)
      ops[edge] = static_cast<Nb201Op>(derivation.children[edge].alternative);
    cells.insert(Nb201Cell(ops).to_string());
  }
  EXPECT_EQ(cells.size(), 15625u);
  EXPECT_TRUE(cells.count(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"));
}

TEST(Grammar, DerivationsRoundTripAndSamplingIsUniform) {
  const Grammar grammar = Grammar::read(grammar_path("hierarchical_nb201"));
  Rng rng(7);
  for (int i = 0; i < 200; ++i) {
    const Derivation derivation = sample_derivation(grammar, 0, grammar.max_depth(), rng);
    const std::string text = to_string(grammar, derivation);
    EXPECT_EQ(to_string(grammar, parse_derivation(grammar, text)), text);
  }
  EXPECT_THROW(parse_derivation(grammar, "Sequential3(zero)"), Error);
  EXPECT_THROW(parse_derivation(grammar, "Sequential3(("), Error);
  // Exactly uniform: each of the activation grammar's 6 x 1190 x 1190 functions is as likely; its top-level
  // binary operation, for one, is each of the 6 in about a sixth of 6,000 draws.
  const Grammar activation = Grammar::read(grammar_path("activation_functions"));
  std::map<int, int> top;
  for (int i = 0; i < 6000; ++i)
    ++top[sample_derivation(activation, 0, activation.max_depth(), rng).children[0].alternative];
  ASSERT_EQ(top.size(), 6u);
  for (const auto& [operation, draws] : top) EXPECT_NEAR(draws, 1000, 120) << operation;
  // The same seed, the same draw.
  Rng a(11), b(11);
  EXPECT_EQ(to_string(grammar, sample_derivation(grammar, 0, grammar.max_depth(), a)),
            to_string(grammar, sample_derivation(grammar, 0, grammar.max_depth(), b)));
}

// Each alternative as often when drawn by the rules; by its number of derivations when drawn uniformly. In
// hnb201, OP's four alternatives (zero, id, CONVBLOCK, avg_pool) have 1, 1, 27 and 1 derivations.
TEST(Grammar, SamplingByTheRulesTakesEachAlternativeAsOften) {
  const Grammar grammar = Grammar::read(grammar_path("hierarchical_nb201"));
  const int op = grammar.find("OP");
  ASSERT_GE(op, 0);
  const auto op_shares = [&](DerivationSampling sampling) {
    std::array<double, 4> counts{};
    std::function<void(const Derivation&)> visit = [&](const Derivation& node) {
      if (node.nonterminal == op) counts.at(static_cast<size_t>(node.alternative)) += 1;
      for (const Derivation& child : node.children) visit(child);
    };
    Rng rng(5);
    std::map<int, int> top;
    for (int i = 0; i < 600; ++i) {
      const Derivation derivation = sample_derivation(grammar, 0, grammar.max_depth(), rng, sampling);
      ++top[derivation.alternative];
      visit(derivation);
    }
    const double total = counts[0] + counts[1] + counts[2] + counts[3];
    for (double& count : counts) count /= total;
    return std::make_pair(counts, top);
  };
  const auto [by_rules, rules_top] = op_shares(DerivationSampling::kRules);
  for (double share : by_rules) EXPECT_NEAR(share, 0.25, 0.02);
  ASSERT_EQ(rules_top.size(), 3u);  // D2's three alternatives, a third of the draws each
  for (const auto& [alternative, draws] : rules_top) EXPECT_NEAR(draws, 200, 45) << alternative;
  const auto [uniform, uniform_top] = op_shares(DerivationSampling::kUniform);
  EXPECT_NEAR(uniform[2], 27.0 / 30.0, 0.02);
  EXPECT_GT(uniform_top.at(2), 500);  // Sequential4(D1, D1, D0, D0): the most derivations by far
  // A recursive grammar: by the rules too within the depth limit, and only the leaf at the last level.
  const Grammar binary = Grammar::parse("E ::= Add(E, E) | x\n", "r.grammar");
  Rng rng(6);
  int leaves = 0;
  for (int i = 0; i < 400; ++i) {
    const Derivation derivation = sample_derivation(binary, 0, 4, rng, DerivationSampling::kRules);
    EXPECT_LE(derivation_depth(derivation), 4);
    leaves += derivation.alternative == 1;
  }
  EXPECT_NEAR(leaves, 200, 45);
  EXPECT_EQ(sample_derivation(binary, 0, 1, rng, DerivationSampling::kRules).alternative, 1);
}

TEST(GrammarSpace, SamplesByTheRulesUnlessAskedForUniformDerivations) {
  const auto mean_cells = [](const std::string& spec) {
    const auto space = make_search_space(spec);
    Rng rng(8);
    double cells = 0;
    for (int i = 0; i < 100; ++i) {
      const std::string text = space->format(space->sample(rng));
      for (size_t at = text.find("Cell("); at != std::string::npos; at = text.find("Cell(", at + 1)) ++cells;
    }
    return cells / 100;
  };
  const double by_rules = mean_cells("hnb201"), uniform = mean_cells("hnb201?sampling=uniform");
  EXPECT_GT(by_rules, 15);
  EXPECT_LT(by_rules, 32);
  EXPECT_GT(uniform, 38);
  EXPECT_EQ(
      dynamic_cast<const GrammarSpace&>(*make_search_space("hnb201?shared=CL,sampling=uniform")).sampling(),
      DerivationSampling::kUniform);
  try {
    make_search_space("hnb201?sampling=best");
    FAIL() << "an unknown sampling was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("sampling must be rules or uniform, got 'best'"),
              std::string::npos)
        << error.what();
  }
}

TEST(Grammar, MutationAndCrossoverStayInTheSpace) {
  const Grammar grammar = Grammar::read(grammar_path("hierarchical_nb201"));
  const int depth = grammar.max_depth();
  Rng rng(3);
  Derivation first = sample_derivation(grammar, 0, depth, rng),
             second = sample_derivation(grammar, 0, depth, rng);
  int crossed = 0;
  for (int i = 0; i < 10000; ++i) {
    const Derivation mutated = mutate_derivation(grammar, first, depth, rng);
    const std::string text = to_string(grammar, mutated);
    ASSERT_NE(text, to_string(grammar, first));
    ASSERT_EQ(to_string(grammar, parse_derivation(grammar, text)),
              text);  // still a derivation of the grammar
    if (const auto child = crossover_derivations(grammar, mutated, second, depth, rng)) {
      ++crossed;
      const std::string child_text = to_string(grammar, *child);
      ASSERT_EQ(to_string(grammar, parse_derivation(grammar, child_text)), child_text);
      ASSERT_LE(derivation_depth(*child), depth);
    }
    second = first;
    first = mutated;
  }
  EXPECT_EQ(crossed, 10000);  // the same start symbol: some node of the second always fits
}

// The hierarchical WL kernel against a hand computation (one WL round, three levels). Each level is the
// computational graph with the subtrees below it folded into one node: operations are nodes, each fed by
// those that end where it starts (I: input, O: output).
//   x = Sequential2(conv3x3, Sequential2(conv1x1, avg_pool)), y = Sequential2(id, Sequential2(conv1x1,
//   conv1x1)) level 1: I -> Sequential2 -> O for both: kernel 1 level 2: x: I -> conv3x3 -> Sequential2 -> O,
//   y: I -> id -> Sequential2 -> O;
//            round 0 shares I, Sequential2, O (3 of 4 each), round 1 shares I() and O(Sequential2):
//            <x, y> = 5, |x|^2 = |y|^2 = 8: kernel 5 / 8
//   level 3: x: I -> conv3x3 -> conv1x1 -> avg_pool -> O, y: I -> id -> conv1x1 -> conv1x1 -> O;
//            round 0: x {I c3 c1 ap O}, y {I id c1 c1 O}: <x, y> = 1 + 2 + 1 = 4, |x|^2 = 5, |y|^2 = 7;
//            round 1: only I() shared: 1; |x|^2 = |y|^2 = 5: kernel (4 + 1) / sqrt(10 * 12)
TEST(HierarchicalWl, MatchesAHandComputation) {
  const Grammar grammar = Grammar::parse(
      "S ::= Sequential2(A, A) | Residual2(A, A, A)\nA ::= conv3x3 | id | Sequential2(B, B)\n"
      "B ::= conv1x1 | avg_pool\n",
      "h.grammar");
  const Derivation x = parse_derivation(grammar, "Sequential2(conv3x3, Sequential2(conv1x1, avg_pool))");
  const Derivation y = parse_derivation(grammar, "Sequential2(id, Sequential2(conv1x1, conv1x1))");
  EXPECT_EQ(term_depth(grammar, x), 3);
  const auto fx = hierarchical_wl_features(grammar, x, 3, 1), fy = hierarchical_wl_features(grammar, y, 3, 1);
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fy, {1, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fy, {0, 1, 0}), 5 / 8.0);
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fy, {0, 0, 1}), 5 / std::sqrt(120.0));
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fy), (1 + 5 / 8.0 + 5 / std::sqrt(120.0)) / 3);
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fx), 1.0);
  // Round 0 alone: levels 1, 2, 3: 1, 3 / 4 and 4 / sqrt(35); hierarchical_wl_kernels gives every number of
  // rounds at once.
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fx, fy, {0, 0, 1}, 0), 4 / std::sqrt(35.0));
  const std::vector<double> per_rounds = hierarchical_wl_kernels(fx, fy);
  ASSERT_EQ(per_rounds.size(), 2u);
  EXPECT_DOUBLE_EQ(per_rounds[0], (1 + 3 / 4.0 + 4 / std::sqrt(35.0)) / 3);
  EXPECT_DOUBLE_EQ(per_rounds[1], hierarchical_wl_kernel(fx, fy));
  // The order of a Sequential's parts matters: the same operations, another graph.
  const auto ab =
      hierarchical_wl_features(grammar, parse_derivation(grammar, "Sequential2(conv3x3, id)"), 2, 1);
  const auto ba =
      hierarchical_wl_features(grammar, parse_derivation(grammar, "Sequential2(id, conv3x3)"), 2, 1);
  EXPECT_LT(hierarchical_wl_kernel(ab, ba), 1.0);
  EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(ab, ba, {0, 1}, 0), 1.0);
  EXPECT_THROW(hierarchical_wl_kernel(fx, ab), Error);  // other levels
}

// On the flat NB201 grammar the level that unfolds the cell is NAS-BOWL's WL kernel on the cell's graph
// (what bowl uses), for every number of rounds.
TEST(HierarchicalWl, OnTheFlatNb201GrammarIsTheWlKernelOfTheCell) {
  const Grammar grammar = Grammar::read(grammar_path("nb201_cell"));
  const auto cell_of = [](const Derivation& derivation) {
    std::array<Nb201Op, kNb201NumEdges> ops{};
    for (int edge = 0; edge < kNb201NumEdges; ++edge)
      ops[edge] = static_cast<Nb201Op>(derivation.children[edge].alternative);
    return Nb201Cell(ops);
  };
  Rng rng(11);
  int differing = 0;
  for (int pair = 0; pair < 200; ++pair) {
    const Derivation x = sample_derivation(grammar, 0, grammar.max_depth(), rng);
    const Derivation y = sample_derivation(grammar, 0, grammar.max_depth(), rng);
    const auto fx = hierarchical_wl_features(grammar, x, 2, 3),
               fy = hierarchical_wl_features(grammar, y, 2, 3);
    const OpGraph gx = make_op_graph(cell_of(x)), gy = make_op_graph(cell_of(y));
    for (int rounds = 0; rounds <= 3; ++rounds) {
      const double wl = wl_kernel(wl_features(gx, rounds), wl_features(gy, rounds));
      EXPECT_NEAR(hierarchical_wl_kernel(fx, fy, {0, 1}, rounds), wl, 1e-12);
      differing += wl < 1;
    }
  }
  EXPECT_GT(differing, 700);
}

// The deduplicating key: derivations that compute the same network share it. On the flat NB201 grammar every
// NAS-Bench-201 class (Nb201Cell::iso_key, 6,466 of the 15,625 cells) lies within one of its 5,755 classes:
// NB201's string does not flatten a sum that a skip connection passes on, e.g. (none, skip, none, none, none,
// skip) and (none, none, none, skip, none, skip) both compute x plus three zero terms.
TEST(GrammarSpace, TheKeyMergesDerivationsOfTheSameNetwork) {
  const GrammarSpace flat("nb201_cell", Grammar::read(grammar_path("nb201_cell")));
  std::map<std::string, std::set<std::string>> keys_per_nb201_class;
  std::set<std::string> keys;
  for (const Arch& arch : flat.enumerate()) {
    const Derivation derivation = flat.decode(arch);
    std::array<Nb201Op, kNb201NumEdges> ops{};
    for (int edge = 0; edge < kNb201NumEdges; ++edge)
      ops[edge] = static_cast<Nb201Op>(derivation.children[edge].alternative);
    keys_per_nb201_class[Nb201Cell(ops).iso_key()].insert(flat.iso_key(arch));
    keys.insert(flat.iso_key(arch));
  }
  EXPECT_EQ(keys_per_nb201_class.size(), 6466u);
  EXPECT_EQ(keys.size(), 5755u);
  for (const auto& [nb201_class, ours] : keys_per_nb201_class) EXPECT_EQ(ours.size(), 1u) << nb201_class;
  const auto key_of = [&](const std::string& text) { return flat.iso_key(flat.parse(text)); };
  EXPECT_EQ(key_of("Cell(none, skip_connect, none, none, none, skip_connect)"),
            key_of("Cell(none, none, none, skip_connect, none, skip_connect)"));
  // Identity is no operation and the order of a sum's terms does not matter; the order of a chain does.
  const GrammarSpace chains(
      "chains",
      Grammar::parse("S ::= Sequential2(A, A) | Residual2(A, A, A)\nA ::= conv3x3 | conv1x1 | id | zero\n",
                     "chains.grammar"));
  const auto key = [&](const std::string& text) { return chains.iso_key(chains.parse(text)); };
  EXPECT_EQ(key("Sequential2(id, conv3x3)"), key("Sequential2(conv3x3, id)"));
  EXPECT_NE(key("Sequential2(conv1x1, conv3x3)"), key("Sequential2(conv3x3, conv1x1)"));
  EXPECT_EQ(key("Residual2(conv3x3, id, id)"), key("Residual2(id, conv3x3, id)"));  // x + c(x) both
  EXPECT_EQ(key("Sequential2(zero, conv3x3)"), key("Sequential2(conv1x1, zero)"));  // nothing either way
  EXPECT_NE(key("Residual2(conv3x3, zero, id)"),
            key("Sequential2(conv3x3, id)"));  // NB201 keeps the zero term
}

// On the hierarchical NB201 grammar: symmetric, 1 on the diagonal, and an architecture is closer to its
// mutation than to an unrelated draw more often than not.
TEST(HierarchicalWl, IsAKernelThatSeesSmallChangesAsSmall) {
  const Grammar grammar = Grammar::read(grammar_path("hierarchical_nb201"));
  Rng rng(5);
  int closer = 0;
  for (int i = 0; i < 40; ++i) {
    const Derivation a = sample_derivation(grammar, 0, grammar.max_depth(), rng);
    const Derivation mutated = mutate_derivation(grammar, a, grammar.max_depth(), rng);
    const Derivation other = sample_derivation(grammar, 0, grammar.max_depth(), rng);
    const auto fa = hierarchical_wl_features(grammar, a, 5, 2),
               fm = hierarchical_wl_features(grammar, mutated, 5, 2),
               fo = hierarchical_wl_features(grammar, other, 5, 2);
    EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fa, fa), 1.0);
    EXPECT_DOUBLE_EQ(hierarchical_wl_kernel(fa, fm), hierarchical_wl_kernel(fm, fa));
    closer += hierarchical_wl_kernel(fa, fm) > hierarchical_wl_kernel(fa, fo);
  }
  EXPECT_GE(closer, 30);
}

// The hierarchical NB201 grammar behind the SearchSpace interface: configurations decode to derivations
// and round-trip through their text, neighbours differ in one choice and stay in the space, the graph is the
// term tree within the declared bounds, and what needs the network builder says so.
TEST(GrammarSpace, TheHierarchicalNb201SpaceIsASearchSpace) {
  const GrammarSpace space("hnb201",
                           Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201"));
  EXPECT_EQ(space.size(), -1);  // 7e375
  EXPECT_EQ(space.grammar().size(),
            Grammar::read(grammar_path("hierarchical_nb201")).size());  // the same file
  Rng rng(9);
  for (int i = 0; i < 50; ++i) {
    const Arch arch = space.sample(rng);
    const std::string text = space.format(arch);
    ASSERT_EQ(space.parse(text), arch);
    const OpGraph graph = space.to_graph(arch);
    EXPECT_LE(graph.num_nodes(), space.graph_max_nodes());
    EXPECT_EQ(graph.node_type.front(), kNodeTypeInput);
    EXPECT_EQ(graph.node_type.back(), kNodeTypeOutput);
    for (int v = 1; v < graph.num_nodes(); ++v) {
      EXPECT_LT(graph.node_type[v], space.graph_node_types());
      for (int p : graph.predecessors[v]) EXPECT_LT(p, v);  // built in topological order
    }
    const std::vector<Arch> neighbours = space.neighbours(arch);
    ASSERT_FALSE(neighbours.empty());
    for (size_t n = 0; n < neighbours.size(); n += 37) {
      EXPECT_EQ(space.parse(space.format(neighbours[n])), neighbours[n]);
      int differing = 0;
      for (size_t k = 0; k < arch.choices.size(); ++k)
        differing += arch.choices[k] != neighbours[n].choices[k];
      EXPECT_EQ(differing, 1);
    }
    const Arch mutated = space.mutate(arch, rng);
    EXPECT_NE(space.format(mutated), text);
    EXPECT_EQ(space.parse(space.format(mutated)), mutated);
  }
  EXPECT_THROW(space.decode(Arch{{0, 99}}), Error);
  EXPECT_GE(space.cost(space.sample(rng)).params, 73306);  // graphs_grammar_network_test.cpp checks it
  EXPECT_THROW(space.choice_counts(), Error);
  EXPECT_THROW(shipped_grammar("nb301"), Error);
}

TEST(GrammarSpace, TheFlatNb201GrammarEnumeratesItsCellsAndARecursiveOneNeedsADepth) {
  const GrammarSpace cells("nb201-grammar", Grammar::parse(shipped_grammar("nb201_cell"), "nb201_cell"));
  EXPECT_EQ(cells.size(), 15625);
  const std::vector<Arch> all = cells.enumerate();
  ASSERT_EQ(all.size(), 15625u);
  EXPECT_EQ(cells.format(all[0]), "Cell(none, none, none, none, none, none)");
  EXPECT_EQ(cells.neighbours(all[0]).size(), 24u);  // 6 edges x 4 other operations, as NB201's own space
  EXPECT_EQ(cells.graph_max_nodes(), 2 + 7);        // input, output, the Cell and its six operations
  const Grammar recursive = Grammar::parse("E ::= Add(E, E) | x\n", "r.grammar");
  EXPECT_THROW(GrammarSpace("r", recursive, 0), Error);
  const GrammarSpace bounded("r", recursive, 4);
  EXPECT_EQ(bounded.size(), 26);
  EXPECT_THROW(bounded.parse("Add(Add(Add(Add(x, x), x), x), x)"), Error);  // deeper than 4
  EXPECT_EQ(bounded.format(bounded.parse("Add(Add(x, x), x)")), "Add(Add(x, x), x)");
}

// The regularity option: with a shared nonterminal every occurrence of it is one derivation. hnb201?shared=CL
// counts the rest of hnb201 with the cell opaque (D2's alternatives over D1 = 189, D0 = 45 ways: 2 x 189^2 x
// 45 + 189^2 x 45^2 = 75,549,915) times the 30^6 cells; its draws, mutations and crossovers are regular and
// round-trip; an architecture whose cells differ is not in it.
TEST(GrammarSpace, ASharedNonterminalIsOneDerivationEverywhere) {
  const auto regular = make_search_space("hnb201?shared=CL");
  EXPECT_EQ(regular->name(), "hnb201?shared=CL");
  EXPECT_EQ(regular->size(), int64_t{75549915} * 729000000);
  const auto cells_of = [](const std::string& text) {
    std::set<std::string> cells;
    for (size_t at = text.find("Cell("); at != std::string::npos; at = text.find("Cell(", at + 1)) {
      size_t end = at + 5;
      for (int open = 1; open > 0; ++end) open += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
      cells.insert(text.substr(at, end - at));
    }
    return cells;
  };
  const auto& space = dynamic_cast<const GrammarSpace&>(*regular);
  Rng rng(11);
  int mutated_cell = 0;
  for (int i = 0; i < 200; ++i) {
    const Arch a = space.sample(rng), b = space.sample(rng);
    const std::string text = space.format(a);
    EXPECT_EQ(cells_of(text).size(), 1u) << text;
    EXPECT_EQ(space.parse(text).choices, a.choices);
    const Arch mutated = space.mutate(a, rng);
    EXPECT_EQ(cells_of(space.format(mutated)).size(), 1u);
    EXPECT_NE(space.format(mutated), text);
    mutated_cell += cells_of(space.format(mutated)) != cells_of(text);
    if (const auto child = space.crossover(a, b, rng)) EXPECT_EQ(cells_of(space.format(*child)).size(), 1u);
    for (const Arch& neighbour : space.neighbours(a)) EXPECT_EQ(cells_of(space.format(neighbour)).size(), 1u);
  }
  EXPECT_GT(mutated_cell, 20);  // a mutation of the shared cell changes it everywhere
  EXPECT_LT(mutated_cell, 180);
  const auto plain = make_search_space("hnb201");
  const std::string irregular = plain->format(plain->sample(rng));
  ASSERT_GT(cells_of(irregular).size(), 1u);
  EXPECT_THROW(space.parse(irregular), Error);
  // A small grammar, enumerated: Seq(<A>, <A>, B) and Res(<A>, B), 2 ways each, times A's 3.
  const Grammar small =
      Grammar::parse("S ::= Seq(A, A, B) | Res(A, B)\nA ::= a | b | c\nB ::= x | y\n", "s.grammar");
  const GrammarSpace shared("s", small, 12, "A");
  std::set<std::string> texts;
  for (const Arch& config : shared.enumerate()) texts.insert(shared.format(config));
  EXPECT_EQ(texts.size(), 12u);
  EXPECT_TRUE(texts.count("Seq(b, b, y)"));
  EXPECT_FALSE(texts.count("Seq(a, b, y)"));
  EXPECT_EQ(GrammarSpace("s", small).size(), 24);
  // Errors: an unknown nonterminal, the start symbol, one some architecture lacks, an unknown option, a
  // space without options.
  EXPECT_THROW(GrammarSpace("s", small, 12, "Z"), Error);
  EXPECT_THROW(GrammarSpace("s", small, 12, "S"), Error);
  EXPECT_THROW(
      GrammarSpace("s", Grammar::parse("S ::= Seq(A, B) | B\nA ::= a | b\nB ::= c | d\n", "t"), 12, "A"),
      Error);
  EXPECT_THROW(make_search_space("hnb201?depth=3"), Error);
  EXPECT_THROW(make_search_space("nb201?shared=CL"), Error);
}

}  // namespace
}  // namespace tnas
