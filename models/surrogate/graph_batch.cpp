#include "models/surrogate/graph_batch.h"

#include <algorithm>

namespace tnas {
namespace {

// `sources[g][v]`: the sources of node v of graph g in this direction (sorted); `order[g]`: a topological
// order of graph g for this direction; `readout[g]`: the node read out.
GraphBatchDirection pack_direction(const std::vector<const OpGraph*>& graphs,
                                   const std::vector<std::vector<std::vector<int>>>& sources,
                                   const std::vector<std::vector<int>>& order,
                                   const std::vector<int>& readout) {
  // Each node's level, and the rows of each level in (graph, node) order.
  std::vector<std::vector<int>> level(graphs.size());
  int levels = 0;
  for (size_t g = 0; g < graphs.size(); ++g) {
    level[g].assign(graphs[g]->num_nodes(), 0);
    for (int v : order[g])
      for (int u : sources[g][v]) level[g][v] = std::max(level[g][v], level[g][u] + 1);
    for (int l : level[g]) levels = std::max(levels, l + 1);
  }
  std::vector<std::vector<std::pair<int, int>>> members(levels);  // (graph, node) per level
  for (size_t g = 0; g < graphs.size(); ++g)
    for (int v = 0; v < graphs[g]->num_nodes(); ++v)
      members[level[g][v]].emplace_back(static_cast<int>(g), v);

  GraphBatchDirection packed;
  std::vector<std::vector<int64_t>> row(graphs.size());
  for (size_t g = 0; g < graphs.size(); ++g) row[g].assign(graphs[g]->num_nodes(), -1);
  packed.level_begin.push_back(0);
  packed.edge_begin.push_back(0);
  for (int l = 0; l < levels; ++l) {
    const int64_t first = packed.level_begin.back();
    for (const auto& [g, v] : members[l]) {
      const int64_t r = static_cast<int64_t>(packed.node_type.size());
      row[g][v] = r;
      packed.node_type.push_back(graphs[g]->node_type[v]);
      packed.position.push_back(v);
      for (int u : sources[g][v]) {
        packed.edge_source.push_back(row[g][u]);  // on a lower level: assigned already
        packed.edge_target.push_back(r - first);
      }
    }
    packed.level_begin.push_back(static_cast<int64_t>(packed.node_type.size()));
    packed.edge_begin.push_back(static_cast<int64_t>(packed.edge_source.size()));
  }
  for (size_t g = 0; g < graphs.size(); ++g) packed.readout.push_back(row[g][readout[g]]);
  return packed;
}

}  // namespace

GraphBatch pack_graphs(const std::vector<const OpGraph*>& graphs) {
  const size_t count = graphs.size();
  std::vector<std::vector<std::vector<int>>> predecessors(count), successors(count);
  std::vector<std::vector<int>> forward_order(count), backward_order(count);
  std::vector<int> outputs(count), inputs(count);
  for (size_t g = 0; g < count; ++g) {
    const OpGraph& graph = *graphs[g];
    predecessors[g] = graph.predecessors;
    successors[g].assign(graph.num_nodes(), {});
    for (int v = 0; v < graph.num_nodes(); ++v)
      for (int u : graph.predecessors[v]) successors[g][u].push_back(v);  // increasing v: sorted
    forward_order[g] = graph.topo_order;
    backward_order[g].assign(graph.topo_order.rbegin(), graph.topo_order.rend());
    outputs[g] = graph.topo_order.back();
    inputs[g] = graph.topo_order.front();
  }
  return {pack_direction(graphs, predecessors, forward_order, outputs),
          pack_direction(graphs, successors, backward_order, inputs)};
}

}  // namespace tnas
