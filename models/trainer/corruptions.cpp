#include "models/trainer/corruptions.h"

#include <ATen/CPUGeneratorImpl.h>

namespace tnas {
namespace {

torch::Tensor gaussian_noise(const torch::Tensor& images) {
  auto generator = at::detail::createCPUGenerator(20190401);  // fixed: the same noise for every cell
  const torch::Tensor cpu = images.to(torch::kCPU);
  return (cpu + 0.08 * at::randn(cpu.sizes(), generator, cpu.options())).clamp(0, 1).to(images.device());
}

torch::Tensor box_blur(const torch::Tensor& images) {
  return torch::nn::functional::avg_pool2d(
      images, torch::nn::functional::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
}

torch::Tensor contrast(const torch::Tensor& images) {
  const torch::Tensor mean = images.mean({1, 2, 3}, true);
  return ((images - mean) * 0.4 + mean).clamp(0, 1);
}

}  // namespace

const std::vector<Corruption>& validation_corruptions() {
  static const std::vector<Corruption> corruptions = {
      {"gaussian_noise", gaussian_noise}, {"box_blur", box_blur}, {"contrast", contrast}};
  return corruptions;
}

}  // namespace tnas
