#pragma once
// The JAHS space (joint architecture and hyperparameter search, after JAHS-Bench-201, Bansal et al. 2022):
// the NB201 cell plus the training hyperparameters that interact with it. A configuration's choices are
//   [0..5]  the cell's six edge ops (NB201's)
//   [6]     activation: 0 ReLU, 1 Hardswish, 2 Mish
//   [7]     learning rate: index into kJahsLearningRates, 13 values log-spaced over [1e-3, 1]
//   [8]     weight decay: index into kJahsWeightDecays, 7 values log-spaced over [1e-5, 1e-2]
//   [9]     TrivialAugment: 0 off, 1 on
// The fidelities of JAHS-Bench-201 (depth N, width W, resolution R, epochs) are not choices: a trial requests
// them (meta_test/objectives/trial.h). 8,531,250 configurations: too many to enumerate, so a search samples
// its pool. Text form: the cell string, then ";activation=mish;lr=0.0316;wd=0.0001;trivial_augment=on".
#include <array>

#include "graphs/spaces/nb201/nb201_space.h"
#include "graphs/spaces/search_space.h"

namespace tnas {

inline constexpr std::array<const char*, 3> kJahsActivations = {"relu", "hardswish", "mish"};
inline constexpr int kJahsLearningRateCount = 13;  // 10^(-3 + k/4), k = 0..12
inline constexpr int kJahsWeightDecayCount = 7;    // 10^(-5 + k/2), k = 0..6
inline constexpr int kJahsChoices = kNb201NumEdges + 4;

struct JahsHyperparameters {
  std::string activation;
  double learning_rate = 0, weight_decay = 0;
  bool trivial_augment = false;
};

class JahsSpace final : public SearchSpace {
 public:
  std::string name() const override { return "jahs"; }
  int64_t size() const override;
  Arch sample(Rng& rng) const override;
  std::vector<int> choice_counts() const override;
  // The cell's edges (as NB201's), then activation, lr and wd (ordinal: their values as in the text form),
  // trivial_augment (off, on).
  std::vector<ChoiceInfo> choice_infos() const override;
  // The cell's 24 one-edge changes, the other activations, the adjacent learning rates and weight decays
  // (ordinal grids: one step), TrivialAugment flipped.
  std::vector<Arch> neighbours(const Arch& arch) const override;
  OpGraph to_graph(const Arch& arch) const override;  // the cell's (the hyperparameters are not in the graph)
  int graph_node_types() const override { return Nb201Space().graph_node_types(); }
  int graph_max_nodes() const override { return Nb201Space().graph_max_nodes(); }
  // The hyperparameters beside the graph: activation one-hot (3), learning rate and weight decay as their
  // position on the log grid (0..1), TrivialAugment (0/1).
  int numeric_feature_count() const override { return 6; }
  std::vector<float> numeric_features(const Arch& arch) const override;
  Arch parse(std::string_view text) const override;
  std::string format(const Arch& arch) const override;
  // The cell's isomorphism key with the hyperparameters: equal configurations train the same function.
  std::string iso_key(const Arch& arch) const override;
  // Mixed radix: the cell's id, then activation, learning rate, weight decay, TrivialAugment.
  int64_t id(const Arch& arch) const override;
  ArchCost cost(
      const Arch& arch) const override;  // the NB201 network's (C=16, N=5); hyperparameters add nothing

  static Nb201Cell cell(const Arch& arch);  // validates the whole choice vector
  static JahsHyperparameters hyperparameters(const Arch& arch);
  static double learning_rate(int index);
  static double weight_decay(int index);
};

}  // namespace tnas
