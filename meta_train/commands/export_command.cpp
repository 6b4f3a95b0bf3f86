// meta_train export: a checkpoint as one TorchScript file (C++ torch::jit::load, Python torch.jit.load).
#include <cstdio>

#include "basics/cli/cli_options.h"
#include "meta_train/commands/commands.h"
#include "models/surrogate/surrogate.h"
#include "models/surrogate/torchscript_export.h"

namespace tnas {

int run_export_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Export a surrogate checkpoint as a TorchScript module: mean, variance = "
      "module(features, node_types) with features (classes, images, F) from "
      "module.featurize(images (N,3,32,32) in [0,1]) and node_types (B, 8) of NB201 op graphs; "
      "zero-shot accuracy predictions (percent) conditioned on the checkpoint's meta-training context.");
  options.add_options()("checkpoint", "Checkpoint folder", cxxopts::value<std::string>())(
      "out", "Output .pt", cxxopts::value<std::string>());
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "checkpoint", "DIR");
  require_option(args, "out", "FILE.pt");
  const Surrogate s = Surrogate::load(args["checkpoint"].as<std::string>(), "");
  export_torchscript(s, args["out"].as<std::string>());
  std::printf("wrote %s\n", args["out"].as<std::string>().c_str());
  return 0;
}

}  // namespace tnas
