#include "meta_test/search_methods.h"

#include "graphs/error.h"

namespace tnas {

std::unique_ptr<SearchMethod> make_search_method(const std::string& name, const SearchContext& c, const BayesOptSettings& bo) {
  if (name == "random") return make_random_search(c);
  if (name == "evolution") return make_regularized_evolution(c);
  if (name == "local") return make_local_search(c);
  if (name == "params") return make_params_search(c);
  if (bo.acquisition != "ei" && bo.acquisition != "ucb") throw Error("--acquisition must be ei or ucb, got '" + bo.acquisition + "'");
  if (bo.acquisition_pool != "mutations" && bo.acquisition_pool != "all")
    throw Error("--acquisition-pool must be mutations or all, got '" + bo.acquisition_pool + "'");
  if (bo.mutation_parents < 1) throw Error("--mutation-parents must be >= 1, got " + std::to_string(bo.mutation_parents));
  if (bo.warm_start_distance < 1 || bo.warm_start_distance > kNb201NumEdges)
    throw Error("--warm-start-distance must be in 1..6, got " + std::to_string(bo.warm_start_distance));
  if (bo.warm_start < 0) throw Error("--warm-start must be >= 0, got " + std::to_string(bo.warm_start));
  if (name == "bowl") return make_bowl_search(c, bo);
  if (name == "tnas" || name == "gp") {
    if (bo.warm_start_from != "zero-shot" && bo.warm_start_from != "meta-data" && bo.warm_start_from != "random")
      throw Error("--warm-start-from must be zero-shot, meta-data or random");
    if (bo.dataset_embedding != "fixed" && bo.dataset_embedding != "per-step")
      throw Error("--dataset-embedding must be fixed or per-step, got '" + bo.dataset_embedding + "'");
    if (bo.finetune_steps < 0) throw Error("--finetune-steps must be >= 0, got " + std::to_string(bo.finetune_steps));
    if (bo.kernel != "deep" && bo.kernel != "additive") throw Error("--kernel must be deep or additive, got '" + bo.kernel + "'");
    if (bo.adapt != "hyperparameters" && bo.adapt != "mlp") throw Error("--adapt must be hyperparameters or mlp, got '" + bo.adapt + "'");
    if (!(bo.mlp_lr > 0 && bo.mlp_lr < 1)) throw Error("--mlp-lr must be in (0, 1), got " + std::to_string(bo.mlp_lr));
    BayesOptSettings s = bo;
    s.meta_trained = name == "tnas";
    if (!s.meta_trained) s.kernel = "deep";  // gp: the deep kernel without meta-training, nothing to add
    if (s.meta_trained && s.checkpoint.empty()) throw Error("method tnas needs --checkpoint DIR");
    return make_deep_kernel_bo(c, s);
  }
  throw Error("unknown --method '" + name + "' (tnas, gp, bowl, random, evolution, local, params)");
}

}  // namespace tnas
