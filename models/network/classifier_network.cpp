#include "models/network/classifier_network.h"

#include "models/network/grammar_network_module.h"
#include "models/network/nb201_network_module.h"

namespace tnas {

ClassifierNetwork build_network(const NetworkBlueprint& blueprint, const Nb201MacroConfig& config) {
  if (blueprint.is_nb201()) return Nb201Network(blueprint.cell(), config).ptr();
  return std::make_shared<GrammarNetworkImpl>(blueprint.term(), config);
}

}  // namespace tnas
