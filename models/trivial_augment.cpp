#include "models/trivial_augment.h"

#include <cmath>
#include <vector>

namespace tnas {
namespace {

enum Op { kIdentity, kShearX, kShearY, kTranslateX, kTranslateY, kRotate, kBrightness, kContrast, kSolarize, kPosterize, kAutoContrast };

bool geometric(int op) { return op >= kShearX && op <= kRotate; }

// The affine map (output -> input, normalized coordinates) of a geometric op at signed magnitude s in [-1, 1].
std::vector<float> affine(int op, double s) {
  std::vector<float> t = {1, 0, 0, 0, 1, 0};
  if (op == kShearX) t[1] = static_cast<float>(0.99 * s);
  if (op == kShearY) t[3] = static_cast<float>(0.99 * s);
  if (op == kTranslateX) t[2] = static_cast<float>(2 * s);  // the whole side at m = 1
  if (op == kTranslateY) t[5] = static_cast<float>(2 * s);
  if (op == kRotate) {
    const double a = s * 135.0 * M_PI / 180.0;
    t = {static_cast<float>(std::cos(a)), static_cast<float>(-std::sin(a)), 0, static_cast<float>(std::sin(a)),
         static_cast<float>(std::cos(a)), 0};
  }
  return t;
}

torch::Tensor colour(const torch::Tensor& x, int op, double m, double s) {
  switch (op) {
    case kBrightness: return (x * (1 + 0.99 * s)).clamp(0, 1);
    case kContrast: {
      const auto mean = x.mean();
      return (mean + (1 + 0.99 * s) * (x - mean)).clamp(0, 1);
    }
    case kSolarize: return torch::where(x >= 1 - m, 1 - x, x);
    case kPosterize: {
      const double step = std::pow(2.0, std::floor(6 * m)) / 255.0;  // 8 - floor(6 m) bits kept
      return (torch::floor(x / step) * step).clamp(0, 1);
    }
    case kAutoContrast: {
      const auto lo = x.amin({1, 2}, true), hi = x.amax({1, 2}, true);
      return torch::where(hi > lo, (x - lo) / (hi - lo).clamp_min(1e-6), x);
    }
    default: return x;
  }
}

}  // namespace

torch::Tensor trivial_augment(const torch::Tensor& batch, Rng& rng) {
  const int64_t b = batch.size(0);
  std::vector<int> ops(static_cast<size_t>(b));
  std::vector<double> magnitude(static_cast<size_t>(b)), sign(static_cast<size_t>(b));
  for (int64_t i = 0; i < b; ++i) {
    ops[i] = static_cast<int>(rng.uniform_int(kTrivialAugmentOps));
    magnitude[i] = static_cast<double>(rng.uniform_int(31)) / 30.0;
    sign[i] = rng.uniform_int(2) ? -1.0 : 1.0;
  }
  auto out = batch.clone();
  std::vector<int64_t> moved;
  std::vector<float> thetas;
  for (int64_t i = 0; i < b; ++i) {
    if (geometric(ops[i])) {
      moved.push_back(i);
      const auto t = affine(ops[i], sign[i] * magnitude[i]);
      thetas.insert(thetas.end(), t.begin(), t.end());
    } else if (ops[i] != kIdentity) {
      out[i] = colour(batch[i], ops[i], magnitude[i], sign[i] * magnitude[i]);
    }
  }
  if (!moved.empty()) {  // one affine grid for all geometric ops of the batch
    const auto idx = torch::from_blob(moved.data(), {static_cast<int64_t>(moved.size())}, torch::kInt64).to(batch.device());
    const auto theta = torch::from_blob(thetas.data(), {static_cast<int64_t>(moved.size()), 2, 3}, torch::kFloat32)
                           .to(batch.device(), batch.scalar_type());
    const auto src = batch.index_select(0, idx);
    const auto grid = torch::nn::functional::affine_grid(theta, src.sizes().vec(), /*align_corners=*/false);
    const auto moved_images = torch::nn::functional::grid_sample(
        src, grid, torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
    out.index_copy_(0, idx, moved_images);
  }
  return out;
}

}  // namespace tnas
