#include "meta_train/fit/featurizer_training.h"

#include <cstdio>

#include "basics/rng.h"
#include "models/surrogate/surrogate_impl.h"

namespace tnas {

void train_builtin_featurizer(Surrogate& surrogate, const ImageDataset& rgb32, int epochs, int max_images,
                              uint64_t seed, const std::function<void(const std::string&)>& progress) {
  torch::manual_seed(seed + 17);
  Rng rng(seed + 17);
  std::vector<int64_t> ids(rgb32.size());
  for (int64_t i = 0; i < rgb32.size(); ++i) ids[i] = i;
  rng.shuffle(ids);
  ids.resize(std::min<size_t>(ids.size(), static_cast<size_t>(max_images)));
  const ImageDataset subset = select_images(rgb32, ids);
  auto x =
      torch::from_blob(const_cast<uint8_t*>(subset.pixels.data()), {subset.size(), 3, 32, 32}, torch::kUInt8)
          .to(torch::kFloat32) /
      255.0;
  auto y = torch::from_blob(const_cast<int32_t*>(subset.labels.data()), {subset.size()}, torch::kInt32)
               .to(torch::kInt64);
  auto& f = surrogate.impl().net->featurizer;
  torch::optim::Adam opt(f->parameters(), torch::optim::AdamOptions(1e-3));
  for (int epoch = 0; epoch < epochs; ++epoch) {
    f->train();
    std::vector<int64_t> order(subset.size());
    for (int64_t i = 0; i < subset.size(); ++i) order[i] = i;
    rng.shuffle(order);
    auto perm = torch::from_blob(order.data(), {subset.size()}, torch::kInt64).clone();
    double loss_sum = 0, correct = 0;
    for (int64_t b = 0; b < subset.size(); b += 128) {
      auto idx = perm.narrow(0, b, std::min<int64_t>(128, subset.size() - b));
      auto logits = f->forward(x.index_select(0, idx));
      auto target = y.index_select(0, idx);
      auto loss = torch::cross_entropy_loss(logits, target);
      opt.zero_grad();
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>() * idx.size(0);
      correct += logits.argmax(1).eq(target).sum().item<double>();
    }
    char line[160];
    std::snprintf(line, sizeof line, "featurizer epoch %d/%d: loss %.3f, train accuracy %.1f%% (%lld images)",
                  epoch + 1, epochs, loss_sum / subset.size(), 100 * correct / subset.size(),
                  static_cast<long long>(subset.size()));
    progress(line);
  }
  f->eval();
}

}  // namespace tnas
