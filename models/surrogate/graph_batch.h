#pragma once
// Several op-on-node graphs (graphs/op_graph/op_graph.h) packed for the level-synchronous DAG-GRU of the
// architecture encoder. A node's level in one direction is the length of the longest path that reaches it
// from a node without sources; every node of a level has all its sources on lower levels, so one batched
// GRU step per level computes the nodes of every graph at once, whatever each graph's topology. A grammar
// space's derivations (hundreds of nodes, each graph its own topology, a dozen levels) then cost a dozen
// batched steps instead of one small step per node and graph.
#include <cstdint>
#include <vector>

#include "graphs/op_graph/op_graph.h"

namespace tnas {

// One direction of propagation (forward: sources are predecessors; backward: successors). Rows are the
// direction's nodes in propagation order, level by level, graph by graph within a level.
struct GraphBatchDirection {
  std::vector<int64_t> level_begin;  // rows of level l: [level_begin[l], level_begin[l + 1])
  std::vector<int64_t> node_type;    // per row
  std::vector<int64_t> position;     // per row: the node's index in its graph (the D-VAE vertex id)
  // Edges grouped by their target's level, each target's sources in increasing order (the order the
  // messages are summed in): the source's row, and the target's row relative to its level's first.
  std::vector<int64_t> edge_source, edge_target;
  std::vector<int64_t> edge_begin;  // edges into level l: [edge_begin[l], edge_begin[l + 1])
  std::vector<int64_t> readout;     // per graph: the row the direction's embedding is read from

  int levels() const { return static_cast<int>(level_begin.size()) - 1; }
};

struct GraphBatch {
  GraphBatchDirection forward;   // read out at each graph's output (the last node of its topological order)
  GraphBatchDirection backward;  // read out at each graph's input (the first)
};

GraphBatch pack_graphs(const std::vector<const OpGraph*>& graphs);

}  // namespace tnas
