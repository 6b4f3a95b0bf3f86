#include "models/surrogate/torchscript_export.h"

#include <torch/script.h>

#include <sstream>

#include "basics/error.h"
#include "graphs/op_graph/op_graph.h"
#include "graphs/spaces/search_space_factory.h"
#include "models/surrogate/surrogate_impl.h"

namespace tnas {
namespace {

std::string attr(const std::string& name) {
  std::string s = name;
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

// TorchScript of one Set Transformer pool, reading parameters `<prefix>_...`.
std::string set_pool_call(const std::string& p, const std::string& x) {
  auto mab = [&](const std::string& block, const std::string& q, const std::string& k) {
    const std::string b = "self." + p + "_" + block + "_";
    return "self.mab(" + q + ", " + k + ", " + b + "fc_q_weight, " + b + "fc_q_bias, " + b + "fc_k_weight, " +
           b + "fc_k_bias, " + b + "fc_v_weight, " + b + "fc_v_bias, " + b + "fc_o_weight, " + b +
           "fc_o_bias)";
  };
  std::ostringstream s;
  s << "    h1 = " << mab("sab1", x, x) << "\n"
    << "    h = " << mab("sab2", "h1", "h1") << "\n"
    << "    seed = self." << p << "_seed.expand(" << x << ".size(0), 1, self." << p << "_seed.size(2))\n"
    << "    pooled = " << mab("pma", "seed", "h") << "\n";
  return s.str();
}

// TorchScript of the DAG-GRU unrolled over the space's op-on-node topology (one for every configuration of
// nb201 and jahs: the cell's), with the numeric features (jahs: hyperparameters) joining where the two
// directions are fused when the space has them.
std::string arch_embedding_source(const SurrogateOptions& options) {
  const std::unique_ptr<SearchSpace> space = make_search_space(options.search_space);
  Rng rng(0);
  const OpGraph g = space->to_graph(space->sample(rng));
  std::vector<std::vector<int>> successors(g.num_nodes());
  for (int v = 0; v < g.num_nodes(); ++v)
    for (int u : g.predecessors[v]) successors[u].push_back(v);
  auto direction = [&](const std::string& dir, const std::vector<int>& order,
                       const std::vector<std::vector<int>>& sources) {
    std::ostringstream o;
    for (int v : order) {
      o << "    msg = torch.zeros(b, self.arch_encoder_gru_" << dir << "_weight_hh.size(1))\n";
      for (int u : sources[v])
        o << "    inp = torch.cat([h" << dir[0] << u << ", ids[" << u << "].expand(b, ids.size(1))], 1)\n"
          << "    msg = msg + torch.sigmoid(torch.linear(inp, self.arch_encoder_gate_" << dir
          << "_weight, self.arch_encoder_gate_" << dir << "_bias)) * torch.linear(inp, self.arch_encoder_map_"
          << dir << "_weight)\n";
      o << "    h" << dir[0] << v << " = torch.gru_cell(onehot[:, " << v << "], msg, self.arch_encoder_gru_"
        << dir << "_weight_ih, self.arch_encoder_gru_" << dir << "_weight_hh, self.arch_encoder_gru_" << dir
        << "_bias_ih, self.arch_encoder_gru_" << dir << "_bias_hh)\n";
    }
    return o.str();
  };
  const std::vector<int> reverse(g.topo_order.rbegin(), g.topo_order.rend());
  const int input = g.topo_order.front(), output = g.topo_order.back();
  std::ostringstream src;
  src << R"JIT(
def arch_embedding(self, node_types: Tensor, numeric: Tensor) -> Tensor:
    b = node_types.size(0)
    onehot = torch.zeros([b, node_types.size(1), self.arch_encoder_gru_forward_weight_ih.size(1)]).scatter_(2, node_types.unsqueeze(2), 1.0)
    ids = torch.eye(self.arch_encoder_gate_forward_weight.size(1) - self.arch_encoder_gru_forward_weight_hh.size(1))
)JIT" << direction("forward", g.topo_order, g.predecessors)
      << direction("backward", reverse, successors) << "    fused = torch.linear(torch.cat([hf" << output
      << ", hb" << input << (options.arch_numeric_features > 0 ? ", numeric" : "")
      << "], 1), self.arch_encoder_fuse_weight, self.arch_encoder_fuse_bias)\n"
      << "    return torch.linear(fused, self.arch_encoder_to_latent_weight, "
         "self.arch_encoder_to_latent_bias)\n";
  return src.str();
}

// TorchScript of the featurizer: the TorchScript backbone as a submodule of `m`, or the built-in CNN's
// conv-BN(eval)-ReLU-maxpool blocks in module order (body.0 conv, body.1 bn, ...).
std::string featurize_source(SurrogateImpl& impl, torch::jit::Module& m) {
  std::ostringstream src;
  src << "\ndef featurize(self, images: Tensor) -> Tensor:\n";
  if (impl.backbone) {
    m.register_module("backbone", *impl.backbone);
    src << "    return self.backbone.forward(images).flatten(1).float()\n";
    return src.str();
  }
  src << "    x = (images - 0.5) / 0.25\n";
  for (int blk = 0; blk < 3; ++blk) {
    const std::string conv = "self.featurizer_body_" + std::to_string(4 * blk) + "_weight";
    const std::string bn = "self.featurizer_body_" + std::to_string(4 * blk + 1) + "_";
    src << "    x = torch.conv2d(x, " << conv << ", None, 1, 1)\n"
        << "    x = torch.batch_norm(x, " << bn << "weight, " << bn << "bias, " << bn << "running_mean, "
        << bn << "running_var, False, 0.1, 1e-5, False)\n"
        << "    x = torch.max_pool2d(torch.relu(x), 2)\n";
  }
  src << "    return x.mean([2, 3])\n";
  return src.str();
}

}  // namespace

void export_torchscript(const Surrogate& surrogate, const std::string& path) {
  SurrogateImpl& s = surrogate.impl();
  if (!make_search_space(s.options.search_space)->graph_topology_fixed())
    throw Error(
        "export: the TorchScript module unrolls the encoder over one graph topology, and search space '" +
        s.options.search_space + "' gives each configuration its own (export nb201 or jahs surrogates)");
  Eigen::MatrixXd zc;
  Eigen::VectorXd yc;
  surrogate.context(zc, yc);  // throws for a checkpoint without context
  s.net->to(torch::kCPU);
  s.net->eval();
  torch::jit::Module m("TransferNasSurrogate");
  for (const auto& p : s.net->named_parameters())
    m.register_parameter(attr(p.key()), p.value().detach().clone(), false);
  for (const auto& b : s.net->named_buffers()) m.register_buffer(attr(b.key()), b.value().detach().clone());
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> zr = zc;
  m.register_buffer("context_z",
                    torch::from_blob(zr.data(), {zr.rows(), zr.cols()}, torch::kFloat64).clone());
  m.register_buffer("context_y", torch::from_blob(yc.data(), {yc.size()}, torch::kFloat64).clone());
  m.register_attribute("heads", c10::IntType::get(), s.options.heads);
  m.register_attribute("use_dataset_embedding", c10::BoolType::get(), s.options.dataset_embedding);
  m.register_attribute("nz", c10::IntType::get(), s.options.nz);
  m.register_attribute("label_mean", c10::FloatType::get(), s.label_mean);
  m.register_attribute("label_std", c10::FloatType::get(), s.label_std);

  std::ostringstream src;
  src << R"JIT(
def mab(self, q_in: Tensor, k_in: Tensor, wq: Tensor, bq: Tensor, wk: Tensor, bk: Tensor, wv: Tensor, bv: Tensor, wo: Tensor, bo: Tensor) -> Tensor:
    q = torch.linear(q_in, wq, bq)
    k = torch.linear(k_in, wk, bk)
    v = torch.linear(k_in, wv, bv)
    dim = q.size(2)
    qh = torch.cat(q.chunk(self.heads, 2), 0)
    kh = torch.cat(k.chunk(self.heads, 2), 0)
    vh = torch.cat(v.chunk(self.heads, 2), 0)
    a = torch.softmax(torch.bmm(qh, kh.transpose(1, 2)) / (float(dim) ** 0.5), 2)
    o = torch.cat((qh + torch.bmm(a, vh)).chunk(self.heads, 0), 2)
    return o + torch.relu(torch.linear(o, wo, bo))

def dataset_embedding(self, features: Tensor) -> Tensor:
    if not self.use_dataset_embedding:
        return torch.zeros(self.nz)
    x = features
)JIT" << set_pool_call("dataset_encoder_intra", "x")
      << "    protos = torch.linear(pooled.squeeze(1), self.dataset_encoder_intra_out_weight, "
         "self.dataset_encoder_intra_out_bias).unsqueeze(0)\n"
      << "    x = protos\n"
      << set_pool_call("dataset_encoder_inter", "x")
      << "    return torch.linear(pooled.squeeze(1), self.dataset_encoder_inter_out_weight, "
         "self.dataset_encoder_inter_out_bias).squeeze(0)\n"
      << arch_embedding_source(s.options) << R"JIT(
def covariance(self, a: Tensor, b: Tensor) -> Tensor:
    d2 = (a.pow(2).sum(1, True) + b.pow(2).sum(1).unsqueeze(0) - 2.0 * a.matmul(b.t())).clamp_min(1e-30)
    u = (5.0 ** 0.5) * d2.sqrt() / self.kernel_raw_lengthscale.exp()
    return self.kernel_raw_outputscale.exp() * (1.0 + u + u.pow(2) / 3.0) * torch.exp(-u)
)JIT" << featurize_source(s, m);
  const bool numeric = s.options.arch_numeric_features > 0, proxies = !s.options.proxy_inputs.empty(),
             protocol = s.options.protocol_inputs;
  src << "\ndef forward(self, features: Tensor, node_types: Tensor" << (numeric ? ", numeric: Tensor" : "")
      << (proxies ? ", proxies: Tensor" : "") << (protocol ? ", protocol: Tensor" : "")
      << ") -> Tuple[Tensor, Tensor]:\n"
      << "    g = self.arch_embedding(node_types, " << (numeric ? "numeric" : "torch.zeros(0)") << ")\n"
      << "    d = self.dataset_embedding(features)\n";
  if (proxies || protocol) {  // beside G, standardized and clipped as DeepKernelImpl::features does
    const std::string extra =
        proxies && protocol
            ? "torch.cat([proxies, protocol.unsqueeze(0).expand(g.size(0), protocol.size(0))], 1)"
        : proxies ? "proxies"
                  : "protocol.unsqueeze(0).expand(g.size(0), protocol.size(0))";
    src << "    p = torch.nan_to_num((" << extra << " - self.kernel_proxy_mean) / self.kernel_proxy_std, "
        << std::to_string(-kProxyInputClip) << ").clamp(" << std::to_string(-kProxyInputClip) << ", "
        << std::to_string(kProxyInputClip) << ")\n"
        << "    h = torch.cat([d.unsqueeze(0).expand(g.size(0), d.size(0)), g, p], 1)\n";
  } else {
    src << "    h = torch.cat([d.unsqueeze(0).expand(g.size(0), d.size(0)), g], 1)\n";
  }
  for (int layer = 0; layer < 4; ++layer) {
    const std::string w = "self.kernel_mlp_" + std::to_string(2 * layer);
    src << "    h = torch.linear(h, " << w << "_weight, " << w << "_bias)\n";
    if (layer < 3) src << "    h = torch.relu(h)\n";
  }
  src << R"JIT(    z = h.double()
    kcc = self.covariance(self.context_z, self.context_z) + (self.kernel_raw_noise.exp() + 1e-4) * torch.eye(self.context_z.size(0)).double()
    l = torch.linalg_cholesky(kcc)
    alpha = torch.cholesky_solve((self.context_y - self.kernel_mean).unsqueeze(1), l)
    ks = self.covariance(self.context_z, z)
    mean = ks.t().matmul(alpha).squeeze(1) + self.kernel_mean
    v = torch.linalg_solve_triangular(l, ks, upper=False)
    var = (self.kernel_raw_outputscale.exp() - v.pow(2).sum(0)).clamp_min(1e-12)
    return mean * self.label_std + self.label_mean, var * self.label_std * self.label_std
)JIT";
  try {
    m.define(src.str());
    m.save(path);
  } catch (const c10::Error& e) {
    throw Error(path +
                ": TorchScript export failed: " + std::string(e.what_without_backtrace()).substr(0, 400));
  }
}

}  // namespace tnas
