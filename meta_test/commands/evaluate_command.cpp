// meta_test evaluate: train one configuration (an NB201 cell, a JAHS or joint configuration, or a grammar
// architecture) on a dataset with a preset and print one JSON line.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "basics/cli/cli_options.h"
#include "datasets/images/dataset_spec.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/commands/commands.h"
#include "models/trainer/cell_trainer.h"
#include "models/trainer/configured_training.h"

namespace tnas {

int run_evaluate_command(int argc, char** argv) {
  std::string presets;
  for (const auto& n : preset_names()) presets += (presets.empty() ? "" : ", ") + n;
  cxxopts::Options options(
      argv[0],
      "Train the network of one configuration (the real objective: an NB201 cell in NB201's network, or a "
      "grammar architecture's network) and print one JSON "
      "line: valid_acc, test_acc (percent), train_loss, params_m, flops_m, seconds, preset "
      "(all its values), seed, device, versions.");
  options.add_options()(
      "arch",
      "Configuration: a cell string, with --space jahs CELL;activation=A;lr=X;wd=Y;trivial_augment=on|off, "
      "with a grammar space the architecture's string",
      cxxopts::value<std::string>())(
      "space",
      search_spaces_help() +
          " (a jahs configuration's learning rate, weight decay, activation and "
          "TrivialAugment replace the preset's)",
      cxxopts::value<std::string>()->default_value("nb201"))(
      "dataset", "Dataset spec (see `meta_test dataset --help`)", cxxopts::value<std::string>())(
      "test-dataset", "Test images from this spec instead of carving them from --dataset",
      cxxopts::value<std::string>())("preset", "Training preset: " + presets,
                                     cxxopts::value<std::string>()->default_value("fast"))(
      "epochs", "Override the preset's epochs (0 = keep)", cxxopts::value<int>()->default_value("0"))(
      "seed", "Seed of the data draw and the training runs", cxxopts::value<uint64_t>()->default_value("0"))(
      "device", "auto, cpu or cuda", cxxopts::value<std::string>()->default_value("auto"))(
      "mode",
      "strict (float32, contiguous), fast (channels-last; on CUDA also bf16 autocast, TF32, CUDA graphs) or "
      "auto (fast on CUDA, strict on CPU)",
      cxxopts::value<std::string>()->default_value("auto"));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "arch", "CELL");
  require_option(args, "dataset", "SPEC");

  const std::unique_ptr<SearchSpace> space = make_search_space(args["space"].as<std::string>());
  const Arch config = space->parse(args["arch"].as<std::string>());
  ProxyPreset base = find_preset(args["preset"].as<std::string>());
  const int epochs = args["epochs"].as<int>();
  if (epochs < 0 || epochs > 100000)
    throw Error("--epochs must be in 0..100000 (0 = the preset's), got " + std::to_string(epochs));
  if (epochs > 0) base.epochs = base.grayscale_epochs = epochs;
  const ConfiguredTraining run = configure_training(*space, config, base);
  const ProxyPreset& preset = run.preset;
  TrainOptions train;
  train.seed = args["seed"].as<uint64_t>();
  train.device = resolve_device(enum_option<ComputeDevice>(args, "device"));
  train.mode = enum_option<TrainingMode>(args, "mode");

  const ImageDataset source = load_dataset(args["dataset"].as<std::string>());
  ImageDataset test_source;
  if (args.count("test-dataset")) {
    test_source = load_dataset(args["test-dataset"].as<std::string>());
    // A test set of other classes or another image shape measures something else than the training set's
    // task: allowed (e.g. a deliberate domain shift), but said.
    if (test_source.class_names != source.class_names)
      std::fprintf(stderr, "warning: --test-dataset %s has other classes (%d) than --dataset %s (%d)\n",
                   test_source.source.c_str(), test_source.num_classes(), source.source.c_str(),
                   source.num_classes());
    if (test_source.channels != source.channels || test_source.height != source.height ||
        test_source.width != source.width)
      std::fprintf(stderr, "warning: --test-dataset %s has %dx%dx%d images, --dataset %s has %dx%dx%d\n",
                   test_source.source.c_str(), test_source.channels, test_source.height, test_source.width,
                   source.source.c_str(), source.channels, source.height, source.width);
  }
  const EvaluationData data = prepare_evaluation_data(
      source, args.count("test-dataset") ? &test_source : nullptr, preset, train.seed);
  const TrainResult r = train_and_evaluate(run.network, data, preset, train);

  nlohmann::json out = to_json(r);
  out["arch"] = space->format(config);
  out["dataset"] = source.source;
  out["images"] = {{"train", data.train.size()}, {"valid", data.valid.size()}, {"test", data.test.size()}};
  out["preset"] = to_json(preset);
  out["seed"] = train.seed;
  out["versions"] = runtime_versions();
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace tnas
