#pragma once
// The Transfer-NAS surrogate: featurizer + dataset encoder + architecture encoder + deep-kernel GP.
// Torch-free interface (the modules live behind a pointer); used by meta_train fit and meta_test search.
#include <Eigen/Dense>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/rng.h"
#include "datasets/images/image_dataset.h"
#include "graphs/spaces/search_space.h"
#include "models/surrogate/gp_regression.h"
#include "models/surrogate/surrogate_options.h"

namespace tnas {

constexpr int kCheckpointFormatVersion = 1;
constexpr int kFeaturizerResolution = 32;

struct SurrogateImpl;  // models/surrogate/surrogate_impl.h (torch)

// Settings of Surrogate::adapt_kernel: Adam steps, and learning rates of the MLP and of the GP
// hyperparameters (one optimizer, two parameter groups).
struct KernelAdaptation {
  int steps = 50;
  double mlp_lr = 1e-3;
  double gp_lr = 0.1;
};

struct AdaptedKernel {
  Eigen::MatrixXd train, query;  // kernel features (float64) of g_train's and g_query's rows
  GpHyperparameters hyperparameters;
};

class Surrogate {
 public:
  // A freshly initialised surrogate (seeded); `featurizer_classes` = classes of the built-in featurizer's
  // head. With options.featurizer == kTorchScript, `backbone_path` is the TorchScript file; its output
  // size becomes options().feature_dim. Throws tnas::Error naming the file if it cannot be used.
  Surrogate(const SurrogateOptions& options, int featurizer_classes, uint64_t seed,
            const std::string& backbone_path = "");
  ~Surrogate();
  Surrogate(Surrogate&&) noexcept;
  Surrogate& operator=(Surrogate&&) noexcept;

  // Loads a checkpoint folder. The manifest is checked before any tensor: format version, search space,
  // options, featurizer, the content hash of every file it lists; then every parameter must be finite. Any
  // mismatch is a tnas::Error naming the file and the problem. An empty `expected_search_space` accepts the
  // checkpoint's own (options().search_space says which). A relative `dir` that does not exist here is looked
  // up where tnas keeps its shipped checkpoints (locate_checkpoint in checkpoint_location.h).
  static Surrogate load(const std::string& dir, const std::string& expected_search_space = "nb201");
  // Writes model.pt, weights.pt and `files` (name -> bytes, e.g. context.pt), each atomically (temporary
  // name, fsync, rename), then manifest.json last, with `extra` merged in and a content hash of every file
  // under "files". load() verifies those hashes before any tensor is used, so a torn or corrupted file is an
  // error naming it, never a silently different model.
  void save(const std::string& dir, const nlohmann::json& extra,
            const std::map<std::string, std::vector<uint8_t>>& files = {}) const;

  const SurrogateOptions& options() const;
  double label_mean() const;
  double label_std() const;
  void set_label_stats(double mean, double std);
  GpHyperparameters gp_hyperparameters() const;  // the meta-learned GP hyperparameters
  nlohmann::json manifest() const;               // as loaded (empty for a fresh surrogate)

  // Per-image features (N x F) of RGB images at 32x32.
  Eigen::MatrixXf image_features(const ImageDataset& rgb32) const;
  // Identifies the featurizer's exact function: kind and a hash of its weights (built-in) or of its
  // TorchScript file. Keys the on-disk feature cache.
  std::string featurizer_id() const;
  // D for a dataset: `images_per_class` random images of each class (with replacement when a class has
  // fewer), drawn with `rng`. With dataset_embedding off, a constant zero vector.
  Eigen::VectorXf dataset_embedding(const Eigen::MatrixXf& features, const std::vector<int32_t>& labels,
                                    int num_classes, Rng& rng) const;
  // G for each configuration (N x nz), in batches, from the space's graph of it. Throws tnas::Error when the
  // space is not the one the surrogate was built for (options().search_space).
  Eigen::MatrixXf arch_embeddings(const SearchSpace& space, const std::vector<Arch>& configs) const;
  // z = MLP([D; G]) for every row of G (N x 194, float64).
  Eigen::MatrixXd kernel_features(const Eigen::VectorXf& d, const Eigen::MatrixXf& g) const;

  // The deep kernel adapted to a target as FSBO does it (models/surrogate/kernel_adaptation.cpp): MLP and GP
  // hyperparameters fine-tuned together by Adam on the negative log marginal likelihood of standardized
  // labels y at the cells g_train under D, starting from the meta-trained weights on every call (the
  // surrogate itself is unchanged, so a search step depends on its history only). Returns the adapted kernel
  // features of g_train and g_query and the adapted hyperparameters.
  AdaptedKernel adapt_kernel(const Eigen::VectorXf& d, const Eigen::MatrixXf& g_train,
                             const Eigen::VectorXd& y, const Eigen::MatrixXf& g_query,
                             const KernelAdaptation& adaptation) const;

  // The meta-training points stored with the checkpoint (kernel features z, standardized labels y), on
  // which zero-shot predictions for a new dataset are conditioned. Throws for a fresh surrogate.
  void context(Eigen::MatrixXd& z, Eigen::VectorXd& y) const;

  SurrogateImpl& impl() const { return *impl_; }

 private:
  explicit Surrogate(std::unique_ptr<SurrogateImpl> impl);
  std::unique_ptr<SurrogateImpl> impl_;
};

// Images prepared for the featurizer: RGB, area-resized to 32x32.
ImageDataset featurizer_input(const ImageDataset& images);

}  // namespace tnas
