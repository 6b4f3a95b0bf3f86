#pragma once
// What the trainer needs for one configuration of a search space: the NB201 cell, and the preset with the
// configuration's own hyperparameters (jahs: learning rate, weight decay, activation, TrivialAugment; a joint
// space: its active hyperparameters).
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/search_space.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

struct ConfiguredTraining {
  Nb201Cell cell;
  ProxyPreset preset;
};

// Throws tnas::Error for a space the trainer cannot build (anything but nb201, jahs and joint spaces over
// nb201 whose hyperparameters are trainer settings: models/trainer/training_settings.h).
void require_trainable(const SearchSpace& space);
ConfiguredTraining configure_training(const SearchSpace& space, const Arch& config, ProxyPreset preset);

}  // namespace tnas
