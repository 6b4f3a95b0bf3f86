#pragma once
// The search methods that run in one loop with the same objective, budget and seeds:
//   tnas       BO with the meta-learned surrogate (frozen encoders, GP fine-tuned after every evaluation)
//   gp         the same deep-kernel GP without meta-training (freshly initialised), fitted on the target only
//   random     uniform over the (de-duplicated) pool
//   evolution  regularized evolution (Real et al. 2019): population 10, tournament 3, aging
//   local      local search: best-improvement over the incumbent's unevaluated neighbours, random restarts
// A method proposes the next cell from the history alone (and a per-step seed), so a replayed history
// leads to exactly the proposals of the uninterrupted run.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graphs/nb201_cell.h"
#include "graphs/rng.h"

namespace tnas {

struct Observation {
  Nb201Cell cell;
  double accuracy = 0;
  bool ok = false;
};

struct SearchContext {
  std::vector<Nb201Cell> pool;  // candidate cells (de-duplicated by isomorphism key unless disabled)
  uint64_t seed = 0;
};

class SearchMethod {
 public:
  virtual ~SearchMethod() = default;
  // Next cell to evaluate, never one already in `history`.
  virtual Nb201Cell propose(const std::vector<Observation>& history, Rng& rng) = 0;
  virtual nlohmann::json describe() const = 0;
  // Seconds spent in the last propose() (for overhead reporting).
  double last_seconds = 0;
};

struct BayesOptSettings {
  std::string checkpoint;          // tnas: the meta-trained surrogate; gp: used only for its options
  std::string dataset;             // images of the target dataset (for D)
  std::string acquisition = "ei";  // ei | ucb
  double ucb_beta = 2.0;
  int warm_start = 5;
  // zero-shot (the surrogate's top cells on the target) | meta-data (best mean accuracy in the meta-training
  // data, the reference's choice) | random
  std::string warm_start_from = "zero-shot";
  // fixed: D from one draw of images per class for the whole search | per-step: a fresh draw before every
  // BO step (the reference's behaviour), from a reservoir of 5x images_per_class featurized target images.
  std::string dataset_embedding = "per-step";
  int finetune_steps = 50;
  double finetune_lr = 0.1;
  bool meta_trained = true;        // false: the `gp` baseline
};

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& context,
                                                 const BayesOptSettings& bo);

}  // namespace tnas
