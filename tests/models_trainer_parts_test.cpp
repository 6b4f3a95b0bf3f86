// The trainer's own optimizer and augmentation against plain references.
#include <gtest/gtest.h>

#include "models/batch_augment.h"
#include "models/nesterov_sgd.h"

namespace tnas {
namespace {

TEST(NesterovSgd, MatchesTorchSgdWithNesterovMomentum) {
  torch::manual_seed(5);
  auto make_net = [] { return torch::nn::Sequential(torch::nn::Linear(6, 5), torch::nn::ReLU(), torch::nn::Linear(5, 3)); };
  auto a = make_net(), b = make_net();
  for (size_t i = 0; i < a->parameters().size(); ++i) {
    torch::NoGradGuard g;
    b->parameters()[i].copy_(a->parameters()[i]);
  }
  torch::optim::SGD reference(a->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(5e-4));
  NesterovSgd ours(b->parameters(), 0.9, 5e-4, torch::kCPU);
  const auto x = torch::randn({16, 6}), y = torch::randint(0, 3, {16});
  for (int step = 0; step < 6; ++step) {
    const double lr = 0.1 * (1.0 - step / 6.0);  // a changing rate, as the cosine schedule
    for (auto& group : reference.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    reference.zero_grad();
    torch::cross_entropy_loss(a->forward(x), y).backward();
    reference.step();
    ours.set_learning_rate(lr);
    ours.zero_grad();
    torch::cross_entropy_loss(b->forward(x), y).backward();
    ours.step();
  }
  for (size_t i = 0; i < a->parameters().size(); ++i)
    EXPECT_TRUE(torch::allclose(a->parameters()[i], b->parameters()[i], 1e-5, 1e-6)) << "parameter " << i;
  // And the parameters really moved (the comparison is not between two untouched copies).
  EXPECT_FALSE(torch::allclose(a->parameters()[0], make_net()->parameters()[0]));
}

TEST(AugmentBatch, EqualsPerImageCropAndFlip) {
  const auto batch = torch::arange(5 * 2 * 8 * 8, torch::kFloat32).view({5, 2, 8, 8});
  for (const std::string mode : {"crop", "crop+flip"}) {
    Rng rng(17), replay(17);
    const auto out = augment_batch(batch, mode, rng);
    const int64_t pad = 1;
    const auto padded = torch::constant_pad_nd(batch, {pad, pad, pad, pad}, 0);
    int flipped = 0;
    for (int64_t i = 0; i < 5; ++i) {
      const int64_t dy = replay.uniform_int(3), dx = replay.uniform_int(3);
      auto expected = padded[i].narrow(1, dy, 8).narrow(2, dx, 8);
      if (mode == "crop+flip" && replay.uniform_int(2)) {
        expected = expected.flip({2});
        ++flipped;
      }
      EXPECT_TRUE(torch::equal(out[i], expected)) << mode << " image " << i;
    }
    if (mode == "crop+flip") {
      EXPECT_GT(flipped, 0);
    }
  }
  Rng rng(1);
  EXPECT_TRUE(torch::equal(augment_batch(batch, "none", rng), batch));
}

}  // namespace
}  // namespace tnas
