#pragma once
// The search methods that run in one loop with the same objective, budget and seeds:
//   tnas       BO with the meta-learned surrogate (frozen encoders, GP fine-tuned after every evaluation)
//   gp         the same deep-kernel GP without meta-training (freshly initialised), fitted on the target only
//   bowl       NAS-BOWL (Ru et al. 2021): a GP with the Weisfeiler-Lehman kernel on the cell's DAG
//   random     uniform over the (de-duplicated) pool
//   evolution  regularized evolution (Real et al. 2019): population 10, tournament 3, aging
//   local      local search: a random unevaluated neighbour of the incumbent, random restarts
//   params     the largest cells first (the zero-cost "bigger is better" proxy; not adaptive)
// Multi-objective (--objectives; each also runs on one objective):
//   nsga2      NSGA-II, steady state: non-dominated sorting and crowding, crossover and mutation
//   parego     ParEGO (Knowles 2006): a fresh random augmented-Chebyshev scalarization of the normalized
//              objectives every step, maximized by a GP (--parego-model bowl: NAS-BOWL's WL-kernel GP, or
//              tnas)
//   tnas-mo    the meta-learned surrogate models the accuracy; exact objectives (params, FLOPs) are computed;
//              expected hypervolume improvement over that mixed model
// Multi-fidelity (each trial at a number of training epochs; meta_test/methods/hyperband_schedule.h):
//   sh         successive halving: Hyperband's most aggressive bracket, over and over
//   hyperband  Hyperband (Li et al. 2018): every bracket in turn, new configurations drawn at random
//   bohb       BOHB (Falkner et al. 2018): Hyperband's brackets, new configurations from a kernel density
//              model (TPE) of the largest fidelity with enough observations
//   tnas-hb    Hyperband's brackets, new configurations from tnas's meta-learned surrogate, fitted on the
//              observations at every fidelity (--mf-model)
// A method proposes the next cell from the history alone (and a per-step seed), so a replayed history
// leads to exactly the proposals of the uninterrupted run. Every method lives in its own file.
// In a parallel search the history also holds the evaluations still running (Observation::pending, in trial
// order with the finished ones): no method proposes one of them again; the deep-kernel BO can also condition
// on them (ProposalSettings::pending), and Hyperband's brackets wait for a rung's results before promoting
// (WaitForResults).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/enum_names.h"
#include "basics/rng.h"
#include "meta_test/bo/acquisition.h"
#include "meta_test/multi_objective/objective_set.h"
#include "meta_test/priors/configuration_prior.h"
#include "meta_test/search/candidate_pool.h"

namespace tnas {

struct SearchContext {
  const SearchSpace* space = nullptr;  // what the configurations are (outlives the method)
  std::vector<Arch> pool;              // candidates (de-duplicated by isomorphism key unless disabled)
  uint64_t seed = 0;
  std::vector<ObjectiveSpec> objectives =
      {};                              // what is optimized (one: accuracy; more: a multi-objective search)
  std::vector<double> reference = {};  // multi-objective: the hypervolume's reference point, reported units
  // The user's prior (meta_test/priors/configuration_prior.h), or null: the pool draws from it and the BO
  // methods weight their acquisition by it.
  std::shared_ptr<const ConfigurationPrior> prior = nullptr;
  // Whether a configuration outside the pool may be proposed (bohnas proposes from the whole space): the
  // constraints known in advance (params, FLOPs) that filtered the pool. Null: any.
  std::function<bool(const Arch&)> admissible = nullptr;
};

// What a method asks for next: a configuration at a fidelity (epochs 0: the objective's own protocol), and
// whether it continues that configuration's earlier, shorter run (a promotion).
struct Proposal {
  Arch config;
  int epochs = 0;
  int previous_epochs = 0;
  std::string note;  // where it comes from (e.g. "bracket 2 rung 1: promoted"); recorded with the trial
};

class SearchMethod {
 public:
  virtual ~SearchMethod() = default;
  // Next configuration to evaluate, never one already in `history`.
  virtual Arch propose(const std::vector<Observation>& history, Rng& rng) = 0;
  // Next trial; single-fidelity methods: propose() at the objective's own protocol.
  virtual Proposal propose_trial(const std::vector<Observation>& history, Rng& rng) {
    Proposal p;
    p.config = propose(history, rng);
    p.note = last_note;
    return p;
  }
  // Whether trials come at several fidelities (then a configuration recurs in the history at more epochs).
  virtual bool multi_fidelity() const { return false; }
  virtual nlohmann::json describe() const = 0;
  // Seconds spent in the last propose() (for overhead reporting).
  double last_seconds = 0;
  // What the last propose() decided, recorded with the trial (e.g. the kernel the marginal likelihood chose).
  std::string last_note;
};

// What tnas-mo asks of tnas's model: the posterior of the accuracy of pool configurations (indices into the
// context's pool), mean and standard deviation in accuracy points, given the history's successful
// observations (at least one). Its own proposal (zero-shot warm start, then EI) is there for the warm start.
class AccuracyModel {
 public:
  virtual ~AccuracyModel() = default;
  virtual void predict(const std::vector<Observation>& history, const std::vector<long>& candidates, Rng& rng,
                       std::vector<double>& mean, std::vector<double>& sd) = 0;
  virtual SearchMethod& as_method() = 0;
};

// The closed sets of the model-based methods' settings, each named (enum_names, basics/enum_names.h) as its
// command-line option and config.json write it.
enum class WarmStartFrom {
  kZeroShot,
  kZeroShotAndParams,
  kMetaData,
  kRandom
};                                                             // zero-shot, zero-shot-and-params, ...
enum class DatasetEmbedding { kFixed, kPerStep };              // fixed, per-step
enum class Adaptation { kHyperparameters, kMlp };              // hyperparameters, mlp
enum class AcquisitionPool { kMutations, kAll };               // mutations, all
enum class KernelChoice { kDeep, kAdditive };                  // deep, additive
enum class ParegoModel { kBowl, kTnas };                       // bowl, tnas
enum class PendingTreatment { kNone, kBeliever, kFantasies };  // none, believer, fantasies
enum class MultiFidelityModel { kHighest, kRung };             // highest, rung
enum class ProxyKernel { kNone, kParams };                     // none, params
enum class BohnasCandidates { kEvolution, kNeighbours };       // evolution, neighbours
template <>
const EnumNames<WarmStartFrom>& enum_names<WarmStartFrom>();
template <>
const EnumNames<DatasetEmbedding>& enum_names<DatasetEmbedding>();
template <>
const EnumNames<Adaptation>& enum_names<Adaptation>();
template <>
const EnumNames<AcquisitionPool>& enum_names<AcquisitionPool>();
template <>
const EnumNames<KernelChoice>& enum_names<KernelChoice>();
template <>
const EnumNames<ParegoModel>& enum_names<ParegoModel>();
template <>
const EnumNames<PendingTreatment>& enum_names<PendingTreatment>();
template <>
const EnumNames<MultiFidelityModel>& enum_names<MultiFidelityModel>();
template <>
const EnumNames<ProxyKernel>& enum_names<ProxyKernel>();
template <>
const EnumNames<BohnasCandidates>& enum_names<BohnasCandidates>();

inline constexpr double kTnasWidenBelow = 0.05;
// tnas's default: the log parameter count is a family of the additive kernel that must first raise the log
// marginal likelihood by this many nats (bench/RESULTS.md 1n: from 2 to 4 nats it takes CIFAR-10 seeds to
// the top 0.1 % in a median 9 evaluations instead of 13; ungated or at 1 nat it leads Fashion-MNIST to
// big cells that lose there, at 2 nats its quartile, from 3 nats nothing).
inline constexpr double kTnasProxyKernelEvidence = 3;

// The settings of the model-based methods, one struct per concept; each method's maker takes the ones it
// reads (the registry row hands them over), and the command line fills each once (search_command.cpp).

// How a model-based method proposes (tnas, gp, bowl, bananas, parego, tnas-mo, tnas-hb, bohb's warm start).
struct ProposalSettings {
  int warm_start = 5;  // evaluations before the model is used
  Acquisition::Kind acquisition = Acquisition::Kind::kExpectedImprovement;
  double ucb_beta = 2.0;
  // Where the acquisition is maximized: mutations (the unevaluated neighbours of the best `mutation_parents`
  // cells, as BANANAS and NAS-BOWL do) or all (every unevaluated cell of the pool, the reference's way).
  AcquisitionPool acquisition_pool = AcquisitionPool::kMutations;
  int mutation_parents = 1;
  // Evaluations still running (a parallel search's pending observations): none (only never proposed again;
  // the default: at equal trials it matched the sequential search on both oracles of bench/RESULTS.md 1h, the
  // other two lost on NAS-Bench-201), believer (kriging believer: each observed at the GP's mean, the model
  // fitted on the finished ones, so the variance around them shrinks and the next proposal goes elsewhere) or
  // fantasies (log EI averaged over 8 draws of their values from their predictive distributions).
  PendingTreatment pending = PendingTreatment::kNone;
  // bowl, gp, tnas with measured constraints and EI: weigh the acquisition by P(feasible) from a GP on the
  // measured slacks (meta_test/constraints/feasibility_model.h); off: infeasible trials are only failures.
  bool feasibility_model = true;
  // Where bohnas maximizes EI: evolution (the reference's: 20 mutations of each of the 10 best observed and
  // 50 crossovers among them) or neighbours (the unevaluated one-edit neighbours of the best
  // `mutation_parents`, as bowl's mutations).
  BohnasCandidates bohnas_candidates = BohnasCandidates::kEvolution;
};

// The deep-kernel GP of tnas (meta-trained) and gp (freshly initialised), also the model of tnas-hb, tnas-mo
// and parego --parego-model tnas.
struct DeepKernelSettings {
  std::string checkpoint;  // tnas: the meta-trained surrogate; gp: used only for its options
  std::string dataset;     // images of the target dataset (for D)
  // The protocol the target's accuracies come from, for a checkpoint conditioned on it
  // (models/protocol/training_protocol.h; "": none given).
  std::string target_protocol;
  bool meta_trained = true;  // false: the `gp` baseline (set by the registry row, not an option)
  // tnas's zero-shot warm start: each cell at least this many edges away from the cells evaluated before
  // (1 = the plain top cells, the reference's way).
  int warm_start_distance = 1;
  // Each zero-shot warm-start cell is drawn with the seed from this many of the best (1 = the best: every
  // seed starts from the same cells, the reference's way; 2 since issue 26: bench/RESULTS.md 1n).
  int warm_start_top = 2;
  // zero-shot (the surrogate's top cells on the target) | meta-data (best mean accuracy in the meta-training
  // data, the reference's choice) | random
  WarmStartFrom warm_start_from = WarmStartFrom::kZeroShot;
  // fixed: D from one draw of images per class for the whole search | per-step: a fresh draw before every
  // BO step (the reference's behaviour), from a reservoir of 5x images_per_class featurized target images.
  DatasetEmbedding dataset_embedding = DatasetEmbedding::kPerStep;
  int finetune_steps = 50;
  double finetune_lr = 0.1;
  // What is fine-tuned on the target after every evaluation: hyperparameters (the GP's, the reference's
  // way) or mlp (the deep kernel's MLP as well, as FSBO does; learning rate mlp_lr).
  Adaptation adapt = Adaptation::kHyperparameters;
  double mlp_lr = 1e-3;
  // tnas: deep (the meta-learned deep kernel alone, the reference's model) or additive (deep kernel + the
  // zero-shot prediction + the WL kernel, weights chosen by marginal likelihood on the target's
  // observations).
  KernelChoice kernel = KernelChoice::kAdditive;
  // tnas, gp (issue 26): widen the acquisition when the incumbent's neighbourhood promises less expected
  // improvement than this many standard deviations of the observed accuracies (0: never): the incumbent's
  // two-edit neighbours, the next-best cells' neighbours and widen_sample cells of the whole pool drawn with
  // the seed compete with the neighbours. Unset: the method's default, tnas kTnasWidenBelow, gp 0 (both
  // bench/RESULTS.md 1n's choice on two oracles: widening took gp's median regret on CIFAR-10 from 0.06 to
  // 0.61).
  std::optional<double> widen_below;
  int widen_sample = 0;
  // tnas with the additive kernel: a zero-cost proxy of every pool cell as one more linear kernel family,
  // weighted by the target's marginal likelihood (issue 26 item 2): none or params (log parameter count).
  // Unset: the method's default, tnas with the additive kernel params, otherwise none (tnas-hb, tnas-mo and
  // parego's tnas model too: their tables measured them without it).
  std::optional<ProxyKernel> proxy_kernel;
  // The proxy family's log prior odds against being used (nats): it enters the additive GP only where it
  // raises the log marginal likelihood by more than this (0: weighed like the other families). Unset:
  // kTnasProxyKernelEvidence.
  std::optional<double> proxy_kernel_evidence;
};

// parego: the GP that maximizes each scalarization.
struct ParegoSettings {
  ParegoModel model = ParegoModel::kBowl;
};

// The fidelities of a multi-fidelity method, in training epochs.
struct MultiFidelitySettings {
  int min_epochs = 1;
  int max_epochs = 9;
  double eta = 3;  // each rung keeps the best 1/eta and trains it eta times longer
  // tnas-hb: what the surrogate is fitted on: highest (every configuration once, at the most epochs it has
  // reached) or rung (BOHB's rule: the largest fidelity with at least warm_start + 2 observations).
  MultiFidelityModel model = MultiFidelityModel::kHighest;
};

// What the command line gives the methods: every method's part, each read only by the methods it names.
struct MethodSettings {
  ProposalSettings proposal;
  DeepKernelSettings deep_kernel;
  ParegoSettings parego;
  MultiFidelitySettings multi_fidelity;
};

// The method registry (search_methods.cpp): one row per method; --help, the error for an unknown name and the
// README's method table are written from it.
enum class MethodFamily { kSingleObjective, kMultiFidelity, kMultiObjective };
// The spaces a method searches: any (through the SearchSpace interface) or only grammar spaces (bohnas:
// derivation trees, graphs/spaces/grammar/).
enum class MethodSpaces { kAny, kGrammar };
struct MethodEntry {
  std::string name;
  MethodFamily family;
  std::string help;  // one line
  std::function<std::unique_ptr<SearchMethod>(const SearchContext&, const MethodSettings&)> make;
  MethodSpaces spaces = MethodSpaces::kAny;
};
const std::vector<MethodEntry>& search_method_registry();
// Throws tnas::Error naming every method for an unknown name.
const MethodEntry& find_search_method(const std::string& name);
const char* method_family_name(MethodFamily family);
// "single objective: tnas, gp, ...; multi-fidelity: ...; multi-objective: ..."
std::string search_methods_help();
// The README's method table (markdown), one row per method.
std::string search_methods_markdown();

bool is_multi_fidelity_method(const std::string& name);

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& context,
                                                 const MethodSettings& settings);

// Every method's own maker (one file each); make_search_method picks by name.
std::unique_ptr<SearchMethod> make_random_search(const SearchContext& context);
std::unique_ptr<SearchMethod> make_regularized_evolution(const SearchContext& context);
std::unique_ptr<SearchMethod> make_local_search(const SearchContext& context);
std::unique_ptr<SearchMethod> make_params_search(const SearchContext& context);
std::unique_ptr<SearchMethod> make_nsga2_search(const SearchContext& context);
std::unique_ptr<SearchMethod> make_parego_search(const SearchContext& context,
                                                 std::unique_ptr<SearchMethod> model);
std::unique_ptr<SearchMethod> make_tnas_mo_search(const SearchContext& context,
                                                  const ProposalSettings& proposal,
                                                  const DeepKernelSettings& deep_kernel);
std::unique_ptr<SearchMethod> make_bowl_search(const SearchContext& context,
                                               const ProposalSettings& proposal);
std::unique_ptr<SearchMethod> make_bohnas_search(const SearchContext& context,
                                                 const ProposalSettings& proposal);
std::unique_ptr<SearchMethod> make_bananas_search(const SearchContext& context,
                                                  const ProposalSettings& proposal);
std::unique_ptr<SearchMethod> make_deep_kernel_bo(const SearchContext& context,
                                                  const ProposalSettings& proposal,
                                                  const DeepKernelSettings& deep_kernel);
std::unique_ptr<AccuracyModel> make_deep_kernel_model(const SearchContext& context,
                                                      const ProposalSettings& proposal,
                                                      const DeepKernelSettings& deep_kernel);
// sh, hyperband, bohb; tnas-hb with its model's settings (`deep_kernel` is read only by tnas-hb).
std::unique_ptr<SearchMethod> make_hyperband(const std::string& name, const SearchContext& context,
                                             const ProposalSettings& proposal,
                                             const DeepKernelSettings& deep_kernel,
                                             const MultiFidelitySettings& multi_fidelity);

}  // namespace tnas
