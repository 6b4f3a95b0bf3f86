#include "meta_test/methods/search_methods.h"

#include <cmath>

#include "basics/error.h"

namespace tnas {
template <>
const EnumNames<WarmStartFrom>& enum_names<WarmStartFrom>() {
  static const EnumNames<WarmStartFrom> names = {{WarmStartFrom::kZeroShot, "zero-shot"},
                                                 {WarmStartFrom::kZeroShotAndParams, "zero-shot-and-params"},
                                                 {WarmStartFrom::kMetaData, "meta-data"},
                                                 {WarmStartFrom::kRandom, "random"}};
  return names;
}
template <>
const EnumNames<DatasetEmbedding>& enum_names<DatasetEmbedding>() {
  static const EnumNames<DatasetEmbedding> names = {{DatasetEmbedding::kFixed, "fixed"},
                                                    {DatasetEmbedding::kPerStep, "per-step"}};
  return names;
}
template <>
const EnumNames<Adaptation>& enum_names<Adaptation>() {
  static const EnumNames<Adaptation> names = {{Adaptation::kHyperparameters, "hyperparameters"},
                                              {Adaptation::kMlp, "mlp"}};
  return names;
}
template <>
const EnumNames<AcquisitionPool>& enum_names<AcquisitionPool>() {
  static const EnumNames<AcquisitionPool> names = {{AcquisitionPool::kMutations, "mutations"},
                                                   {AcquisitionPool::kAll, "all"}};
  return names;
}
template <>
const EnumNames<KernelChoice>& enum_names<KernelChoice>() {
  static const EnumNames<KernelChoice> names = {{KernelChoice::kDeep, "deep"},
                                                {KernelChoice::kAdditive, "additive"}};
  return names;
}
template <>
const EnumNames<ParegoModel>& enum_names<ParegoModel>() {
  static const EnumNames<ParegoModel> names = {{ParegoModel::kBowl, "bowl"}, {ParegoModel::kTnas, "tnas"}};
  return names;
}
template <>
const EnumNames<PendingTreatment>& enum_names<PendingTreatment>() {
  static const EnumNames<PendingTreatment> names = {{PendingTreatment::kBeliever, "believer"},
                                                    {PendingTreatment::kFantasies, "fantasies"},
                                                    {PendingTreatment::kNone, "none"}};
  return names;
}
template <>
const EnumNames<ProxyKernel>& enum_names<ProxyKernel>() {
  static const EnumNames<ProxyKernel> names = {{ProxyKernel::kNone, "none"},
                                               {ProxyKernel::kParams, "params"}};
  return names;
}
template <>
const EnumNames<BohnasCandidates>& enum_names<BohnasCandidates>() {
  static const EnumNames<BohnasCandidates> names = {{BohnasCandidates::kEvolution, "evolution"},
                                                    {BohnasCandidates::kNeighbours, "neighbours"}};
  return names;
}
template <>
const EnumNames<MultiFidelityModel>& enum_names<MultiFidelityModel>() {
  static const EnumNames<MultiFidelityModel> names = {{MultiFidelityModel::kHighest, "highest"},
                                                      {MultiFidelityModel::kRung, "rung"}};
  return names;
}

namespace {

// Every range of the methods' settings, checked whatever the method (a bad value is an error even where the
// method would not read it).
void validate_ranges(const MethodSettings& settings) {
  const ProposalSettings& proposal = settings.proposal;
  const DeepKernelSettings& deep_kernel = settings.deep_kernel;
  if (proposal.mutation_parents < 1)
    throw Error("--mutation-parents must be >= 1, got " + std::to_string(proposal.mutation_parents));
  if (deep_kernel.warm_start_top < 1 || deep_kernel.warm_start_top > 10000)
    throw Error("--warm-start-top must be in 1..10000, got " + std::to_string(deep_kernel.warm_start_top));
  if (deep_kernel.warm_start_distance < 1 || deep_kernel.warm_start_distance > kNb201NumEdges)
    throw Error("--warm-start-distance must be in 1..6, got " +
                std::to_string(deep_kernel.warm_start_distance));
  if (proposal.warm_start < 0)
    throw Error("--warm-start must be >= 0, got " + std::to_string(proposal.warm_start));
  if (deep_kernel.widen_below && !(*deep_kernel.widen_below >= 0 && *deep_kernel.widen_below <= 10))
    throw Error("--widen-below must be in 0..10 (standard deviations of the observed accuracies), got " +
                std::to_string(*deep_kernel.widen_below));
  if (deep_kernel.widen_sample < 0 || deep_kernel.widen_sample > 100000)
    throw Error("--widen-sample must be in 0..100000, got " + std::to_string(deep_kernel.widen_sample));
}

// The deep-kernel BO's settings for `tnas` (meta_trained) or `gp`, checked, the method's defaults filled in.
// unset_proxy_kernel: the proxy family where none is asked for and the kernel is tnas's additive one (tnas:
// params, measured in bench/RESULTS.md 1n; the methods that reuse tnas's model inside another loop keep none,
// which their own tables measured).
DeepKernelSettings deep_kernel_settings(const DeepKernelSettings& given, bool meta_trained,
                                        ProxyKernel unset_proxy_kernel = ProxyKernel::kNone) {
  if (given.finetune_steps < 0)
    throw Error("--finetune-steps must be >= 0, got " + std::to_string(given.finetune_steps));
  if (!(given.mlp_lr > 0 && given.mlp_lr < 1))
    throw Error("--mlp-lr must be in (0, 1), got " + std::to_string(given.mlp_lr));
  const double evidence = given.proxy_kernel_evidence.value_or(kTnasProxyKernelEvidence);
  if (!(evidence >= 0 && std::isfinite(evidence)))
    throw Error("--proxy-kernel-evidence must be a number of nats >= 0, got " + std::to_string(evidence));
  DeepKernelSettings settings = given;
  settings.meta_trained = meta_trained;
  if (!settings.widen_below) settings.widen_below = meta_trained ? kTnasWidenBelow : 0.0;
  const bool additive = meta_trained && settings.kernel == KernelChoice::kAdditive;
  if (!settings.proxy_kernel) settings.proxy_kernel = additive ? unset_proxy_kernel : ProxyKernel::kNone;
  if (*settings.proxy_kernel != ProxyKernel::kNone && !additive)
    throw Error("--proxy-kernel " + enum_name(*settings.proxy_kernel) +
                " is a family of tnas's additive kernel: use it with --method tnas --kernel additive");
  settings.proxy_kernel_evidence = evidence;
  if (!settings.meta_trained)
    settings.kernel = KernelChoice::kDeep;  // gp: the deep kernel without meta-training, nothing to add
  if (settings.meta_trained && settings.checkpoint.empty()) throw Error("method tnas needs --checkpoint DIR");
  return settings;
}

void validate_multi_fidelity(const MultiFidelitySettings& mf) {
  if (mf.min_epochs < 1)
    throw Error("--min-fidelity must be >= 1 epoch, got " + std::to_string(mf.min_epochs));
  if (mf.max_epochs < mf.min_epochs)
    throw Error("--max-fidelity (" + std::to_string(mf.max_epochs) + ") must be >= --min-fidelity (" +
                std::to_string(mf.min_epochs) + ")");
  if (!(mf.eta > 1 && std::isfinite(mf.eta))) throw Error("--eta must be > 1, got " + std::to_string(mf.eta));
}

// A multi-fidelity method's maker: the fidelities checked, then Hyperband's brackets with `name`'s sampler.
std::unique_ptr<SearchMethod> make_checked_hyperband(const std::string& name, const SearchContext& context,
                                                     const MethodSettings& settings,
                                                     bool meta_trained_model) {
  validate_multi_fidelity(settings.multi_fidelity);
  return make_hyperband(
      name, context, settings.proposal,
      meta_trained_model ? deep_kernel_settings(settings.deep_kernel, true) : settings.deep_kernel,
      settings.multi_fidelity);
}

}  // namespace

// The registry: one row per method (name, family, one-line help, maker), in the order --help, the error for
// an unknown name and the README's method table list them. A new method is its own file plus one row here.
const std::vector<MethodEntry>& search_method_registry() {
  using Family = MethodFamily;
  static const std::vector<MethodEntry> methods = {
      {"tnas", Family::kSingleObjective,
       "Bayesian optimization with the meta-learned surrogate, fine-tuned after every evaluation",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_deep_kernel_bo(context, settings.proposal,
                                    deep_kernel_settings(settings.deep_kernel, true, ProxyKernel::kParams));
       }},
      {"gp", Family::kSingleObjective,
       "the same deep-kernel GP without meta-training, fitted on the target only",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_deep_kernel_bo(context, settings.proposal,
                                    deep_kernel_settings(settings.deep_kernel, false));
       }},
      {"bowl", Family::kSingleObjective,
       "NAS-BOWL: a GP with the Weisfeiler-Lehman kernel on the cell's graph",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_bowl_search(context, settings.proposal);
       }},
      {"bananas", Family::kSingleObjective,
       "BANANAS: an ensemble of neural networks on the op graph's paths, Thompson sampling over mutations",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_bananas_search(context, settings.proposal);
       }},
      {"bohnas", Family::kSingleObjective,
       "BOHNAS on a grammar space: a GP with the hierarchical WL kernel, EI over mutations and crossovers of "
       "the best",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_bohnas_search(context, settings.proposal);
       },
       MethodSpaces::kGrammar},
      {"random", Family::kSingleObjective, "uniform over the (de-duplicated) pool",
       [](const SearchContext& context, const MethodSettings&) { return make_random_search(context); }},
      {"evolution", Family::kSingleObjective, "regularized evolution: population 10, tournament 3, aging",
       [](const SearchContext& context, const MethodSettings&) {
         return make_regularized_evolution(context);
       }},
      {"local", Family::kSingleObjective,
       "local search: a random unevaluated neighbour of the incumbent, random restarts",
       [](const SearchContext& context, const MethodSettings&) { return make_local_search(context); }},
      {"params", Family::kSingleObjective, "the largest cells first (the zero-cost proxy; not adaptive)",
       [](const SearchContext& context, const MethodSettings&) { return make_params_search(context); }},
      {"sh", Family::kMultiFidelity, "successive halving: Hyperband's most aggressive bracket, over and over",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_checked_hyperband("sh", context, settings, false);
       }},
      {"hyperband", Family::kMultiFidelity, "Hyperband: every bracket in turn, new configurations at random",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_checked_hyperband("hyperband", context, settings, false);
       }},
      {"bohb", Family::kMultiFidelity,
       "BOHB: Hyperband's brackets, new configurations from a TPE model of the largest fidelity with data",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_checked_hyperband("bohb", context, settings, false);
       }},
      {"tnas-hb", Family::kMultiFidelity,
       "Hyperband's brackets, new configurations from tnas's surrogate fitted on every fidelity (--mf-model)",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_checked_hyperband("tnas-hb", context, settings, true);
       }},
      {"nsga2", Family::kMultiObjective,
       "steady-state NSGA-II: non-dominated sorting, crowding, crossover, mutation",
       [](const SearchContext& context, const MethodSettings&) { return make_nsga2_search(context); }},
      {"parego", Family::kMultiObjective,
       "ParEGO: a random augmented-Chebyshev scalarization each step, maximized by a GP (--parego-model)",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_parego_search(context,
                                   settings.parego.model == ParegoModel::kTnas
                                       ? make_deep_kernel_bo(context, settings.proposal,
                                                             deep_kernel_settings(settings.deep_kernel, true))
                                       : make_bowl_search(context, settings.proposal));
       }},
      {"tnas-mo", Family::kMultiObjective,
       "tnas's surrogate models accuracy, params and FLOPs are exact; expected hypervolume improvement",
       [](const SearchContext& context, const MethodSettings& settings) {
         return make_tnas_mo_search(context, settings.proposal,
                                    deep_kernel_settings(settings.deep_kernel, true));
       }},
  };
  return methods;
}

const char* method_family_name(MethodFamily family) {
  switch (family) {
    case MethodFamily::kSingleObjective:
      return "single objective";
    case MethodFamily::kMultiFidelity:
      return "multi-fidelity";
    case MethodFamily::kMultiObjective:
      return "multi-objective";
  }
  return "?";
}

std::string search_methods_help() {
  std::string text;
  for (const MethodFamily family :
       {MethodFamily::kSingleObjective, MethodFamily::kMultiFidelity, MethodFamily::kMultiObjective}) {
    std::string names;
    for (const MethodEntry& method : search_method_registry())
      if (method.family == family) names += (names.empty() ? "" : ", ") + method.name;
    text += (text.empty() ? "" : "; ") + std::string(method_family_name(family)) + ": " + names;
  }
  return text;
}

std::string search_methods_markdown() {
  std::string table = "| method | family | what it does |\n| --- | --- | --- |\n";
  for (const MethodEntry& method : search_method_registry())
    table += "| `" + method.name + "` | " + method_family_name(method.family) + " | " + method.help + " |\n";
  return table;
}

const MethodEntry& find_search_method(const std::string& name) {
  for (const MethodEntry& method : search_method_registry())
    if (method.name == name) return method;
  throw Error("unknown --method '" + name + "' (" + search_methods_help() + ")");
}

bool is_multi_fidelity_method(const std::string& name) {
  return find_search_method(name).family == MethodFamily::kMultiFidelity;
}

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& context,
                                                 const MethodSettings& settings) {
  const MethodEntry& method = find_search_method(name);
  if (method.family == MethodFamily::kMultiObjective && context.objectives.size() < 2)
    throw Error("--method " + name + " optimizes several objectives: give --objectives, e.g. acc,params");
  validate_ranges(settings);
  return method.make(context, settings);
}

}  // namespace tnas
