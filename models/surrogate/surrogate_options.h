#pragma once
// Options of the Transfer-NAS surrogate (DESIGN section 6). Defaults are the reference values.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "basics/enum_names.h"
#include "models/proxies/zero_cost_proxies.h"

namespace tnas {

// builtin-cnn: a small CNN trained by meta_train fit on the source's classes, stored in model.pt.
// torchscript: a TorchScript image backbone given by path at fit time, copied into the checkpoint
// (featurizer.pt); it maps float RGB images (B, 3, 32, 32) in [0, 1] to (B, F) features.
enum class FeaturizerKind { kBuiltinCnn, kTorchScript };  // builtin-cnn, torchscript
template <>
const EnumNames<FeaturizerKind>& enum_names<FeaturizerKind>();

struct SurrogateOptions {
  int64_t feature_dim = 64;       // F: per-image feature size (a TorchScript backbone's output size)
  int64_t images_per_class = 20;  // images per class fed to the dataset encoder
  int64_t set_hidden = 64;        // Set Transformer width
  int64_t heads = 4;
  int64_t nz = 16;            // size of D and G
  int64_t arch_hidden = 512;  // DAG-GRU hidden size (hs)
  // The space's graphs (set_search_space): node types (NB201: input, output, 5 ops) and the most nodes.
  int64_t arch_node_types = 7;
  int64_t arch_nodes = 8;
  int64_t arch_numeric_features =
      0;  // the space's numbers beside the graph (jahs: 6 hyperparameter features)
  // Whether each node's index (D-VAE's vertex id) joins the messages it sends: set from the space
  // (SearchSpace::graph_topology_fixed). On hnb201 the index of a node in a derivation's term tree names no
  // role, and reading it let the encoder memorize the training architectures (on plan D's 960 results, one
  // split: held-out within-subtask Spearman 0.21 at its best epoch, 6, falling to 0.10 by 11; without ids
  // 0.39 at epoch 19).
  bool arch_vertex_ids = true;
  bool dataset_embedding = true;  // false: D is a constant (the ablation)
  // Zero-cost proxies of each (cell, dataset) read beside D and G (models/proxies/proxy_inputs.h; issue 26
  // item 2); none by default. NB201 only.
  std::vector<ZeroCostProxy> proxy_inputs;
  // The training protocol of each label read beside them (models/protocol/training_protocol.h; issue 26
  // item 7): meta-training gives each pair its source's protocol, a search its target's. Off by default.
  bool protocol_inputs = false;
  std::string search_space = "nb201";
  FeaturizerKind featurizer = FeaturizerKind::kBuiltinCnn;
};

// The columns the deep kernel reads beside G: the proxy inputs, then the protocol inputs.
int64_t kernel_extra_inputs(const SurrogateOptions& options);

class SearchSpace;
// Sets the fields that describe the space's configurations: its name, its graphs' node types and most nodes,
// its numeric features.
void set_search_space(SurrogateOptions& options, const SearchSpace& space);
// Throws tnas::Error naming the difference when a surrogate with `options` cannot encode `space`'s
// configurations.
void require_search_space(const SurrogateOptions& options, const SearchSpace& space);

nlohmann::json to_json(const SurrogateOptions& options);
// Throws tnas::Error naming an unknown or missing key.
SurrogateOptions surrogate_options_from_json(const nlohmann::json& j);

}  // namespace tnas
