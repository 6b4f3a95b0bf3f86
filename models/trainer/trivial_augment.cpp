#include "models/trainer/trivial_augment.h"

#include <cmath>

namespace tnas {
namespace {

namespace F = torch::nn::functional;

enum Op {
  kIdentity,
  kShearX,
  kShearY,
  kTranslateX,
  kTranslateY,
  kRotate,
  kBrightness,
  kColor,
  kContrast,
  kSharpness,
  kPosterize,
  kSolarize,
  kAutoContrast,
  kEqualize
};

torch::Tensor to_uint8_values(const torch::Tensor& x) { return x.round().clamp(0, 255); }

torch::Tensor blend(const torch::Tensor& image, const torch::Tensor& other, double factor) {
  return to_uint8_values(factor * image + (1 - factor) * other);
}

torch::Tensor grayscale(const torch::Tensor& image) {  // (1, H, W), ITU-R 601-2 luma, as PIL's "L"
  if (image.size(0) != 3) return image.mean(0, true);
  return (0.299 * image[0] + 0.587 * image[1] + 0.114 * image[2]).unsqueeze(0);
}

// The affine map output -> input in normalized coordinates, nearest sampling, fill 0.
torch::Tensor warp(const torch::Tensor& image, const std::vector<float>& theta) {
  const auto t = torch::tensor(theta, image.options()).view({1, 2, 3});
  const auto x = image.unsqueeze(0);
  const auto grid = F::affine_grid(t, x.sizes().vec(), /*align_corners=*/false);
  return F::grid_sample(x, grid,
                        F::GridSampleFuncOptions()
                            .mode(torch::kNearest)
                            .padding_mode(torch::kZeros)
                            .align_corners(false))
      .squeeze(0);
}

torch::Tensor sharpness_degenerate(const torch::Tensor& image) {  // PIL's SMOOTH kernel on the interior
  if (image.size(1) < 3 || image.size(2) < 3) return image;
  const auto kernel =
      torch::tensor({1.f, 1.f, 1.f, 1.f, 5.f, 1.f, 1.f, 1.f, 1.f}, image.options()).view({1, 1, 3, 3}) / 13.0;
  const int64_t c = image.size(0);
  auto smooth = to_uint8_values(F::conv2d(image.unsqueeze(1), kernel).squeeze(1));  // (C, H-2, W-2)
  auto out = image.clone();
  out.narrow(1, 1, image.size(1) - 2)
      .narrow(2, 1, image.size(2) - 2)
      .copy_(smooth.view({c, image.size(1) - 2, image.size(2) - 2}));
  return out;
}

torch::Tensor equalize_channel(const torch::Tensor& channel) {  // torchvision's _scale_channel
  const auto values = channel.to(torch::kInt64).flatten();
  const auto hist = torch::bincount(values, {}, 256);
  const auto nonzero = hist.nonzero().flatten();
  const int64_t last = hist[nonzero[-1]].item<int64_t>();
  const int64_t step = (hist.sum().item<int64_t>() - last) / 255;
  if (step == 0) return channel;
  auto lut = torch::div(hist.cumsum(0) + step / 2, step, "floor").clamp_max(255);
  lut = torch::cat({torch::zeros({1}, lut.options()), lut.narrow(0, 0, 255)});
  return lut.index_select(0, values).view(channel.sizes()).to(channel.scalar_type());
}

}  // namespace

const std::vector<TrivialAugmentOp>& trivial_augment_ops() {
  static const std::vector<TrivialAugmentOp> ops = {
      {"Identity", 0, 0, false},     {"ShearX", 0, 0.99, true},   {"ShearY", 0, 0.99, true},
      {"TranslateX", 0, 32, true},   {"TranslateY", 0, 32, true}, {"Rotate", 0, 135, true},
      {"Brightness", 0, 0.99, true}, {"Color", 0, 0.99, true},    {"Contrast", 0, 0.99, true},
      {"Sharpness", 0, 0.99, true},  {"Posterize", 8, 2, false},  {"Solarize", 255, 0, false},
      {"AutoContrast", 0, 0, false}, {"Equalize", 0, 0, false}};
  return ops;
}

double trivial_augment_magnitude(int op, int bin) {
  const TrivialAugmentOp& o = trivial_augment_ops().at(static_cast<size_t>(op));
  const double t = static_cast<double>(bin) / (kTrivialAugmentBins - 1);
  if (op == kPosterize) return 8 - std::round(bin / ((kTrivialAugmentBins - 1) / 6.0));  // 8..2 bits
  return o.first + t * (o.last - o.first);
}

torch::Tensor apply_trivial_augment_op(const torch::Tensor& image, int op, double m) {
  const double h = static_cast<double>(image.size(1)), w = static_cast<double>(image.size(2));
  switch (op) {
    case kShearX:
      return warp(image, {1, static_cast<float>(m * h / w), static_cast<float>(m * h / w), 0, 1,
                          0});  // about the top-left corner
    case kShearY:
      return warp(image, {1, 0, 0, static_cast<float>(m * w / h), 1, static_cast<float>(m * w / h)});
    case kTranslateX:
      return warp(image, {1, 0, static_cast<float>(2 * m / w), 0, 1, 0});
    case kTranslateY:
      return warp(image, {1, 0, 0, 0, 1, static_cast<float>(2 * m / h)});
    case kRotate: {
      const double a = m * M_PI / 180.0;
      return warp(image, {static_cast<float>(std::cos(a)), static_cast<float>(-std::sin(a) * h / w), 0,
                          static_cast<float>(std::sin(a) * w / h), static_cast<float>(std::cos(a)), 0});
    }
    case kBrightness:
      return blend(image, torch::zeros_like(image), 1 + m);
    case kColor:
      return blend(image, grayscale(image).expand_as(image), 1 + m);
    case kContrast:
      return blend(image, grayscale(image).mean().expand_as(image), 1 + m);
    case kSharpness:
      return blend(image, sharpness_degenerate(image), 1 + m);
    case kPosterize: {
      const double q = std::pow(2.0, 8 - static_cast<int>(m));
      return torch::floor(image / q) * q;
    }
    case kSolarize:
      return torch::where(image >= m, 255 - image, image);
    case kAutoContrast: {
      const auto lo = image.amin({1, 2}, true), hi = image.amax({1, 2}, true);
      return to_uint8_values(torch::where(hi > lo, (image - lo) * 255 / (hi - lo).clamp_min(1), image));
    }
    case kEqualize: {
      std::vector<torch::Tensor> channels;
      for (int64_t c = 0; c < image.size(0); ++c) channels.push_back(equalize_channel(image[c]));
      return torch::stack(channels);
    }
    default:
      return image;
  }
}

torch::Tensor trivial_augment(const torch::Tensor& batch, Rng& rng) {
  const int ops = static_cast<int>(trivial_augment_ops().size());
  auto values = to_uint8_values(batch * 255);
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < batch.size(0); ++i) {
    const int op = static_cast<int>(rng.uniform_int(static_cast<uint64_t>(ops)));
    const int bin = static_cast<int>(rng.uniform_int(kTrivialAugmentBins));
    const bool negative = rng.uniform_int(2) == 1;
    double m = trivial_augment_magnitude(op, bin);
    if (trivial_augment_ops()[static_cast<size_t>(op)].is_signed && negative) m = -m;
    out.push_back(apply_trivial_augment_op(values[i], op, m));
  }
  return torch::stack(out) / 255.0;
}

}  // namespace tnas
