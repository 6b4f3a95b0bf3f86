#include "graphs/op_graph/op_graph.h"

#include <gtest/gtest.h>

namespace tnas {
namespace {

TEST(OpGraph, StructureOfTheNb201Cell) {
  const auto g = make_op_graph(Nb201Cell::parse(
      "|nor_conv_1x1~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|avg_pool_3x3~2|"));
  ASSERT_EQ(g.num_nodes(), 8);
  EXPECT_EQ(g.node_type, (std::vector<int>{0, 4, 4, 2, 5, 4, 6, 1}));
  // Edges from cell node 0 read the input; edge 2 (1->2) reads op-node 1 (0->1); edge 5 (2->3) reads op-nodes
  // 2 and 3 (the edges into cell node 2); the output reads the three edges into cell node 3.
  EXPECT_EQ(g.predecessors[1], (std::vector<int>{0}));
  EXPECT_EQ(g.predecessors[2], (std::vector<int>{0}));
  EXPECT_EQ(g.predecessors[3], (std::vector<int>{1}));
  EXPECT_EQ(g.predecessors[4], (std::vector<int>{0}));
  EXPECT_EQ(g.predecessors[5], (std::vector<int>{1}));
  EXPECT_EQ(g.predecessors[6], (std::vector<int>{2, 3}));
  EXPECT_EQ(g.predecessors[7], (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(g.num_edges(), 10);
  EXPECT_EQ(g.topo_order.front(), 0);
  EXPECT_EQ(g.topo_order.back(), 7);
}

TEST(OpGraph, TopologyIsTheSameForEveryCellOnlyTypesDiffer) {
  const auto a = make_op_graph(Nb201Cell::from_id(0));
  for (int64_t id : {1, 777, 15624}) {
    const auto b = make_op_graph(Nb201Cell::from_id(id));
    EXPECT_EQ(a.predecessors, b.predecessors);
    EXPECT_NE(a.node_type, b.node_type);
  }
}

TEST(OpGraph, TopologicalOrderRespectsEveryEdge) {
  const auto g = make_op_graph(Nb201Cell::from_id(4242));
  std::vector<int> position(g.num_nodes());
  for (int i = 0; i < g.num_nodes(); ++i) position[g.topo_order[i]] = i;
  for (int v = 0; v < g.num_nodes(); ++v)
    for (int u : g.predecessors[v]) EXPECT_LT(position[u], position[v]);
}

}  // namespace
}  // namespace tnas
