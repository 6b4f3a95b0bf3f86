#include "models/trainer/batch_augment.h"

#include <vector>

namespace tnas {

torch::Tensor augment_batch(const torch::Tensor& batch, CropAugment mode, Rng& rng) {
  if (mode == CropAugment::kNone) return batch;
  const bool flip = mode == CropAugment::kCropFlip;
  const int64_t b = batch.size(0), c = batch.size(1), r = batch.size(2), pad = std::max<int64_t>(1, r / 8);
  const int64_t padded_side = r + 2 * pad;
  // Flat source index (into the padded image) of every output pixel, per image.
  std::vector<int64_t> index(static_cast<size_t>(b * r * r));
  for (int64_t i = 0; i < b; ++i) {
    const int64_t dy = static_cast<int64_t>(rng.uniform_int(2 * pad + 1));
    const int64_t dx = static_cast<int64_t>(rng.uniform_int(2 * pad + 1));
    const bool mirrored = flip && rng.uniform_int(2);
    int64_t* out = index.data() + i * r * r;
    for (int64_t y = 0; y < r; ++y)
      for (int64_t x = 0; x < r; ++x)
        out[y * r + x] = (dy + y) * padded_side + dx + (mirrored ? r - 1 - x : x);
  }
  const auto padded =
      torch::constant_pad_nd(batch, {pad, pad, pad, pad}, 0).reshape({b, c, padded_side * padded_side});
  const auto gather_index =
      torch::from_blob(index.data(), {b, 1, r * r}, torch::kInt64).to(batch.device()).expand({b, c, r * r});
  return padded.gather(2, gather_index).view({b, c, r, r});
}

}  // namespace tnas
