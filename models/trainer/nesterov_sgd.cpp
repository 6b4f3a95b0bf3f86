#include "models/trainer/nesterov_sgd.h"

namespace tnas {

NesterovSgd::NesterovSgd(std::vector<torch::Tensor> params, double momentum, double weight_decay,
                         torch::Device device)
    : params_(std::move(params)), momentum_(momentum), weight_decay_(weight_decay) {
  lr_ = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
  buffers_.reserve(params_.size());
  // Zero buffers give buf = g on the first step, as torch::optim::SGD's clone of the first gradient.
  for (const auto& p : params_) buffers_.push_back(torch::zeros_like(p));
}

void NesterovSgd::set_learning_rate(double lr) { lr_.fill_(lr); }

void NesterovSgd::zero_grad() {
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void NesterovSgd::step() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i];
    if (!p.grad().defined()) continue;
    auto g = p.grad().add(p, weight_decay_);
    buffers_[i].mul_(momentum_).add_(g);
    g.add_(buffers_[i], momentum_);
    p.sub_(g.mul_(lr_));
  }
}

}  // namespace tnas
