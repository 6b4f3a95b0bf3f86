#pragma once
// Internal (torch): the deep kernel's input for (subtask, cell) pairs during meta-training — each subtask's
// dataset embedding D from a fresh random draw of its images' features, each cell's graph embedding — and
// the GP's prediction at held-out pairs given a context of training pairs.
#include <vector>

#include "basics/rng.h"
#include "graphs/spaces/search_space.h"
#include "meta_train/fit/fit_split.h"
#include "meta_train/fit/task_images.h"
#include "models/surrogate/surrogate_impl.h"

namespace tnas {

class PairEmbedder {
 public:
  // `features` rows are those the tasks' feature_rows name; unused (may be empty) without the dataset
  // embedding. `configs[a]`: what the encoder reads of the meta-dataset's configuration a
  // (graphs/spaces/search_space.h).
  // `proxies`: each pair's extra inputs when the surrogate reads them (kernel_extra_inputs: its proxy inputs,
  // then its protocol inputs).
  PairEmbedder(SurrogateImpl& surrogate, std::vector<TaskImages> tasks, const FeatureMatrix& features,
               std::vector<EncoderInput> configs, PairProxyInputs proxies, torch::Device device);

  // (B, joint) kernel features of a batch; draws each subtask's images from `rng`.
  torch::Tensor kernel_features(const std::vector<FitPair>& batch, Rng& rng) const;
  static torch::Tensor labels(const std::vector<FitPair>& batch);  // standardized, float64

  // GP posterior means at `heldout` given `context` (no gradients, eval mode).
  std::vector<double> predict(const std::vector<FitPair>& context, const std::vector<FitPair>& heldout,
                              Rng& rng) const;
  // The checkpoint's context.pt: the context's kernel features z and labels y, pickled.
  std::vector<uint8_t> context_bytes(const std::vector<FitPair>& context, Rng& rng) const;

  torch::Device device() const { return device_; }

 private:
  torch::Tensor task_feature_set(const TaskImages& images, Rng& rng) const;  // (classes, per, F)

  SurrogateImpl& s_;
  std::vector<TaskImages> tasks_;
  torch::Tensor features_;
  std::vector<EncoderInput> configs_;
  PairProxyInputs proxies_;
  torch::Device device_;
};

}  // namespace tnas
