#include "graphs/op_graph/op_graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>

#include "basics/error.h"

namespace tnas {

int OpGraph::num_edges() const {
  int n = 0;
  for (const auto& p : predecessors) n += static_cast<int>(p.size());
  return n;
}

OpGraph make_op_graph(const Nb201Cell& cell) {
  constexpr int kInput = 0;
  constexpr int kOutput = kNb201NumEdges + 1;
  constexpr int kNodes = kNb201NumEdges + 2;

  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  Graph g(kNodes);
  OpGraph out;
  out.node_type.assign(kNodes, 0);
  out.node_type[kInput] = kNodeTypeInput;
  out.node_type[kOutput] = kNodeTypeOutput;
  for (int k = 0; k < kNb201NumEdges; ++k) {
    out.node_type[k + 1] = kNodeTypeFirstOp + static_cast<int>(cell.op(k));
    const int source_cell_node = kNb201Edges[k].first;
    if (source_cell_node == 0) {
      boost::add_edge(kInput, k + 1, g);
    } else {
      for (int f = 0; f < kNb201NumEdges; ++f)
        if (kNb201Edges[f].second == source_cell_node) boost::add_edge(f + 1, k + 1, g);
    }
    if (kNb201Edges[k].second == kNb201NumNodes - 1) boost::add_edge(k + 1, kOutput, g);
  }

  out.predecessors.resize(kNodes);
  for (int v = 0; v < kNodes; ++v) {
    auto [it, end] = boost::in_edges(v, g);
    for (; it != end; ++it) out.predecessors[v].push_back(static_cast<int>(boost::source(*it, g)));
    std::sort(out.predecessors[v].begin(), out.predecessors[v].end());
  }
  std::vector<int> reversed;
  try {
    boost::topological_sort(g, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    throw Error("op graph of " + cell.to_string() + " has a cycle");
  }
  out.topo_order.assign(reversed.rbegin(), reversed.rend());
  return out;
}

}  // namespace tnas
