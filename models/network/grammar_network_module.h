#pragma once
// Internal (torch): the LibTorch module of a grammar architecture; graphs/spaces/grammar/grammar_network.h
// says what each terminal is, which shapes flow where, and what the module's parameters count to.
#include <torch/torch.h>

#include <memory>

#include "graphs/spaces/grammar/grammar_network.h"
#include "models/network/classifier_network.h"

namespace tnas {

// One part of the body: a topology over its parts, or one operation.
struct GrammarPartImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  // Whether the part's output is exactly zero whatever its input (a sum leaves it out).
  virtual bool is_zero() const { return false; }
};

struct GrammarNetworkImpl : ClassifierNetworkImpl {
  // Throws tnas::Error as grammar_network_cost does (unknown terminal, branches of other shapes, a resolution
  // that cannot be halved).
  GrammarNetworkImpl(const TermTree& architecture, const Nb201MacroConfig& config);
  torch::Tensor forward(const torch::Tensor& images) override;
  torch::nn::Sequential stem{nullptr};
  std::shared_ptr<GrammarPartImpl> body;
  torch::nn::BatchNorm2d last_bn{nullptr};
  torch::nn::Linear classifier{nullptr};
};

}  // namespace tnas
