#pragma once
// Internal (torch): what a training run must keep to continue exactly where it stopped: per seed the
// network's parameters and buffers, the optimizer's state (momentum, moments), the random stream (crops,
// flips, TrivialAugment, the shuffles) and the last epoch's loss; and the epoch it reached. A fingerprint of
// the run's settings guards against continuing another run's state. Written atomically (temporary file,
// fsync, rename).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "basics/rng.h"
#include "models/trainer/step_optimizer.h"

namespace tnas {

// One seed's live training objects, borrowed.
struct SeedRun {
  torch::nn::Module* net = nullptr;
  StepOptimizer* optimizer = nullptr;
  Rng* rng = nullptr;
  double last_epoch_loss = 0;
};

void save_training_state(const std::string& path, const std::string& fingerprint, int epoch,
                         const std::vector<SeedRun>& seeds);

// Restores the seeds' objects in place and returns the epoch the state reached. Throws tnas::Error naming the
// file for a missing or unreadable file, another run's fingerprint or a different number of seeds.
int load_training_state(const std::string& path, const std::string& fingerprint, std::vector<SeedRun>& seeds);

}  // namespace tnas
