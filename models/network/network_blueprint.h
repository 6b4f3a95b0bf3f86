#pragma once
// What the trainer builds for one configuration (torch-free): an NB201 cell in NB201's macro network, or the
// network a grammar derivation describes (graphs/spaces/grammar/grammar_network.h). The LibTorch module is
// made by build_network (models/network/classifier_network.h).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "graphs/spaces/grammar/derivation.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {

class NetworkBlueprint {
 public:
  // Implicit: an NB201 cell is what most callers train.
  NetworkBlueprint(const Nb201Cell& cell) : cell_(cell) {}  // NOLINT(google-explicit-constructor)
  explicit NetworkBlueprint(TermTree grammar_architecture) : term_(std::move(grammar_architecture)) {}

  bool is_nb201() const { return cell_.has_value(); }
  const Nb201Cell& cell() const;  // throws tnas::Error for a grammar architecture
  const TermTree& term() const { return term_; }
  // The cell's NB201 string or the derivation's canonical string: what a training run's state is bound to.
  std::string text() const;
  int64_t params(const Nb201MacroConfig& config) const;
  int64_t flops(const Nb201MacroConfig& config) const;  // multiply-accumulates for one image

 private:
  std::optional<Nb201Cell> cell_;
  TermTree term_;
};

}  // namespace tnas
