#include "models/trainer/adam_step.h"

#include <cmath>

namespace tnas {
namespace {

constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;

}  // namespace

AdamStep::AdamStep(std::vector<torch::Tensor> params, double weight_decay, bool decoupled_weight_decay,
                   torch::Device device)
    : params_(std::move(params)), weight_decay_(weight_decay), decoupled_(decoupled_weight_decay) {
  const auto scalar = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  lr_ = torch::zeros({}, scalar);
  steps_ = torch::zeros({}, scalar);
  for (const auto& p : params_) buffers_.push_back(torch::zeros_like(p));
  for (const auto& p : params_) buffers_.push_back(torch::zeros_like(p));
  buffers_.push_back(steps_);
}

void AdamStep::set_learning_rate(double lr) { lr_.fill_(lr); }

void AdamStep::zero_grad() {
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void AdamStep::step() {
  torch::NoGradGuard no_grad;
  steps_.add_(1);
  // Bias corrections as tensors of the step count, so that a replayed graph computes them afresh.
  const auto correction1 = 1 - torch::pow(kBeta1, steps_);
  const auto correction2_sqrt = torch::sqrt(1 - torch::pow(kBeta2, steps_));
  const auto step_size = lr_ / correction1;
  const size_t count = params_.size();
  for (size_t i = 0; i < count; ++i) {
    auto& p = params_[i];
    if (!p.grad().defined()) continue;
    auto gradient = p.grad();
    if (decoupled_)
      p.mul_(1 - lr_ * weight_decay_);
    else if (weight_decay_ != 0)
      gradient = gradient.add(p, weight_decay_);
    auto& first = buffers_[i];
    auto& second = buffers_[count + i];
    first.mul_(kBeta1).add_(gradient, 1 - kBeta1);
    second.mul_(kBeta2).addcmul_(gradient, gradient, 1 - kBeta2);
    const auto denominator = (second.sqrt() / correction2_sqrt).add_(kEpsilon);
    p.sub_(first / denominator * step_size);
  }
}

}  // namespace tnas
