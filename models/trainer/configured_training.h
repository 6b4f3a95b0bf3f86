#pragma once
// What the trainer needs for one configuration of a search space: the network (an NB201 cell, or a grammar
// architecture), and the preset with the configuration's own hyperparameters (jahs: learning rate, weight
// decay, activation, TrivialAugment; a joint space: its active hyperparameters).
#include "graphs/spaces/search_space.h"
#include "models/network/network_blueprint.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

struct ConfiguredTraining {
  NetworkBlueprint network;
  ProxyPreset preset;
};

// Throws tnas::Error for a space the trainer cannot build: one but nb201, jahs, grammar spaces whose
// terminals the network builder knows (graphs/spaces/grammar/grammar_network.h) and joint spaces over those
// whose hyperparameters are trainer settings (models/trainer/training_settings.h).
void require_trainable(const SearchSpace& space);
ConfiguredTraining configure_training(const SearchSpace& space, const Arch& config, ProxyPreset preset);

}  // namespace tnas
