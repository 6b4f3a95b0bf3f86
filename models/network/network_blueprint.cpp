#include "models/network/network_blueprint.h"

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_network.h"

namespace tnas {

const Nb201Cell& NetworkBlueprint::cell() const {
  if (!cell_) throw Error("network '" + text() + "' is a grammar architecture, not an NB201 cell");
  return *cell_;
}

std::string NetworkBlueprint::text() const { return cell_ ? cell_->to_string() : to_string(term_); }

int64_t NetworkBlueprint::params(const Nb201MacroConfig& config) const {
  return cell_ ? nb201_param_count(*cell_, config) : grammar_network_cost(term_, config).params;
}

int64_t NetworkBlueprint::flops(const Nb201MacroConfig& config) const {
  return cell_ ? nb201_flops(*cell_, config) : grammar_network_cost(term_, config).flops;
}

}  // namespace tnas
