// Grammar spaces (issue 28 items 1-2): both notations, the shipped grammars and their exact sizes, errors
// naming file and line, derivations that round-trip through their string, exact uniform sampling, mutation
// and crossover that stay in the space.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

#include "basics/error.h"
#include "graphs/spaces/grammar/derivation.h"
#include "graphs/spaces/grammar/grammar.h"
#include "graphs/spaces/nb201/nb201_cell.h"

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

}  // namespace
}  // namespace tnas
