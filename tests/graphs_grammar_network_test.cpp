// The network a grammar architecture describes (issue 28 item 3), torch-free: the flat NB201 grammar gives
// NB201's networks exactly, hand-counted parameters and FLOPs of hierarchical architectures, every sampled
// hierarchical architecture has a consistent shape, and the errors name the architecture and the problem.
#include "graphs/spaces/grammar/grammar_network.h"

#include <gtest/gtest.h>

#include <array>

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/nb201/nb201_cell.h"

namespace tnas {
namespace {

Grammar shipped(const std::string& name) { return Grammar::parse(shipped_grammar(name), name + ".grammar"); }

TermTree term_of(const Grammar& grammar, const std::string& text) {
  return term_tree(grammar, parse_derivation(grammar, text));
}

std::string cost_error(const TermTree& term, const Nb201MacroConfig& config) {
  try {
    grammar_network_cost(term, config);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// Every one of the 15,625 cells: the grammar's network (the cell placed into NB201's skeleton) has NB201's
// parameters and FLOPs, at NB201's default network and at the fast preset's.
TEST(GrammarNetwork, TheFlatNb201GrammarGivesNb201sNetworks) {
  const Grammar grammar = shipped("nb201_cell");
  Nb201MacroConfig fast;
  fast.channels = 8, fast.cells_per_stage = 1, fast.resolution = 16, fast.num_classes = 20;
  for (int rank = 0; rank < 15625; ++rank) {
    const Derivation derivation = unrank_derivation(grammar, 0, grammar.max_depth(), rank);
    std::array<Nb201Op, kNb201NumEdges> ops{};
    for (int edge = 0; edge < kNb201NumEdges; ++edge)
      ops[edge] = static_cast<Nb201Op>(derivation.children[edge].alternative);
    const Nb201Cell cell(ops);
    const TermTree term = term_tree(grammar, derivation);
    EXPECT_EQ(downsamplings(term), 0);
    for (const Nb201MacroConfig& config : {Nb201MacroConfig{}, fast}) {
      const GrammarNetworkCost cost = grammar_network_cost(term, config);
      ASSERT_EQ(cost.params, nb201_param_count(cell, config)) << cell.to_string();
      ASSERT_EQ(cost.flops, nb201_flops(cell, config)) << cell.to_string();
      ASSERT_EQ(cost.output, (FeatureShape{4 * config.channels, config.resolution / 4}));
    }
  }
}

// Counted by hand at 16 channels, 32 pixels, 10 classes. Parameter-free cells: only the stem (3*16*9 + 2*16
// = 464), the two reductions (16->32: 4,608 + 9,216 + 512 + 4*32 = 14,464; 32->64: 18,432 + 36,864 + 2,048 +
// 4*64 = 57,600) and the head (2*64 + 64*10 + 10 = 778): 73,306, NB201's count for its empty cell. A conv
// block with a 3x3 convolution and batch norm at 16 channels adds 16*16*9 + 2*16 = 2,336 parameters and
// 2,304 * 32 * 32 MACs; a depthwise one with layer norm at 64 channels 64*9 + 2*64 = 704 and 576 * 8 * 8.
TEST(GrammarNetwork, HierarchicalArchitecturesCountedByHand) {
  const Grammar grammar = shipped("hierarchical_nb201");
  const std::string empty = "Cell(id, zero, id, avg_pool, id, zero)";
  const auto architecture = [&](const std::string& first_cell, const std::string& last_cell) {
    const std::string c = "Sequential2(" + first_cell + ", " + empty + ")";
    const std::string later_c = "Sequential2(" + empty + ", " + empty + ")";
    const std::string d = "Sequential2(" + empty + ", down)";
    return "Sequential3(Sequential3(" + c + ", " + later_c + ", " + d + "), Sequential3(" + later_c + ", " +
           later_c + ", " + d + "), Sequential3(" + later_c + ", " + later_c + ", " + last_cell + "))";
  };
  const Nb201MacroConfig cifar10;
  const GrammarNetworkCost plain =
      grammar_network_cost(term_of(grammar, architecture(empty, empty)), cifar10);
  EXPECT_EQ(plain.params, 73306);
  EXPECT_EQ(plain.params, nb201_param_count(Nb201Cell(), cifar10));
  const int64_t plain_flops = 3 * 16 * 9 * 32 * 32 + 14336 * 16 * 16 + 57344 * 8 * 8 + 640;
  EXPECT_EQ(plain.flops, plain_flops);
  EXPECT_EQ(plain.output, (FeatureShape{64, 8}));

  const std::string conv_cell = "Cell(Sequential3(relu, conv3x3, batch), zero, id, avg_pool, id, zero)";
  const std::string dconv_cell = "Cell(id, zero, id, Sequential3(mish, dconv3x3, layer), id, zero)";
  const GrammarNetworkCost with_blocks =
      grammar_network_cost(term_of(grammar, architecture(conv_cell, dconv_cell)), cifar10);
  EXPECT_EQ(with_blocks.params, 73306 + 2336 + 704);
  EXPECT_EQ(with_blocks.flops, plain_flops + 2304 * 32 * 32 + 576 * 8 * 8);

  // A residual stage: its skip branch downsamples too (Residual3(C, C, D, D): out = D(x) + D(C(C(x)))).
  const std::string residual_c = "Residual2(" + empty + ", " + empty + ", " + empty + ")";
  const std::string residual_d = "Residual2(" + empty + ", down, down)";
  const std::string residual = "Sequential3(Residual3(" + residual_c + ", " + residual_c + ", " + residual_d +
                               ", " + residual_d + "), Sequential3(" + residual_c + ", " + residual_c +
                               ", Sequential2(" + empty + ", down)), Sequential3(" + residual_c + ", " +
                               residual_c + ", " + empty + "))";
  const GrammarNetworkCost twice = grammar_network_cost(term_of(grammar, residual), cifar10);
  EXPECT_EQ(twice.params, 73306 + 3 * 14464);  // four 16->32 reductions, one 32->64
  EXPECT_EQ(twice.output, (FeatureShape{64, 8}));
}

// 2,000 draws of the 7e375 hierarchical architectures (by the grammar's rules, so every alternative occurs:
// uniform draws almost never take D's Residual2(CL, down, down), whose two parallel downs halve once): each
// has a shape (branches agree), two halvings on every path (64 channels at 8 of 32 pixels) and at least the
// empty cells' parameters; the space's cost is the network's.
TEST(GrammarNetwork, EverySampledHierarchicalArchitectureHasAShape) {
  const GrammarSpace space("hnb201", shipped("hierarchical_nb201"));
  Rng rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Arch arch = space.sample(rng);
    const TermTree term = term_tree(space.grammar(), space.decode(arch));
    const GrammarNetworkCost cost = grammar_network_cost(term, Nb201MacroConfig{});
    ASSERT_EQ(cost.output, (FeatureShape{64, 8})) << space.format(arch);
    ASSERT_GE(cost.params, 73306);
    const ArchCost space_cost = space.cost(arch);
    ASSERT_EQ(space_cost.params, cost.params);
    ASSERT_EQ(space_cost.flops, cost.flops);
  }
}

TEST(GrammarNetwork, ErrorsNameTheArchitectureAndTheProblem) {
  const Grammar grammar = Grammar::parse(
      "S ::= Residual2(A, A, B) | Sequential2(B, B) | Residual2(A, B, B)\nA ::= id\nB ::= down\n",
      "r.grammar");
  EXPECT_EQ(
      cost_error(term_of(grammar, "Residual2(id, id, down)"), Nb201MacroConfig{}),
      "architecture 'Residual2(id, id, down)': Residual2 adds branches of shapes 16x32x32 and 32x16x16");
  EXPECT_EQ(cost_error(term_of(grammar, "Residual2(id, down, down)"), Nb201MacroConfig{}), "no error");
  Nb201MacroConfig odd;
  odd.resolution = 6;
  EXPECT_EQ(
      cost_error(term_of(grammar, "Sequential2(down, down)"), odd),
      "architecture 'Sequential2(down, down)': down cannot halve a side of 3 pixels (the resolution must "
      "be divisible by 2 for every down)");
  EXPECT_EQ(cost_error(TermTree{"Residual2", {{"id", {}}, {"id", {}}}}, Nb201MacroConfig{}),
            "network: Residual2 takes 3 arguments, 'Residual2(id, id)' gives 2");
  EXPECT_EQ(cost_error(TermTree{"warp", {}}, Nb201MacroConfig{}).rfind("network: unknown terminal 'warp'", 0),
            0u);
  EXPECT_EQ(cost_error(TermTree{"id", {{"id", {}}}}, Nb201MacroConfig{}),
            "network: the operation id takes no arguments");

  // What the builder knows, checked when a grammar is to be trained: every shipped grammar; a terminal it
  // does not know is an error naming the grammar's file and line.
  EXPECT_NO_THROW(check_terminals(shipped("hierarchical_nb201"), network_vocabulary()));
  EXPECT_NO_THROW(check_terminals(shipped("nb201_cell"), network_vocabulary()));
  EXPECT_NO_THROW(check_terminals(shipped("activation_functions"), network_vocabulary()));
  try {
    check_terminals(Grammar::parse("S ::= Sequential2(A, A)\nA ::= id | warp(A) | zero\n", "w.grammar"),
                    network_vocabulary());
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(
        message.rfind("w.grammar:2: unknown terminal 'warp' (the network builder knows Cell, Diamond2, "
                      "Diamond3, Linear, LinearN, Residual2, Residual3, Sequential, SequentialN, abs, add,",
                      0),
        0u)
        << message;
  }
}

// An activation function is the activation of NB201's best CIFAR-10 cell: every function costs what that
// cell's network costs (a function has no parameters and no multiply-accumulates), and a malformed function
// term is an error naming it.
TEST(GrammarNetwork, AnActivationFunctionIsTheActivationOfNb201sBestCell) {
  const GrammarSpace functions("functions", shipped("activation_functions"));
  const Nb201Cell best = Nb201Cell::parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  Rng rng(4);
  for (int i = 0; i < 50; ++i) {
    const TermTree term = term_tree(functions.grammar(), functions.decode(functions.sample(rng)));
    EXPECT_TRUE(is_function(term));
    const GrammarNetworkCost cost = grammar_network_cost(term, Nb201MacroConfig{});
    EXPECT_EQ(cost.params, nb201_param_count(best, Nb201MacroConfig{})) << to_string(term);
    EXPECT_EQ(cost.flops, nb201_flops(best, Nb201MacroConfig{})) << to_string(term);
  }
  const TermTree x{"x", {}};
  EXPECT_EQ(cost_error(TermTree{"unary", {{"warp", {}}, x}}, Nb201MacroConfig{}),
            "network: 'warp' is no unary function");
  EXPECT_EQ(cost_error(TermTree{"binary", {{"add", {}}, x}}, Nb201MacroConfig{}),
            "network: binary takes an operation and two arguments, not 'binary(add, x)'");
  EXPECT_EQ(cost_error(TermTree{"unary", {{"relu", {}}, {"id", {}}}}, Nb201MacroConfig{}),
            "network: a function's argument is x or another function, not 'id'");
}

}  // namespace
}  // namespace tnas
