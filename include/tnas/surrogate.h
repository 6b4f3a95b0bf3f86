#pragma once
// A meta-learned surrogate from a program: load a checkpoint (meta_train fit's output, e.g.
// checkpoints/default), then predict, before any evaluation, the accuracy of configurations on a dataset
// whose images condition it — what `meta_test rank` prints and what tnas's search starts from.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tnas {

struct PredictionTarget {
  std::string dataset;   // a dataset spec (`meta_test dataset --help`) whose images condition the surrogate
  uint64_t seed = 0;     // of the draw of those images (the draw a search with this seed makes)
  std::string protocol;  // the protocol the accuracies are for, where the checkpoint was fitted on several
};

struct Prediction {
  std::string config;  // canonical text
  double mean = 0;     // predicted accuracy (percent)
  double sd = 0;       // its standard deviation (percent)
};

class PretrainedSurrogate {
 public:
  explicit PretrainedSurrogate(const std::string& checkpoint);  // throws std::runtime_error naming the file
  ~PretrainedSurrogate();
  PretrainedSurrogate(const PretrainedSurrogate&) = delete;
  PretrainedSurrogate& operator=(const PretrainedSurrogate&) = delete;

  std::string space() const;  // the search space it was meta-trained on
  // The predictions for the given configurations, in their order.
  std::vector<Prediction> predict(const std::vector<std::string>& configs,
                                  const PredictionTarget& target) const;
  // The space's configurations (one per isomorphism class unless !dedupe; a space too large to enumerate:
  // pool_size drawn with the target's seed), best predicted first, as `meta_test rank` ranks them.
  std::vector<Prediction> rank(const PredictionTarget& target, bool dedupe = true,
                               int pool_size = 20000) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tnas
