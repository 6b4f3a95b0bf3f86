#pragma once
// Internal: what a Surrogate holds. For torch TUs in models/ and meta_train/ only.
#include <torch/script.h>
#include <torch/torch.h>

#include <optional>
#include <sstream>
#include <vector>

#include "models/surrogate/surrogate.h"
#include "models/surrogate/surrogate_modules.h"

namespace tnas {

struct SurrogateNetImpl : torch::nn::Module {
  SurrogateNetImpl(const SurrogateOptions& options, int featurizer_classes);
  FeaturizerCnn featurizer{nullptr};  // only with the builtin-cnn featurizer
  DatasetEncoder dataset_encoder{nullptr};
  ArchEncoder arch_encoder{nullptr};
  DeepKernel kernel{nullptr};
};
TORCH_MODULE(SurrogateNet);

struct SurrogateImpl {
  SurrogateOptions options;
  int featurizer_classes = 0;
  double label_mean = 0, label_std = 1;
  nlohmann::json manifest;
  std::string dir;  // where it was loaded from ("" when fresh)
  SurrogateNet net{nullptr};
  // The torchscript featurizer: the module and the exact bytes of its file (saved as featurizer.pt).
  std::optional<torch::jit::Module> backbone;
  std::string backbone_bytes;

  // Per-image features (B, F) of float RGB images (B, 3, 32, 32) in [0, 1].
  torch::Tensor featurize(const torch::Tensor& images);

  // D from per-class feature sets (classes, images, F) as a tensor; zeros when the embedding is off.
  torch::Tensor dataset_embedding(const torch::Tensor& per_class_features);
  // (B, nz) from the op graphs (any topologies) and numeric features of B configurations, on the
  // encoder's device.
  torch::Tensor arch_embedding(const std::vector<EncoderInput>& configs);
};

// What torch::save writes for a module or an optimizer, as bytes (to be written atomically, or hashed).
template <class T>
std::vector<uint8_t> torch_bytes(const T& object) {
  std::ostringstream out;
  torch::save(object, out);
  const std::string bytes = out.str();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

// Eigen <-> tensor for row-major tables (cells x features): a float copy in, a float64 copy out.
inline torch::Tensor rows_to_tensor(const Eigen::MatrixXf& m) {
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m;
  return torch::from_blob(rows.data(), {rows.rows(), rows.cols()}, torch::kFloat32).clone();
}
inline Eigen::MatrixXd tensor_to_rows(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat64).contiguous();
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      c.data_ptr<double>(), c.size(0), c.size(1));
}

}  // namespace tnas
