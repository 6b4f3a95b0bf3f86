#pragma once
// Weisfeiler-Lehman subtree features of a labelled DAG (Shervashidze et al. 2011), the representation
// behind NAS-BOWL (Ru et al., ICLR 2021): at iteration 0 a node's label is its type; at iteration i+1 it is
// its label joined with the sorted labels of its predecessors (information flows along the edges, as in the
// network). The feature vector counts every label of iterations 0..h; the WL kernel is the dot product of
// two such vectors, normalized so that k(G, G) = 1.
#include <map>
#include <string>

#include "graphs/op_graph/op_graph.h"

namespace tnas {

// Label -> count over iterations 0..h (labels are readable strings, e.g. "3(0)" = a conv_1x1 fed by the
// input).
using WlFeatures = std::map<std::string, int>;

WlFeatures wl_features(const OpGraph& graph, int iterations);

double wl_dot(const WlFeatures& a, const WlFeatures& b);
// k(a, b) / sqrt(k(a, a) k(b, b)); 0 when either graph has no labels.
double wl_kernel(const WlFeatures& a, const WlFeatures& b);

}  // namespace tnas
