#pragma once
// A search space: what the optimizers and the surrogate need to know about architectures.
// Architectures are plain values (`Arch`, a vector of choice ids) so that new spaces (hierarchical
// grammars, joint architecture + hyperparameters) plug into the same BO loop.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "basics/rng.h"
#include "graphs/op_graph/op_graph.h"

namespace tnas {

struct ArchCost {
  int64_t params = 0, flops = 0;  // of the network the space builds from the configuration
};

struct Arch {
  std::vector<int> choices;  // NB201: the 6 edge op ids in string order
  bool operator==(const Arch& config) const { return choices == config.choices; }
  bool operator!=(const Arch& config) const { return choices != config.choices; }
  bool operator<(const Arch& config) const { return choices < config.choices; }
};

class SearchSpace {
 public:
  virtual ~SearchSpace() = default;

  virtual std::string name() const = 0;
  // Number of architectures, or -1 where the space cannot be enumerated.
  virtual int64_t size() const = 0;
  virtual Arch sample(Rng& rng) const = 0;
  // All architectures in dense-id order. Default: throws (not every space is finite).
  virtual std::vector<Arch> enumerate() const;
  // Every architecture that differs in exactly one choice.
  virtual std::vector<Arch> neighbours(const Arch& arch) const = 0;
  // One uniformly drawn neighbour.
  virtual Arch mutate(const Arch& arch, Rng& rng) const;
  virtual OpGraph to_graph(const Arch& arch) const = 0;
  // What the surrogate's graph encoder must be sized for (SurrogateOptions): the number of node types
  // (input, output and one per operation, graphs/op_graph/op_graph.h) and the most nodes a graph has.
  virtual int graph_node_types() const = 0;
  virtual int graph_max_nodes() const = 0;
  // Whether every configuration's graph has the same topology, so that a node's index names one role in
  // every configuration (NB201: op-node k is always edge k). A grammar space's derivations each have their
  // own. The encoder reads the node indices (D-VAE's vertex ids) only where they name a role.
  virtual bool graph_topology_fixed() const { return true; }
  // What the graph does not hold (jahs: the training hyperparameters), as numbers the surrogate encodes next
  // to the graph, each in [0, 1]. Default: none.
  virtual int numeric_feature_count() const { return 0; }
  virtual std::vector<float> numeric_features(const Arch& arch) const;
  // Strict: throws tnas::Error naming the bad token.
  virtual Arch parse(std::string_view text) const = 0;
  virtual std::string format(const Arch& arch) const = 0;
  // Equal for architectures that compute the same function.
  virtual std::string iso_key(const Arch& arch) const = 0;
  // Dense id in 0..size()-1; default throws.
  virtual int64_t id(const Arch& arch) const;
  // How many values each choice takes (categorical or ordinal), in choice order: what a model over the raw
  // choices (BOHB's kernel density estimator) needs.
  virtual std::vector<int> choice_counts() const = 0;
  // Each choice's name and its values' names, in choice order, and whether its values are ordered (a grid of
  // numbers): what a user's prior over configurations names (meta_test/priors/). Default: "choice0", ...
  // with values "0", "1", ... of choice_counts(), categorical.
  struct ChoiceInfo {
    std::string name;
    std::vector<std::string> values;
    bool ordinal = false;
  };
  virtual std::vector<ChoiceInfo> choice_infos() const;
  // Exact size of the configuration's network (the space's default macro configuration).
  virtual ArchCost cost(const Arch& arch) const = 0;
};

// What the surrogate's architecture encoder reads of a configuration: its graph and its numeric features.
struct EncoderInput {
  OpGraph graph;
  std::vector<float> numeric;
};
EncoderInput encoder_input(const SearchSpace& space, const Arch& config);

// Keeps the first architecture of each isomorphism class, in input order.
std::vector<Arch> dedupe_by_iso_key(const SearchSpace& space, const std::vector<Arch>& archs);

}  // namespace tnas
