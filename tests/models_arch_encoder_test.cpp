#include <gtest/gtest.h>

#include <torch/torch.h>

#include "basics/error.h"
#include "basics/rng.h"
#include "graphs/op_graph/op_graph.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/surrogate/graph_batch.h"
#include "models/surrogate/surrogate_modules.h"

namespace tnas {
namespace {

// 0 -> {1, 2}, 1 -> 3, {2, 3} -> 4: node 4's longest path from the input is 3 edges, node 2's is 1.
OpGraph diamond() {
  OpGraph graph;
  graph.node_type = {kNodeTypeInput, 2, 3, 2, kNodeTypeOutput};
  graph.predecessors = {{}, {0}, {0}, {1}, {2, 3}};
  graph.topo_order = {0, 1, 2, 3, 4};
  return graph;
}

// 0 -> 1 -> 2: a chain of three nodes.
OpGraph chain() {
  OpGraph graph;
  graph.node_type = {kNodeTypeInput, 4, kNodeTypeOutput};
  graph.predecessors = {{}, {0}, {1}};
  graph.topo_order = {0, 1, 2};
  return graph;
}

TEST(GraphBatch, PacksNodesByTheirLongestPathFromASource) {
  const OpGraph first = diamond(), second = chain();
  const GraphBatch batch = pack_graphs({&first, &second});
  const GraphBatchDirection& forward = batch.forward;
  // Levels: {d0, c0}, {d1, d2, c1}, {d3, c2}, {d4}.
  EXPECT_EQ(forward.level_begin, (std::vector<int64_t>{0, 2, 5, 7, 8}));
  EXPECT_EQ(forward.position, (std::vector<int64_t>{0, 0, 1, 2, 1, 3, 2, 4}));
  EXPECT_EQ(forward.node_type, (std::vector<int64_t>{0, 0, 2, 3, 4, 2, 1, 1}));
  // Into level 1: d1 <- d0, d2 <- d0, c1 <- c0; level 2: d3 <- d1, c2 <- c1; level 3: d4 <- d2, d3.
  EXPECT_EQ(forward.edge_begin, (std::vector<int64_t>{0, 0, 3, 5, 7}));
  EXPECT_EQ(forward.edge_source, (std::vector<int64_t>{0, 0, 1, 2, 4, 3, 5}));
  EXPECT_EQ(forward.edge_target, (std::vector<int64_t>{0, 1, 2, 0, 1, 0, 0}));
  EXPECT_EQ(forward.readout, (std::vector<int64_t>{7, 6}));  // d4, c2
  // Backward: levels by the longest path to an output: {d4, c2}, {d2, d3, c1}, {d1, c0}, {d0}.
  const GraphBatchDirection& backward = batch.backward;
  EXPECT_EQ(backward.level_begin, (std::vector<int64_t>{0, 2, 5, 7, 8}));
  EXPECT_EQ(backward.position, (std::vector<int64_t>{4, 2, 2, 3, 1, 1, 0, 0}));
  EXPECT_EQ(backward.edge_source,
            (std::vector<int64_t>{0, 0, 1, 3, 4, 5, 2}));     // d0 <- d1 (row 5), d2 (row 2)
  EXPECT_EQ(backward.readout, (std::vector<int64_t>{7, 6}));  // d0, c0
}

// The D-VAE recurrence node by node, in topological order (the definition the batched encoder must keep):
// h_v = GRU(x_v, sum_u sigmoid(W_g [h_u; id_u]) * W_m [h_u; id_u]) over v's sources (W h_u without vertex
// ids).
torch::Tensor node_by_node(ArchEncoderImpl& encoder, const OpGraph& graph) {
  const int n = graph.num_nodes();
  const auto ids = torch::eye(encoder.max_nodes);
  const auto onehot =
      torch::one_hot(torch::tensor(std::vector<int64_t>(graph.node_type.begin(), graph.node_type.end())),
                     encoder.node_types)
          .to(torch::kFloat32);
  std::vector<std::vector<int>> successors(n);
  for (int v = 0; v < n; ++v)
    for (int u : graph.predecessors[v]) successors[u].push_back(v);
  const auto propagate = [&](const std::vector<int>& order, const std::vector<std::vector<int>>& sources,
                             torch::nn::GRUCell& gru, torch::nn::Linear& gate, torch::nn::Linear& map) {
    std::vector<torch::Tensor> h(n);
    for (int v : order) {
      torch::Tensor message = torch::zeros({1, encoder.hidden});
      for (int u : sources[v]) {
        const auto input = encoder.vertex_ids > 0 ? torch::cat({h[u], ids[u].unsqueeze(0)}, 1) : h[u];
        message = message + torch::sigmoid(gate(input)) * map(input);
      }
      h[v] = gru(onehot[v].unsqueeze(0), message);
    }
    return h;
  };
  const std::vector<int> reverse(graph.topo_order.rbegin(), graph.topo_order.rend());
  const auto hf = propagate(graph.topo_order, graph.predecessors, encoder.gru_forward, encoder.gate_forward,
                            encoder.map_forward);
  const auto hb =
      propagate(reverse, successors, encoder.gru_backward, encoder.gate_backward, encoder.map_backward);
  return encoder.to_latent(
      encoder.fuse(torch::cat({hf[graph.topo_order.back()], hb[graph.topo_order.front()]}, 1)));
}

// One batch of graphs of different topologies (NB201 cells and hierarchical derivations of hundreds of
// nodes) gives each graph the embedding of the recurrence computed node by node, with vertex ids and without.
TEST(ArchEncoder, LevelSynchronousBatchComputesTheNodeByNodeRecurrence) {
  torch::NoGradGuard no_grad;
  const GrammarSpace space(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"));
  Rng rng(8);
  std::vector<OpGraph> graphs = {space.to_graph(space.sample(rng)), diamond(),
                                 space.to_graph(space.sample(rng)),
                                 Nb201Space().to_graph(Nb201Space().sample(rng)), chain()};
  ASSERT_GT(graphs[0].num_nodes(), 100);
  std::vector<const OpGraph*> pointers;
  for (const OpGraph& graph : graphs) pointers.push_back(&graph);
  for (const bool vertex_ids : {true, false}) {
    torch::manual_seed(5);
    SurrogateOptions options;
    options.arch_hidden = 16;
    options.arch_node_types = space.graph_node_types();
    options.arch_nodes = space.graph_max_nodes();
    options.arch_vertex_ids = vertex_ids;
    ArchEncoder encoder(options);
    EXPECT_EQ(encoder->gate_forward->weight.size(1), 16 + (vertex_ids ? space.graph_max_nodes() : 0));
    const auto together = encoder->forward(pointers, torch::zeros({5, 0}));
    ASSERT_EQ(together.sizes(), (std::vector<int64_t>{5, options.nz}));
    for (size_t i = 0; i < graphs.size(); ++i) {
      const auto reference = node_by_node(*encoder, graphs[i]);
      EXPECT_TRUE(torch::allclose(together[static_cast<int64_t>(i)], reference[0], 1e-4, 1e-5))
          << vertex_ids << " " << i << ": " << together[static_cast<int64_t>(i)] << " vs " << reference[0];
    }
    EXPECT_FALSE(torch::allclose(together[0], together[2], 1e-3, 1e-3));
  }
}

TEST(ArchEncoder, RefusesAGraphLargerThanItWasBuiltFor) {
  SurrogateOptions options;
  options.arch_hidden = 8;
  options.arch_node_types = 7;
  options.arch_nodes = 4;
  ArchEncoder encoder(options);
  const OpGraph graph = diamond();
  try {
    encoder->forward({&graph}, torch::zeros({1, 0}));
    ADD_FAILURE() << "a 5-node graph passed an encoder for 4 nodes";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "arch encoder: graph has 5 nodes, at most 4");
  }
}

}  // namespace
}  // namespace tnas
