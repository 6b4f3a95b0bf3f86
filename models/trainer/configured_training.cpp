#include "models/trainer/configured_training.h"

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_network.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/joint/joint_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/trainer/training_settings.h"

namespace tnas {
namespace {

// Throws tnas::Error for an architecture space the trainer cannot build; `where` names what holds it.
void require_buildable(const SearchSpace& architectures, const std::string& where) {
  if (const auto* grammar = dynamic_cast<const GrammarSpace*>(&architectures)) {
    check_terminals(grammar->grammar(), network_vocabulary());
    return;
  }
  if (architectures.name() != "nb201")
    throw Error(where + "the trainer builds NB201 cells and grammar architectures, not " +
                architectures.name() + " configurations (search it with a command objective)");
}

NetworkBlueprint network_of(const SearchSpace& architectures, const Arch& architecture) {
  if (const auto* grammar = dynamic_cast<const GrammarSpace*>(&architectures))
    return NetworkBlueprint(term_tree(grammar->grammar(), grammar->decode(architecture)));
  return Nb201Space::to_cell(architecture);
}

}  // namespace

void require_trainable(const SearchSpace& space) {
  if (const auto* joint = dynamic_cast<const JointSpace*>(&space)) {
    require_buildable(joint->architecture_space(), joint->file().path + ": ");
    require_training_settings(joint->file());
    return;
  }
  if (space.name() != "jahs") require_buildable(space, "");
}

ConfiguredTraining configure_training(const SearchSpace& space, const Arch& config, ProxyPreset preset) {
  require_trainable(space);
  if (const auto* joint = dynamic_cast<const JointSpace*>(&space))
    return {network_of(joint->architecture_space(), joint->architecture(config)),
            with_training_settings(*joint, config, preset)};
  if (space.name() != "jahs") return {network_of(space, config), preset};
  const JahsHyperparameters h = JahsSpace::hyperparameters(config);
  preset.learning_rate = h.learning_rate;
  preset.weight_decay = h.weight_decay;
  preset.activation = parse_activation(h.activation);
  preset.trivial_augment = h.trivial_augment;
  return {JahsSpace::cell(config), preset};
}

}  // namespace tnas
