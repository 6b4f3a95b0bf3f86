#include "models/surrogate/surrogate_modules.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "graphs/spaces/search_space.h"
#include "models/protocol/training_protocol.h"
#include "models/proxies/proxy_inputs.h"

namespace tnas {

AttentionBlockImpl::AttentionBlockImpl(int64_t dim_q, int64_t dim_k, int64_t d, int64_t h)
    : dim(d), heads(h) {
  if (d % h != 0)
    throw Error("attention width " + std::to_string(d) + " is not divisible by " + std::to_string(h) +
                " heads");
  fc_q = register_module("fc_q", torch::nn::Linear(dim_q, d));
  fc_k = register_module("fc_k", torch::nn::Linear(dim_k, d));
  fc_v = register_module("fc_v", torch::nn::Linear(dim_k, d));
  fc_o = register_module("fc_o", torch::nn::Linear(d, d));
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& q_in, const torch::Tensor& k_in) {
  auto q = fc_q(q_in), k = fc_k(k_in), v = fc_v(k_in);
  // Split heads along the feature axis and stack them on the batch axis.
  auto split = [&](const torch::Tensor& t) { return torch::cat(t.chunk(heads, 2), 0); };
  auto qh = split(q), kh = split(k), vh = split(v);
  auto attention =
      torch::softmax(torch::bmm(qh, kh.transpose(1, 2)) / std::sqrt(static_cast<double>(dim)), 2);
  auto o = torch::cat((qh + torch::bmm(attention, vh)).chunk(heads, 0), 2);
  return o + torch::relu(fc_o(o));
}

SetPoolImpl::SetPoolImpl(int64_t dim_in, int64_t dim_hidden, int64_t dim_out, int64_t heads) {
  sab1 = register_module("sab1", AttentionBlock(dim_in, dim_in, dim_hidden, heads));
  sab2 = register_module("sab2", AttentionBlock(dim_hidden, dim_hidden, dim_hidden, heads));
  pma = register_module("pma", AttentionBlock(dim_hidden, dim_hidden, dim_hidden, heads));
  seed = register_parameter("seed", torch::empty({1, 1, dim_hidden}));
  torch::nn::init::xavier_uniform_(seed);
  out = register_module("out", torch::nn::Linear(dim_hidden, dim_out));
}

torch::Tensor SetPoolImpl::forward(const torch::Tensor& x) {
  const auto h1 = sab1(x, x);
  const auto h = sab2(h1, h1);
  auto pooled = pma(seed.expand({x.size(0), 1, seed.size(2)}), h);  // (B, 1, hidden)
  return out(pooled.squeeze(1));
}

DatasetEncoderImpl::DatasetEncoderImpl(const SurrogateOptions& options) {
  intra =
      register_module("intra", SetPool(options.feature_dim, options.set_hidden, options.nz, options.heads));
  inter = register_module("inter", SetPool(options.nz, options.set_hidden, options.nz, options.heads));
}

torch::Tensor DatasetEncoderImpl::forward(const torch::Tensor& features) {
  auto prototypes = intra(features);                 // (classes, nz): one per class
  return inter(prototypes.unsqueeze(0)).squeeze(0);  // (nz)
}

ArchEncoderImpl::ArchEncoderImpl(const SurrogateOptions& options)
    : hidden(options.arch_hidden),
      node_types(options.arch_node_types),
      max_nodes(options.arch_nodes),
      numeric(options.arch_numeric_features),
      vertex_ids(options.arch_vertex_ids ? options.arch_nodes : 0) {
  gru_forward = register_module("gru_forward", torch::nn::GRUCell(node_types, hidden));
  gru_backward = register_module("gru_backward", torch::nn::GRUCell(node_types, hidden));
  gate_forward = register_module("gate_forward", torch::nn::Linear(hidden + vertex_ids, hidden));
  map_forward = register_module(
      "map_forward", torch::nn::Linear(torch::nn::LinearOptions(hidden + vertex_ids, hidden).bias(false)));
  gate_backward = register_module("gate_backward", torch::nn::Linear(hidden + vertex_ids, hidden));
  map_backward = register_module(
      "map_backward", torch::nn::Linear(torch::nn::LinearOptions(hidden + vertex_ids, hidden).bias(false)));
  // The space's numeric features (jahs: hyperparameters) join the two directions' states where they are
  // fused.
  fuse = register_module("fuse", torch::nn::Linear(2 * hidden + numeric, hidden));
  to_latent = register_module("to_latent", torch::nn::Linear(hidden, options.nz));
}

torch::Tensor ArchEncoderImpl::forward(const std::vector<const OpGraph*>& graphs,
                                       const torch::Tensor& numeric_features) {
  const int64_t b = static_cast<int64_t>(graphs.size());
  if (numeric_features.size(0) != b || numeric_features.size(1) != numeric)
    throw Error("arch encoder: expected " + std::to_string(numeric) +
                " numeric features per configuration, got " + std::to_string(numeric_features.size(1)));
  for (const OpGraph* graph : graphs) {
    if (graph->num_nodes() > max_nodes)
      throw Error("arch encoder: graph has " + std::to_string(graph->num_nodes()) + " nodes, at most " +
                  std::to_string(max_nodes));
    for (int type : graph->node_type)
      if (type < 0 || type >= node_types)
        throw Error("arch encoder: node type " + std::to_string(type) + " outside 0.." +
                    std::to_string(node_types - 1));
  }
  const GraphBatch batch = pack_graphs(graphs);
  const auto hf = propagate(batch.forward, gru_forward, gate_forward, map_forward);
  const auto hb = propagate(batch.backward, gru_backward, gate_backward, map_backward);
  if (numeric == 0) return to_latent(fuse(torch::cat({hf, hb}, 1)));
  return to_latent(fuse(torch::cat({hf, hb, numeric_features}, 1)));
}

// h_v = GRU(x_v, sum_u sigmoid(W_g [h_u; id_u]) * W_m [h_u; id_u]) over the sources u of v (without vertex
// ids: W h_u). The vertex id is a one-hot, so W [h; id_u] = W_h h + column u of W_id: the ids' columns are
// gathered, not multiplied.
torch::Tensor ArchEncoderImpl::propagate(const GraphBatchDirection& direction, torch::nn::GRUCell& gru,
                                         torch::nn::Linear& gate, torch::nn::Linear& map) {
  const auto device = gru->weight_ih.device();
  const auto indices = [&](const std::vector<int64_t>& values) {
    return torch::tensor(values, torch::kInt64).to(device);
  };
  const auto gate_state = gate->weight.narrow(1, 0, hidden), map_state = map->weight.narrow(1, 0, hidden);
  const auto gate_id = gate->weight.narrow(1, hidden, vertex_ids).t(),
             map_id = map->weight.narrow(1, hidden, vertex_ids).t();
  const auto onehot = torch::one_hot(indices(direction.node_type), node_types).to(torch::kFloat32);
  const auto position = indices(direction.position);
  const auto edge_source = indices(direction.edge_source), edge_target = indices(direction.edge_target);
  std::vector<torch::Tensor> states, messages;  // per level
  for (int l = 0; l < direction.levels(); ++l) {
    const int64_t first = direction.level_begin[l], rows = direction.level_begin[l + 1] - first;
    const int64_t edges_first = direction.edge_begin[l], edges = direction.edge_begin[l + 1] - edges_first;
    auto incoming = torch::zeros({rows, hidden}, onehot.options());
    if (edges > 0) {
      const auto sent = torch::cat(messages).index_select(0, edge_source.narrow(0, edges_first, edges));
      incoming = incoming.index_add(0, edge_target.narrow(0, edges_first, edges), sent);
    }
    const auto h = gru(onehot.narrow(0, first, rows), incoming);
    states.push_back(h);
    auto gate_input = torch::nn::functional::linear(h, gate_state, gate->bias);
    auto map_input = torch::nn::functional::linear(h, map_state);
    if (vertex_ids > 0) {
      const auto ids = position.narrow(0, first, rows);
      gate_input = gate_input + gate_id.index_select(0, ids);
      map_input = map_input + map_id.index_select(0, ids);
    }
    messages.push_back(torch::sigmoid(gate_input) * map_input);
  }
  return torch::cat(states).index_select(0, indices(direction.readout));
}

FeaturizerCnnImpl::FeaturizerCnnImpl(int64_t feature_dim, int64_t classes) {
  body = register_module("body", torch::nn::Sequential());
  int64_t in = 3;
  for (int64_t out : {int64_t(32), int64_t(64), feature_dim}) {  // three conv-BN-ReLU-maxpool blocks
    body->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    body->push_back(torch::nn::BatchNorm2d(out));
    body->push_back(torch::nn::ReLU());
    body->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
    in = out;
  }
  head = register_module("head", torch::nn::Linear(feature_dim, classes));
}

torch::Tensor FeaturizerCnnImpl::features(const torch::Tensor& images) {
  return body->forward((images - 0.5) / 0.25).mean({2, 3});
}

torch::Tensor FeaturizerCnnImpl::forward(const torch::Tensor& images) { return head(features(images)); }

DeepKernelImpl::DeepKernelImpl(const SurrogateOptions& options)
    : nz(options.nz), proxies(kernel_extra_inputs(options)) {
  mlp = register_module(
      "mlp", torch::nn::Sequential(torch::nn::Linear(2 * options.nz + proxies, 99), torch::nn::ReLU(),
                                   torch::nn::Linear(99, 50), torch::nn::ReLU(), torch::nn::Linear(50, 179),
                                   torch::nn::ReLU(), torch::nn::Linear(179, 194)));
  auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  mean = register_parameter("mean", torch::zeros({1}, opts));
  raw_outputscale = register_parameter("raw_outputscale", torch::zeros({1}, opts));
  raw_lengthscale = register_parameter("raw_lengthscale", torch::zeros({1}, opts));
  raw_noise = register_parameter("raw_noise", torch::full({1}, -2.3, opts));
  if (proxies > 0) {  // set by meta-training from its pairs' values; buffers, so that checkpoints keep them
    proxy_mean = register_buffer("proxy_mean", torch::zeros({proxies}));
    proxy_std = register_buffer("proxy_std", torch::ones({proxies}));
  }
}

torch::Tensor DeepKernelImpl::features(const torch::Tensor& d, const torch::Tensor& g) {
  if (g.size(1) != nz + proxies)
    throw Error("deep kernel: expected " + std::to_string(nz + proxies) + " columns of G and proxies, got " +
                std::to_string(g.size(1)));
  if (proxies == 0) return mlp->forward(torch::cat({d, g}, 1)).to(torch::kFloat64);
  // Standardized by meta-training's statistics and clipped, so that an unusual dataset cannot push the MLP
  // far outside what it was trained on; an undefined proxy (NaN) reads as far below every defined value.
  const auto standardized =
      torch::nan_to_num((g.narrow(1, nz, proxies) - proxy_mean) / proxy_std, -kProxyInputClip)
          .clamp(-kProxyInputClip, kProxyInputClip);
  return mlp->forward(torch::cat({d, g.narrow(1, 0, nz), standardized}, 1)).to(torch::kFloat64);
}

torch::Tensor DeepKernelImpl::noise() { return raw_noise.exp() + 1e-4; }

torch::Tensor DeepKernelImpl::covariance(const torch::Tensor& a, const torch::Tensor& b) {
  // Matern-5/2 with one lengthscale; distances via |a|^2 + |b|^2 - 2ab, clamped for the sqrt's gradient.
  auto d2 = (a.pow(2).sum(1, true) + b.pow(2).sum(1).unsqueeze(0) - 2 * a.matmul(b.t())).clamp_min(1e-30);
  auto u = std::sqrt(5.0) * d2.sqrt() / raw_lengthscale.exp();
  return raw_outputscale.exp() * (1 + u + u.pow(2) / 3) * torch::exp(-u);
}

torch::Tensor robust_cholesky(const torch::Tensor& k) {
  const double scale = std::max(1e-12, k.diagonal().mean().item<double>());
  auto eye = torch::eye(k.size(0), k.options());
  for (double rel = 0; rel <= 1e-1; rel = rel == 0 ? 1e-8 : rel * 10) {
    auto l = torch::linalg_cholesky_ex(rel == 0 ? k : k + rel * scale * eye);
    if (std::get<1>(l).item<int64_t>() == 0 && std::get<0>(l).isfinite().all().item<bool>())
      return std::get<0>(l);
  }
  throw Error("GP covariance is not positive definite even with jitter");
}

torch::Tensor DeepKernelImpl::negative_mll(const torch::Tensor& z, const torch::Tensor& y) {
  const int64_t n = z.size(0);
  auto k = covariance(z, z) + noise() * torch::eye(n, z.options());
  auto l = robust_cholesky(k);
  auto centered = (y - mean).unsqueeze(1);
  auto alpha = torch::cholesky_solve(centered, l);
  auto mll = -0.5 * (centered * alpha).sum() - l.diagonal().log().sum() - 0.5 * n * std::log(2 * M_PI);
  return -mll / static_cast<double>(n);
}

torch::Tensor DeepKernelImpl::within_task_rank_loss(const torch::Tensor& z, const torch::Tensor& y,
                                                    const torch::Tensor& task) {
  const int64_t n = z.size(0);
  auto k = covariance(z, z) + noise() * torch::eye(n, z.options());
  const auto k_inverse = torch::cholesky_inverse(robust_cholesky(k));
  const auto alpha = k_inverse.matmul((y - mean).unsqueeze(1)).squeeze(1);
  // Leave-one-block-out means in closed form: mu_B = y_B - [(K^-1)_BB]^-1 (K^-1 (y - m))_B (the block
  // version of the GP's leave-one-out identity), one small solve per task instead of a Cholesky each.
  const auto [tasks, inverse] = at::_unique(task.cpu(), /*sorted=*/true, /*return_inverse=*/true);
  torch::Tensor sum = torch::zeros({}, z.options());
  int counted = 0;
  for (int64_t t = 0; t < tasks.size(0); ++t) {
    const auto rows = torch::nonzero(inverse == t).squeeze(1).to(z.device());
    if (rows.size(0) < 3) continue;
    const auto block = k_inverse.index_select(0, rows).index_select(1, rows);
    const auto y_block = y.index_select(0, rows);
    const auto predicted =
        y_block - torch::linalg_solve(block, alpha.index_select(0, rows).unsqueeze(1)).squeeze(1);
    const auto centered_prediction = predicted - predicted.mean();
    const auto centered_truth = y_block - y_block.mean();
    const auto pearson = (centered_prediction * centered_truth).sum() /
                         (centered_prediction.norm() * centered_truth.norm() + 1e-12);
    sum = sum + (1 - pearson);
    ++counted;
  }
  return counted == 0 ? sum : sum / static_cast<double>(counted);
}

template <>
const EnumNames<FeaturizerKind>& enum_names<FeaturizerKind>() {
  static const EnumNames<FeaturizerKind> names = {{FeaturizerKind::kBuiltinCnn, "builtin-cnn"},
                                                  {FeaturizerKind::kTorchScript, "torchscript"}};
  return names;
}

void set_search_space(SurrogateOptions& options, const SearchSpace& space) {
  options.search_space = space.name();
  options.arch_node_types = space.graph_node_types();
  options.arch_nodes = space.graph_max_nodes();
  options.arch_numeric_features = space.numeric_feature_count();
  options.arch_vertex_ids = space.graph_topology_fixed();
}

void require_search_space(const SurrogateOptions& options, const SearchSpace& space) {
  if (space.name() != options.search_space)
    throw Error("this surrogate encodes " + options.search_space + " configurations, not " + space.name() +
                " ones");
  const auto differs = [&](const char* what, int64_t surrogate_value, int64_t space_value) {
    if (surrogate_value != space_value)
      throw Error("this surrogate reads " + std::to_string(surrogate_value) + " " + what + " of a " +
                  space.name() + " configuration, the space has " + std::to_string(space_value));
  };
  differs("graph node types", options.arch_node_types, space.graph_node_types());
  differs("graph nodes at most", options.arch_nodes, space.graph_max_nodes());
  differs("numeric features", options.arch_numeric_features, space.numeric_feature_count());
}

int64_t kernel_extra_inputs(const SurrogateOptions& options) {
  return static_cast<int64_t>(options.proxy_inputs.size()) + (options.protocol_inputs ? kProtocolInputs : 0);
}

nlohmann::json to_json(const SurrogateOptions& options) {
  nlohmann::json j = {{"feature_dim", options.feature_dim},
                      {"images_per_class", options.images_per_class},
                      {"set_hidden", options.set_hidden},
                      {"heads", options.heads},
                      {"nz", options.nz},
                      {"arch_hidden", options.arch_hidden},
                      {"arch_node_types", options.arch_node_types},
                      {"arch_nodes", options.arch_nodes},
                      {"dataset_embedding", options.dataset_embedding},
                      {"search_space", options.search_space},
                      {"featurizer", enum_name(options.featurizer)}};
  // Written only when the space has them, so that NB201 checkpoints keep the manifest they always had.
  if (options.arch_numeric_features > 0) j["arch_numeric_features"] = options.arch_numeric_features;
  if (!options.proxy_inputs.empty()) {  // likewise: only a surrogate that reads proxies names them
    j["proxy_inputs"] = nlohmann::json::array();
    for (ZeroCostProxy proxy : options.proxy_inputs) j["proxy_inputs"].push_back(zero_cost_proxy_name(proxy));
  }
  if (options.protocol_inputs) j["protocol_inputs"] = true;
  if (!options.arch_vertex_ids) j["arch_vertex_ids"] = false;
  return j;
}

SurrogateOptions surrogate_options_from_json(const nlohmann::json& j) {
  SurrogateOptions o;
  const nlohmann::json defaults = to_json(o);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!defaults.contains(it.key()) && it.key() != "arch_numeric_features" && it.key() != "proxy_inputs" &&
        it.key() != "protocol_inputs" && it.key() != "arch_vertex_ids")
      throw Error("unknown surrogate option '" + it.key() + "'");
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (!j.contains(it.key())) throw Error("surrogate option '" + it.key() + "' is missing");
  o.feature_dim = j.at("feature_dim");
  o.images_per_class = j.at("images_per_class");
  o.set_hidden = j.at("set_hidden");
  o.heads = j.at("heads");
  o.nz = j.at("nz");
  o.arch_hidden = j.at("arch_hidden");
  o.arch_node_types = j.at("arch_node_types");
  o.arch_nodes = j.at("arch_nodes");
  o.dataset_embedding = j.at("dataset_embedding");
  o.search_space = j.at("search_space");
  o.arch_numeric_features = j.value("arch_numeric_features", int64_t{0});
  if (o.arch_numeric_features < 0 || o.arch_numeric_features > 1024)
    throw Error("surrogate option arch_numeric_features must be in 0..1024, got " +
                std::to_string(o.arch_numeric_features));
  if (j.contains("proxy_inputs")) {
    std::string names;
    for (const auto& name : j.at("proxy_inputs"))
      names += (names.empty() ? "" : ",") + name.get<std::string>();
    o.proxy_inputs = parse_zero_cost_proxy_list(names);
    if (o.proxy_inputs.empty()) throw Error("surrogate option proxy_inputs is an empty list");
  }
  o.protocol_inputs = j.value("protocol_inputs", false);
  o.arch_vertex_ids = j.value("arch_vertex_ids", true);
  o.featurizer = parse_enum<FeaturizerKind>(j.at("featurizer").get<std::string>(), "featurizer");
  return o;
}

}  // namespace tnas
