#include "models/trainer/step_optimizer.h"

#include <stdexcept>

#include "models/trainer/adam_step.h"
#include "models/trainer/nesterov_sgd.h"

namespace tnas {

std::unique_ptr<StepOptimizer> make_step_optimizer(const ProxyPreset& preset,
                                                   std::vector<torch::Tensor> params, torch::Device device) {
  switch (preset.optimizer) {
    case OptimizerKind::kSgd:
      return std::make_unique<NesterovSgd>(std::move(params), preset.momentum, preset.weight_decay, device);
    case OptimizerKind::kAdam:
      return std::make_unique<AdamStep>(std::move(params), preset.weight_decay, false, device);
    case OptimizerKind::kAdamW:
      return std::make_unique<AdamStep>(std::move(params), preset.weight_decay, true, device);
  }
  throw std::logic_error("unknown optimizer kind");
}

}  // namespace tnas
