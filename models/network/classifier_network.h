#pragma once
// Internal (torch): what the trainer trains, whatever the search space: a LibTorch module from images
// (N x 3 x R x R) to class logits, built from a blueprint (models/network/network_blueprint.h).
#include <torch/torch.h>

#include <memory>

#include "graphs/spaces/nb201/network_cost.h"
#include "models/network/network_blueprint.h"

namespace tnas {

struct ClassifierNetworkImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& images) = 0;
};
using ClassifierNetwork = std::shared_ptr<ClassifierNetworkImpl>;

// NB201's macro network for a cell, the grammar network for a derivation (config: width, cells per stage,
// resolution, classes and, for NB201, the activation). Throws tnas::Error for a blueprint that cannot be
// built.
ClassifierNetwork build_network(const NetworkBlueprint& blueprint, const Nb201MacroConfig& config);

}  // namespace tnas
