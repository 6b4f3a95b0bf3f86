// meta_train fit: learn the surrogate on a meta-dataset and write a checkpoint.
#include <cstdio>

#include "basics/cli/cli_options.h"
#include "datasets/images/dataset_spec.h"
#include "meta_train/commands/commands.h"
#include "meta_train/fit/surrogate_fitter.h"
#include "models/proxies/proxy_inputs.h"

namespace tnas {
namespace {

// A repeatable NAME=VALUE option as a map; throws tnas::Error naming the option for a malformed item.
std::map<std::string, std::string> named_values(const cxxopts::ParseResult& args, const std::string& option) {
  std::map<std::string, std::string> values;
  if (!args.count(option)) return values;
  for (const auto& item : args[option].as<std::vector<std::string>>()) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error("--" + option + " must be NAME=VALUE, got '" + item + "'");
    values[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return values;
}

}  // namespace

int run_fit_command(int argc, char** argv) {
  FitOptions d;
  d.model.arch_hidden =
      128;  // the reference's 512 overfit our 1,800-pair meta-dataset within 2 epochs (bench/RESULTS.md)
  cxxopts::Options options(
      argv[0],
      "Meta-train the surrogate (dataset encoder + DAG-GRU arch encoder + deep-kernel GP) on a "
      "meta-dataset. Batches of (subtask, cell, accuracy) triples mixing subtasks; loss = -MLL "
      "of one GP per batch; Adam + ReduceLROnPlateau; labels z-scored. Validates on held-out "
      "pairs and held-out subtasks each epoch, keeps the best checkpoint by held-out-subtask "
      "Spearman in --out, and resumes from --out/last when restarted.");
  options.add_options()("meta", "Meta-dataset (.h5)", cxxopts::value<std::string>())(
      "out", "Checkpoint folder", cxxopts::value<std::string>())(
      "epochs", "Epochs", cxxopts::value<int>()->default_value(std::to_string(d.epochs)))(
      "batch", "Triples per GP batch", cxxopts::value<int>()->default_value(std::to_string(d.batch)))(
      "lr", "Adam learning rate", cxxopts::value<double>()->default_value("0.0003"))(
      "patience", "ReduceLROnPlateau patience (epochs)",
      cxxopts::value<int>()->default_value(std::to_string(d.plateau_patience)))(
      "heldout-tasks", "Fraction of subtasks held out", cxxopts::value<double>()->default_value("0.15"))(
      "heldout-pairs", "Fraction of pairs of training subtasks held out",
      cxxopts::value<double>()->default_value("0.1"))(
      "featurizer",
      "builtin-cnn, or the path of a TorchScript image backbone: float RGB (B, 3, 32, 32) in [0, 1] -> (B, "
      "F) "
      "(e.g. a ResNet-18 scripted with scripts/make_resnet18_featurizer.py); it is copied into the "
      "checkpoint",
      cxxopts::value<std::string>()->default_value("builtin-cnn"))(
      "feature-cache", "Folder of the per-source feature cache",
      cxxopts::value<std::string>()->default_value(data_cache_dir() + "/features"))(
      "no-feature-cache", "Compute the image features without reading or writing the cache")(
      "featurizer-epochs", "Epochs of the built-in featurizer",
      cxxopts::value<int>()->default_value(std::to_string(d.featurizer_epochs)))(
      "nz", "Size of the dataset and arch embeddings",
      cxxopts::value<int64_t>()->default_value(std::to_string(d.model.nz)))(
      "arch-hidden", "DAG-GRU hidden size",
      cxxopts::value<int64_t>()->default_value(std::to_string(d.model.arch_hidden)))(
      "no-dataset-embedding", "Ablation: a constant dataset embedding")(
      "proxy-inputs",
      "Zero-cost proxies of each (cell, subtask) read beside D and G, comma-separated (synflow, snip, "
      "grad_norm, fisher, naswot, jacov, params, flops), computed on 64 of the subtask's images and cached; "
      "searches with the checkpoint compute them on the target's images. none: the reference model",
      cxxopts::value<std::string>()->default_value("none"))(
      "protocol-inputs",
      "Condition the surrogate on the training protocol of each label (epochs, resolution, channels, cells, "
      "images per class, from each source's recorded preset); searches then state their target's protocol "
      "(--target-protocol)")(
      "source-protocol",
      "NAME=PROTOCOL: the training protocol of source NAME where the meta-dataset records none (e.g. "
      "MetaD2A's import): a preset and/or epochs=,resolution=,channels=,cells=,images= (repeatable)",
      cxxopts::value<std::vector<std::string>>())(
      "rank-loss",
      "Weight of a within-subtask ranking loss beside the -MLL (1 - Pearson of each subtask's cells "
      "predicted "
      "from the other subtasks; batches become whole subtasks); 0: the reference's loss",
      cxxopts::value<double>()->default_value("0"))(
      "select-by",
      "Keep the epoch with the best held-out-subtask Spearman: pooled (over their pairs) or within (the mean "
      "within-subtask Spearman)",
      cxxopts::value<std::string>()->default_value("pooled"))(
      "label",
      "What the surrogate learns to predict and is measured against: valid (each result's validation "
      "accuracy) or mean-of-valid-and-test (with its test accuracy: two disjoint image sets, half the "
      "measurement noise)",
      cxxopts::value<std::string>()->default_value("valid"))(
      "source",
      "NAME=SPEC: where the images of the meta-dataset's source NAME are (overrides its recorded path; "
      "repeatable), "
      "e.g. imagenet32=imagenet32:../shared/data/imagenet/imagenet32",
      cxxopts::value<std::vector<std::string>>())("seed", "Seed",
                                                  cxxopts::value<uint64_t>()->default_value("0"))(
      "device", "auto, cpu or cuda", cxxopts::value<std::string>()->default_value("auto"));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "meta", "FILE.h5");
  require_option(args, "out", "DIR");
  FitOptions o;
  o.meta_dataset = args["meta"].as<std::string>();
  o.out = args["out"].as<std::string>();
  o.epochs = args["epochs"].as<int>();
  o.batch = args["batch"].as<int>();
  o.learning_rate = args["lr"].as<double>();
  o.plateau_patience = args["patience"].as<int>();
  o.heldout_task_fraction = args["heldout-tasks"].as<double>();
  o.heldout_pair_fraction = args["heldout-pairs"].as<double>();
  o.featurizer_epochs = args["featurizer-epochs"].as<int>();
  if (const std::string f = args["featurizer"].as<std::string>(); f != "builtin-cnn") {
    o.model.featurizer = FeaturizerKind::kTorchScript;
    o.featurizer_path = f;
  }
  o.feature_cache_dir = args.count("no-feature-cache") ? "" : args["feature-cache"].as<std::string>();
  o.model.nz = args["nz"].as<int64_t>();
  o.model.arch_hidden = args["arch-hidden"].as<int64_t>();
  o.model.dataset_embedding = args.count("no-dataset-embedding") == 0;
  o.model.proxy_inputs = parse_zero_cost_proxy_list(args["proxy-inputs"].as<std::string>());
  o.model.protocol_inputs = args.count("protocol-inputs") > 0;
  o.source_specs = named_values(args, "source");
  o.source_protocols = named_values(args, "source-protocol");
  if (!o.source_protocols.empty() && !o.model.protocol_inputs)
    throw Error("--source-protocol states a source's protocol for --protocol-inputs: add --protocol-inputs");
  o.rank_loss_weight = args["rank-loss"].as<double>();
  o.selection = parse_fit_selection(args["select-by"].as<std::string>());
  o.label = enum_option<FitLabel>(args, "label");
  o.seed = args["seed"].as<uint64_t>();
  o.device = enum_option<ComputeDevice>(args, "device");
  if (o.epochs < 1 || o.batch < 2 || !(o.learning_rate > 0))
    throw Error("--epochs >= 1, --batch >= 2 and --lr > 0 are required");
  // Every number checked here, before any work, with the option's name (a zero size would surface as a
  // LibTorch stack trace deep inside the model).
  const auto require = [](bool ok, const std::string& what) {
    if (!ok) throw Error(what);
  };
  require(o.model.nz >= 1 && o.model.nz <= 1024,
          "--nz must be in 1..1024, got " + std::to_string(o.model.nz));
  require(o.model.arch_hidden >= 1 && o.model.arch_hidden <= 8192,
          "--arch-hidden must be in 1..8192, got " + std::to_string(o.model.arch_hidden));
  require(o.rank_loss_weight >= 0 && o.rank_loss_weight <= 1000,
          "--rank-loss must be in [0, 1000], got " + std::to_string(o.rank_loss_weight));
  require(o.plateau_patience >= 0, "--patience must be >= 0, got " + std::to_string(o.plateau_patience));
  require(o.featurizer_epochs >= 0,
          "--featurizer-epochs must be >= 0, got " + std::to_string(o.featurizer_epochs));
  require(o.heldout_task_fraction >= 0 && o.heldout_task_fraction < 1, "--heldout-tasks must be in [0, 1)");
  require(o.heldout_pair_fraction >= 0 && o.heldout_pair_fraction < 1, "--heldout-pairs must be in [0, 1)");
  const FitMetrics best = fit_surrogate(o, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  std::printf(
      "fit: best epoch %d: held-out subtasks spearman %.3f (within-subtask %.3f), held-out pairs spearman "
      "%.3f; checkpoint %s\n",
      best.epoch, best.task_spearman, best.task_spearman_within, best.pair_spearman, o.out.c_str());
  return 0;
}

}  // namespace tnas
