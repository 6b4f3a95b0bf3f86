#include "meta_test/search_methods.h"

#include <cmath>

#include "basics/error.h"

namespace tnas {
namespace {

void validate_bo(const BayesOptSettings& bo) {
  if (bo.acquisition != "ei" && bo.acquisition != "ucb") throw Error("--acquisition must be ei or ucb, got '" + bo.acquisition + "'");
  if (bo.acquisition_pool != "mutations" && bo.acquisition_pool != "all")
    throw Error("--acquisition-pool must be mutations or all, got '" + bo.acquisition_pool + "'");
  if (bo.mutation_parents < 1) throw Error("--mutation-parents must be >= 1, got " + std::to_string(bo.mutation_parents));
  if (bo.warm_start_distance < 1 || bo.warm_start_distance > kNb201NumEdges)
    throw Error("--warm-start-distance must be in 1..6, got " + std::to_string(bo.warm_start_distance));
  if (bo.warm_start < 0) throw Error("--warm-start must be >= 0, got " + std::to_string(bo.warm_start));
}

// The deep-kernel BO's settings for `tnas` (meta_trained) or `gp`, checked.
BayesOptSettings deep_kernel_settings(const BayesOptSettings& bo, bool meta_trained) {
  if (bo.warm_start_from != "zero-shot" && bo.warm_start_from != "meta-data" && bo.warm_start_from != "random")
    throw Error("--warm-start-from must be zero-shot, meta-data or random");
  if (bo.dataset_embedding != "fixed" && bo.dataset_embedding != "per-step")
    throw Error("--dataset-embedding must be fixed or per-step, got '" + bo.dataset_embedding + "'");
  if (bo.finetune_steps < 0) throw Error("--finetune-steps must be >= 0, got " + std::to_string(bo.finetune_steps));
  if (bo.kernel != "deep" && bo.kernel != "additive") throw Error("--kernel must be deep or additive, got '" + bo.kernel + "'");
  if (bo.adapt != "hyperparameters" && bo.adapt != "mlp") throw Error("--adapt must be hyperparameters or mlp, got '" + bo.adapt + "'");
  if (!(bo.mlp_lr > 0 && bo.mlp_lr < 1)) throw Error("--mlp-lr must be in (0, 1), got " + std::to_string(bo.mlp_lr));
  BayesOptSettings s = bo;
  s.meta_trained = meta_trained;
  if (!s.meta_trained) s.kernel = "deep";  // gp: the deep kernel without meta-training, nothing to add
  if (s.meta_trained && s.checkpoint.empty()) throw Error("method tnas needs --checkpoint DIR");
  return s;
}

void validate_multi_fidelity(const MultiFidelitySettings& mf) {
  if (mf.min_epochs < 1) throw Error("--min-fidelity must be >= 1 epoch, got " + std::to_string(mf.min_epochs));
  if (mf.max_epochs < mf.min_epochs)
    throw Error("--max-fidelity (" + std::to_string(mf.max_epochs) + ") must be >= --min-fidelity (" + std::to_string(mf.min_epochs) + ")");
  if (!(mf.eta > 1 && std::isfinite(mf.eta))) throw Error("--eta must be > 1, got " + std::to_string(mf.eta));
  if (mf.model != "highest" && mf.model != "rung") throw Error("--mf-model must be highest or rung, got '" + mf.model + "'");
}

}  // namespace

bool is_multi_fidelity_method(const std::string& name) {
  return name == "sh" || name == "hyperband" || name == "bohb" || name == "tnas-hb";
}

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& c, const BayesOptSettings& bo,
                                                 const MultiFidelitySettings& mf) {
  if (name == "random") return make_random_search(c);
  if (name == "evolution") return make_regularized_evolution(c);
  if (name == "local") return make_local_search(c);
  if (name == "params") return make_params_search(c);
  if (name == "nsga2") return make_nsga2_search(c);
  validate_bo(bo);
  if (name == "bowl") return make_bowl_search(c, bo);
  if (name == "tnas" || name == "gp") return make_deep_kernel_bo(c, deep_kernel_settings(bo, name == "tnas"));
  if (name == "parego") {
    if (bo.parego_model != "bowl" && bo.parego_model != "tnas") throw Error("--parego-model must be bowl or tnas, got '" + bo.parego_model + "'");
    return make_parego_search(c, bo.parego_model == "tnas" ? make_deep_kernel_bo(c, deep_kernel_settings(bo, true)) : make_bowl_search(c, bo));
  }
  if (name == "tnas-mo") return make_tnas_mo_search(c, deep_kernel_settings(bo, true));
  if (is_multi_fidelity_method(name)) {
    validate_multi_fidelity(mf);
    return make_hyperband(name, c, name == "tnas-hb" ? deep_kernel_settings(bo, true) : bo, mf);
  }
  throw Error("unknown --method '" + name + "' (tnas, gp, bowl, random, evolution, local, params; multi-fidelity: sh, hyperband, bohb, "
              "tnas-hb; multi-objective: nsga2, parego, tnas-mo)");
}

}  // namespace tnas
