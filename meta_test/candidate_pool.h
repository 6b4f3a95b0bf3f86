#pragma once
// The candidate pool every search method draws from: cells by isomorphism key, which of them have been
// evaluated, random picks, and the neighbourhoods that local search, evolution and the mutation-based
// acquisition optimizer (BANANAS, White et al. 2021; "Mutation is all you need", Schneider et al. 2021)
// search over.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graphs/nb201_cell.h"
#include "graphs/rng.h"

namespace tnas {

struct Observation {
  Nb201Cell cell;
  double accuracy = 0;
  bool ok = false;
};

class CandidatePool {
 public:
  explicit CandidatePool(const std::vector<Nb201Cell>& cells);

  const std::vector<Nb201Cell>& cells() const { return cells_; }
  size_t size() const { return cells_.size(); }
  // Pool index of the cell's isomorphism class, or -1.
  long find(const Nb201Cell& c) const;
  // done[i]: pool cell i (or a cell isomorphic to it) is in `history`.
  std::vector<bool> evaluated(const std::vector<Observation>& history) const;
  // Throws tnas::Error when every cell has been evaluated.
  Nb201Cell random_unevaluated(const std::vector<bool>& done, Rng& rng) const;
  // Pool indices of the unevaluated cells one edit (one edge's op) away from `cell`, ascending.
  std::vector<long> unevaluated_neighbours(const std::vector<bool>& done, const Nb201Cell& cell) const;
  std::optional<Nb201Cell> random_unevaluated_neighbour(const std::vector<bool>& done, const Nb201Cell& cell, Rng& rng) const;
  // Where a model-based method maximizes its acquisition: the unevaluated neighbours of the `parents` best
  // successful observations, ascending and without repeats; empty when they have none.
  std::vector<long> mutation_candidates(const std::vector<Observation>& history, const std::vector<bool>& done,
                                        int parents) const;

  // Where a model-based method looks this step: the mutation candidates when `mutations` (falling back to
  // every unevaluated cell when the parents' neighbourhoods are exhausted), else every unevaluated cell.
  // Throws tnas::Error when every cell has been evaluated.
  std::vector<long> acquisition_candidates(const std::vector<Observation>& history, const std::vector<bool>& done,
                                           bool mutations, int parents) const;

 private:
  // Pool index of every one-edit change of `cell` that is unevaluated, one entry per edit (with repeats).
  std::vector<long> unevaluated_edits(const std::vector<bool>& done, const Nb201Cell& cell) const;
  std::vector<Nb201Cell> cells_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace tnas
