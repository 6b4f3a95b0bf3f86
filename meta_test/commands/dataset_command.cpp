// meta_test dataset info SPEC: what a dataset spec loads to, as JSON.
#include <iostream>
#include <nlohmann/json.hpp>

#include "basics/cli/cli_options.h"
#include "datasets/images/dataset_kinds.h"
#include "datasets/images/dataset_spec.h"
#include "meta_test/commands/commands.h"

namespace tnas {

int run_dataset_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Describe a dataset: meta_test dataset info SPEC\nSPEC: " + dataset_kind_usages() +
          ", optionally @train, @test or @val, and ?classes=LIST.\nPrints JSON: images, classes, shape, "
          "per-class counts, source.");
  options.add_options()("action", "info", cxxopts::value<std::string>())("spec", "Dataset spec",
                                                                         cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"action", "spec"});
  options.positional_help("info SPEC");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (!args.count("action") || args["action"].as<std::string>() != "info")
    throw Error("expected 'info SPEC' (see --help)");
  if (!args.count("spec")) throw Error("missing dataset SPEC (see --help)");

  const ImageDataset d = load_dataset(args["spec"].as<std::string>());
  std::vector<int64_t> counts(d.num_classes(), 0);
  for (int32_t l : d.labels) ++counts[l];
  nlohmann::json per_class = nlohmann::json::object();
  for (int c = 0; c < d.num_classes(); ++c) per_class[d.class_names[c]] = counts[c];
  const nlohmann::json out = {{"source", d.source},
                              {"images", d.size()},
                              {"classes", d.num_classes()},
                              {"shape", {d.channels, d.height, d.width}},
                              {"per_class", per_class}};
  std::cout << out.dump(2) << std::endl;
  return 0;
}

}  // namespace tnas
