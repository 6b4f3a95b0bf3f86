#pragma once
// A user's belief about where good configurations are (`meta_test search --prior FILE`; issue 30 item 1,
// after piBO, Hvarfner et al. 2022, and PriorBand, Mallik et al. 2023): one independent distribution per
// choice of the space (an NB201 edge's op, a JAHS or joint space's hyperparameter), so that
//   pi(config) = prod_choices p_choice(value);
// for a grammar space (hnb201, grammar:FILE) the choices are its nonterminals, their values the alternatives
// written without spaces (`choice OP zero=0.1 CONVBLOCK=0.6`, `choice D2 Sequential3(D1,D1,D0)=0.5`), and
// pi(derivation) = the product over its nodes of p_nonterminal(alternative); a default believes, at each
// nonterminal, the alternatives its derivation takes there (their average).
// The file, one statement per line ('#' starts a comment):
//   default CONFIG                  a configuration the user believes in (the space's text form)
//   confidence low|medium|high      how much (default medium): the default's value gets, per choice,
//                                   categorical: score / (score + values - 1), score 2 / 4 / 6 (NePS's);
//                                   ordinal: a normal over the grid positions 0..1 around it, sd 0.5 / 0.25 /
//                                   0.125
//   choice NAME VALUE=P VALUE=P ... that choice's probabilities; unlisted values share what is left
//   choice NAME ~ normal MEAN SD    numeric values: a normal density at each value, normalized
//   choice NAME ~ log-normal MEDIAN DECADES   the same on log10 of the values (e.g. a learning rate)
// A choice line replaces what `default` says of that choice; a choice nobody names stays uniform. No value
// may get probability 0: a prior is a belief, not an exclusion (that is --constraint). Errors name the file
// and the line.
//
// How the methods use it: random draws (random search, every warm start and restart, the initial population
// of evolution and NSGA-II, BOHB's new configurations) come from the prior with probability
// strength / (strength + n) after n observations, else uniformly (decaying as evidence comes in), and the
// default is drawn first; Hyperband's and successive halving's new configurations come from PriorBand's
// ensemble of uniform, prior and incumbent-centred draws (meta_test/methods/prior_band_sampler.h); the BO
// methods (tnas, gp, bowl, bohnas, bohb's model, tnas-mo's EHVI, parego through its model, BANANAS on its
// Thompson draw's improvement) weight their acquisition by pi(x)^(strength / n) (piBO); tnas's warm start
// after the default is its zero-shot ranking alone. After 5 successful observations the strength is scaled by
// how far they bear the prior out (the Spearman correlation of their log prior with their accuracy, 0 when
// negative: meta_test/search/candidate_pool.h), so that a misleading prior stops steering.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/enum_names.h"
#include "graphs/spaces/search_space.h"

namespace tnas {

class GrammarSpace;

enum class PriorConfidence { kLow, kMedium, kHigh };  // low, medium, high
template <>
const EnumNames<PriorConfidence>& enum_names<PriorConfidence>();

class ConfigurationPrior {
 public:
  // Reads `path` for `space`; `strength` is piBO's beta (> 0). Throws tnas::Error "PATH:LINE: problem" (or
  // "PATH: problem" for the file as a whole).
  ConfigurationPrior(const std::string& path, const SearchSpace& space, double strength);
  // This belief with each choice's most believed value moved onto `config`'s (the two values' probabilities
  // swapped; averaged over the values a grammar's derivation takes at a nonterminal): as sharp as this one,
  // centred on `config` (PriorBand's incumbent-centred distribution, compared fairly with the prior).
  ConfigurationPrior moved_onto(const SearchSpace& space, const Arch& config) const;

  double log_density(const Arch& config) const;
  const std::optional<Arch>& default_config() const { return default_; }
  double strength() const { return strength_; }
  PriorConfidence confidence() const { return confidence_; }
  // The probability that a random draw after n observations comes from the prior (else: uniform), with the
  // strength scaled by `trust` (CandidatePool::prior_trust).
  double draw_share(size_t observations, double trust = 1) const;
  // Per choice, per value: the probabilities (each row sums to 1).
  const std::vector<std::vector<double>>& probabilities() const { return probabilities_; }
  // What config.json records: the file, the strength, the default, the confidence and every probability.
  nlohmann::json describe(const SearchSpace& space) const;

 private:
  ConfigurationPrior() = default;
  // Per choice, the values `config` takes (one; for a grammar every alternative its derivation takes at that
  // nonterminal).
  std::vector<std::vector<int>> values_of(const Arch& config) const;
  // probabilities_ from the `choice` lines (`named`: choice -> its distribution), else around the default.
  void set_probabilities(const std::map<size_t, std::vector<double>>& named);

  std::string path_;
  const GrammarSpace* grammar_space_ = nullptr;  // a grammar's choices are its productions, taken per node
  std::vector<SearchSpace::ChoiceInfo> choices_;
  std::vector<std::vector<double>> probabilities_;
  std::optional<Arch> default_;
  PriorConfidence confidence_ = PriorConfidence::kMedium;
  double strength_ = 1;
};

}  // namespace tnas
