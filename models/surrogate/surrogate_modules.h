#pragma once
// Internal: the LibTorch modules of the Transfer-NAS surrogate. Included only by torch TUs.
#include <torch/torch.h>

#include "graphs/op_graph/op_graph.h"
#include "models/surrogate/graph_batch.h"
#include "models/surrogate/surrogate_options.h"

namespace tnas {

// Multihead attention block of the Set Transformer (Lee et al. 2019), without layer norm as in MetaD2A:
// O = Q' + softmax(Q'K'^T / sqrt(dim)) V' (per head), out = O + relu(W_o O).
struct AttentionBlockImpl : torch::nn::Module {
  AttentionBlockImpl(int64_t dim_q, int64_t dim_k, int64_t dim, int64_t heads);
  torch::Tensor forward(const torch::Tensor& q, const torch::Tensor& k);  // (B, nq, dq), (B, nk, dk)
  int64_t dim, heads;
  torch::nn::Linear fc_q{nullptr}, fc_k{nullptr}, fc_v{nullptr}, fc_o{nullptr};
};
TORCH_MODULE(AttentionBlock);

// SAB -> SAB -> PMA (one seed) -> Linear: a set of vectors to one vector, invariant to their order.
struct SetPoolImpl : torch::nn::Module {
  SetPoolImpl(int64_t dim_in, int64_t dim_hidden, int64_t dim_out, int64_t heads);
  torch::Tensor forward(const torch::Tensor& x);  // (B, n, dim_in) -> (B, dim_out)
  AttentionBlock sab1{nullptr}, sab2{nullptr}, pma{nullptr};
  torch::Tensor seed;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(SetPool);

// Two-level Set Transformer: images of a class -> prototype; prototypes -> dataset embedding D.
struct DatasetEncoderImpl : torch::nn::Module {
  explicit DatasetEncoderImpl(const SurrogateOptions& options);
  torch::Tensor forward(const torch::Tensor& features);  // (classes, images, F) -> (nz)
  SetPool intra{nullptr}, inter{nullptr};
};
TORCH_MODULE(DatasetEncoder);

// Bidirectional DAG-GRU (D-VAE) over op-on-node graphs, level-synchronous (models/surrogate/graph_batch.h):
// the graphs of a batch may each have their own topology.
struct ArchEncoderImpl : torch::nn::Module {
  explicit ArchEncoderImpl(const SurrogateOptions& options);
  // graphs: at most options.arch_nodes nodes each, node types below options.arch_node_types.
  // numeric_features: (B, options.arch_numeric_features) float32, what the space encodes beside the graph
  // ((B, 0) for NB201).
  torch::Tensor forward(const std::vector<const OpGraph*>& graphs,
                        const torch::Tensor& numeric_features);  // -> (B, nz)
  int64_t hidden, node_types, max_nodes, numeric;
  int64_t vertex_ids;  // columns of the vertex-id one-hot: max_nodes, or 0 without vertex ids
  torch::nn::GRUCell gru_forward{nullptr}, gru_backward{nullptr};
  torch::nn::Linear gate_forward{nullptr}, map_forward{nullptr}, gate_backward{nullptr},
      map_backward{nullptr};
  torch::nn::Linear fuse{nullptr}, to_latent{nullptr};

 private:
  // One direction's states at its readout rows, (B, hidden).
  torch::Tensor propagate(const GraphBatchDirection& direction, torch::nn::GRUCell& gru,
                          torch::nn::Linear& gate, torch::nn::Linear& map);
};
TORCH_MODULE(ArchEncoder);

// The per-image featurizer built into tnas: a small CNN trained supervised on the meta-training
// source's classes; its penultimate layer (F values) is the image feature.
struct FeaturizerCnnImpl : torch::nn::Module {
  FeaturizerCnnImpl(int64_t feature_dim, int64_t classes);
  torch::Tensor features(const torch::Tensor& images);  // (B, 3, 32, 32) in [0,1] -> (B, F)
  torch::Tensor forward(const torch::Tensor& images);   // logits for supervised training
  torch::nn::Sequential body{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(FeaturizerCnn);

// The deep kernel: z = MLP([D; G]) and the GP hyperparameters (float64).
// How many standard deviations a proxy input may lie from meta-training's mean (beyond: clipped).
constexpr double kProxyInputClip = 5.0;

struct DeepKernelImpl : torch::nn::Module {
  explicit DeepKernelImpl(const SurrogateOptions& options);
  // (B, nz) D and (B, nz + P) G with the P extra inputs beside it (kernel_extra_inputs: the raw values of
  // proxy_input_row, then of protocol_input_row) -> (B, 194) float64.
  torch::Tensor features(const torch::Tensor& d, const torch::Tensor& g);
  // -log marginal likelihood / n of labels y (float64) at features z.
  torch::Tensor negative_mll(const torch::Tensor& z, const torch::Tensor& y);
  // Within-task ranking loss (issue 26): each point's mean predicted from the points of the other tasks
  // only, as a held-out subtask is predicted from the meta-training context; then 1 - Pearson(mean, y) within
  // each task of at least 3 points, averaged over those tasks (0 when there is none). Scale-free, so one
  // weight sets it against the MLL. `task` (n) int64: the task of each row of z.
  torch::Tensor within_task_rank_loss(const torch::Tensor& z, const torch::Tensor& y,
                                      const torch::Tensor& task);
  torch::Tensor covariance(const torch::Tensor& a, const torch::Tensor& b);
  torch::Tensor noise();
  torch::nn::Sequential mlp{nullptr};
  torch::Tensor mean, raw_outputscale, raw_lengthscale, raw_noise;  // exp() parameterisation
  int64_t nz = 0, proxies = 0;  // proxies: the extra inputs (proxies and protocol)
  // (P) float32, only with extra inputs: meta-training's mean and standard deviation of each (the buffer
  // names date from when proxies were the only extra inputs; checkpoints keep them).
  torch::Tensor proxy_mean, proxy_std;
};
TORCH_MODULE(DeepKernel);

// Cholesky with growing jitter (float64): never NaN.
torch::Tensor robust_cholesky(const torch::Tensor& k);

}  // namespace tnas
