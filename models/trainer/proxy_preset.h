#pragma once
// Named training protocols for the real objective. `paper` is NAS-Bench-201's protocol; the others are
// cheaper proxies whose rank fidelity against it is measured in bench/ (see bench/RESULTS.md).
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "basics/enum_names.h"
#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {

// The trainer's per-batch augmentation: a random crop from the zero-padded image (pad = resolution / 8, at
// least 1), and with crop+flip a horizontal flip with probability 1/2.
enum class CropAugment { kNone, kCrop, kCropFlip };  // none, crop, crop+flip
template <>
const EnumNames<CropAugment>& enum_names<CropAugment>();

// The optimizer of the training steps; each follows the preset's cosine-decayed learning rate and applies its
// weight decay: sgd (Nesterov momentum, decay added to the gradient), adam (beta 0.9 / 0.999, decay added to
// the gradient, as torch.optim.Adam), adamw (decoupled decay, as torch.optim.AdamW).
enum class OptimizerKind { kSgd, kAdam, kAdamW };  // sgd, adam, adamw
template <>
const EnumNames<OptimizerKind>& enum_names<OptimizerKind>();

struct ProxyPreset {
  std::string name;
  int channels = 16;        // C
  int cells_per_stage = 5;  // N
  int resolution = 32;      // images are area-resized to this
  int epochs = 200;
  int grayscale_epochs = 50;  // epochs for 1-channel sources (MNIST, Fashion-MNIST), as in the reference
  int batch_size = 256;
  int images_per_class = 0;       // train + valid images drawn per class (0 = all)
  int test_images_per_class = 0;  // test images per class (0 = all)
  double valid_fraction = 0.2;    // of the drawn images, held out for validation
  OptimizerKind optimizer = OptimizerKind::kSgd;
  double learning_rate = 0.1;  // cosine decay to 0
  double momentum = 0.9;       // SGD's
  double weight_decay = 5e-4;
  int seeds = 1;  // training runs averaged per evaluation
  CropAugment augment = CropAugment::kCropFlip;
  bool trivial_augment = false;  // and TrivialAugment after it (models/trainer/trivial_augment.h; JAHS)
  Activation activation = Activation::kReLU;  // of the network (JAHS)
  double label_smoothing = 0;                 // of the cross-entropy loss (0: none)
  // The largest global gradient norm a step applies (larger gradients are scaled down to it; 0: no clipping).
  double gradient_clip = 0;

  Nb201MacroConfig network(int num_classes) const;
  int epochs_for(int source_channels) const { return source_channels == 1 ? grayscale_epochs : epochs; }
  // The side the network sees for a source of this height: `resolution`, or with 0 the source's own rounded
  // to the nearest multiple of 4 (at least 8), because the network halves it twice.
  int input_resolution(int source_height) const;
};

// Throws tnas::Error naming the unknown preset and the known ones.
ProxyPreset find_preset(const std::string& name);
std::vector<std::string> preset_names();
nlohmann::json to_json(const ProxyPreset& preset);

}  // namespace tnas
