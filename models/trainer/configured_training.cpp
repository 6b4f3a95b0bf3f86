#include "models/trainer/configured_training.h"

#include "basics/error.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/joint/joint_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/trainer/training_settings.h"

namespace tnas {

void require_trainable(const SearchSpace& space) {
  if (const auto* joint = dynamic_cast<const JointSpace*>(&space)) {
    if (joint->architecture_space().name() != "nb201")
      throw Error(joint->file().path + ": the trainer builds NB201 cells; this file's architecture is " +
                  joint->architecture_space().name() + " (search it with a command objective)");
    require_training_settings(joint->file());
    return;
  }
  if (space.name() != "nb201" && space.name() != "jahs")
    throw Error("the trainer builds NB201 networks (spaces nb201 and jahs), not " + space.name() +
                " configurations");
}

ConfiguredTraining configure_training(const SearchSpace& space, const Arch& config, ProxyPreset preset) {
  require_trainable(space);
  if (const auto* joint = dynamic_cast<const JointSpace*>(&space))
    return {Nb201Space::to_cell(joint->architecture(config)), with_training_settings(*joint, config, preset)};
  if (space.name() == "nb201") return {Nb201Space::to_cell(config), preset};
  const JahsHyperparameters h = JahsSpace::hyperparameters(config);
  preset.learning_rate = h.learning_rate;
  preset.weight_decay = h.weight_decay;
  preset.activation = parse_activation(h.activation);
  preset.trivial_augment = h.trivial_augment;
  return {JahsSpace::cell(config), preset};
}

}  // namespace tnas
