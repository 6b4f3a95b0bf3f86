#pragma once
// What the trainer needs for one configuration of a search space: the NB201 cell, and the preset with the
// configuration's own hyperparameters (jahs: learning rate, weight decay, activation, TrivialAugment).
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/search_space.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

struct ConfiguredTraining {
  Nb201Cell cell;
  ProxyPreset preset;
};

// Throws tnas::Error for a space the trainer cannot build (anything but nb201 and jahs).
void require_trainable(const SearchSpace& space);
ConfiguredTraining configure_training(const SearchSpace& space, const Arch& config, ProxyPreset preset);

}  // namespace tnas
