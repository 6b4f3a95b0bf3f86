#pragma once
// Op-on-node DAG of a cell, the input of the architecture encoder (D-VAE style).
// For NAS-Bench-201: 8 nodes, 0 = input, 1..6 = the cell's edges in string order, 7 = output.
// Op-node k (edge j->i) has an edge from every op-node whose edge ends in cell node j (from the input when
// j == 0); the op-nodes of the edges ending in cell node 3 feed the output. Unlike the reference code we add
// no extra i->i+1 edges: the graph is the true computation.
#include <vector>

#include "graphs/spaces/nb201/nb201_cell.h"

namespace tnas {

// Node types: 0 = input, 1 = output, 2 + op id for op-nodes (NB201: 7 types in all).
constexpr int kNodeTypeInput = 0;
constexpr int kNodeTypeOutput = 1;
constexpr int kNodeTypeFirstOp = 2;

struct OpGraph {
  std::vector<int> node_type;                  // size = number of nodes
  std::vector<std::vector<int>> predecessors;  // predecessors[v] = sorted sources of v's incoming edges
  std::vector<int> topo_order;                 // a topological order (input first, output last)

  int num_nodes() const { return static_cast<int>(node_type.size()); }
  int num_edges() const;
};

// Builds the graph (with Boost.Graph, which also checks it is acyclic).
OpGraph make_op_graph(const Nb201Cell& cell);

}  // namespace tnas
