// meta_train data convert SPEC OUT.h5 | meta_train data import-metad2a --out FILE.h5 [...]
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "datasets/dataset_spec.h"
#include "datasets/h5_image_format.h"
#include "datasets/metad2a_import.h"
#include "meta_train/commands.h"
#include "models/cli_options.h"

namespace tnas {
namespace {

int convert(int argc, char** argv) {
  cxxopts::Options options(argv[0],
                           "Write a dataset in tnas' HDF5 image format: convert SPEC OUT.h5 [--rgb] [--resolution R]");
  options.add_options()("rgb", "Replicate grayscale images to 3 channels")(
      "resolution", "Area-average resize to R x R (0 = keep)", cxxopts::value<int>()->default_value("0"))(
      "spec", "Dataset spec", cxxopts::value<std::string>())("out", "Output .h5", cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"spec", "out"});
  options.positional_help("SPEC OUT.h5");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (!args.count("spec") || !args.count("out")) throw Error("convert needs SPEC and OUT.h5 (see --help)");
  const int resolution = args["resolution"].as<int>();
  if (resolution < 0 || resolution > 4096) throw Error("--resolution must be in 0..4096 (0 = keep), got " + std::to_string(resolution));
  ImageDataset d = load_dataset(args["spec"].as<std::string>());
  if (args.count("rgb")) d = to_rgb(d);
  if (resolution > 0) d = resize_area(d, resolution);
  const std::string out = args["out"].as<std::string>();
  write_h5_images(out, d);
  std::printf("wrote %s: %lld images, %d classes, %dx%dx%d\n", out.c_str(), static_cast<long long>(d.size()),
              d.num_classes(), d.channels, d.height, d.width);
  return 0;
}

int import_metad2a_command(int argc, char** argv) {
  cxxopts::Options options(argv[0],
                           "Import MetaD2A's meta-training database (CSV) into a tnas meta-dataset (HDF5).\n"
                           "Default inputs are read from $TNAS_SHARED_DATA/metad2a.");
  const char* env = std::getenv("TNAS_SHARED_DATA");
  const std::string dir = std::string(env && *env ? env : "../shared/data") + "/metad2a/";
  options.add_options()("db", "Database CSV", cxxopts::value<std::string>()->default_value(dir + "metad2a_meta_train_db.csv"))(
      "split", "Split file (first --validation rows are held out; '' = none)",
      cxxopts::value<std::string>()->default_value(dir + "metad2a_predictor_split_idx.txt"))(
      "validation", "Held-out rows", cxxopts::value<int>()->default_value("400"))(
      "task-classes", "Task class lists to cross-check ('' = skip)",
      cxxopts::value<std::string>()->default_value(dir + "metad2a_meta_train_task_classes.csv"))(
      "images", "Imagenet32 images of the tasks' classes, recorded as the source (e.g. imagenet32:$TNAS_SHARED_DATA/imagenet/imagenet32; "
      "'' = none: fit then needs --no-dataset-embedding or --source)",
      cxxopts::value<std::string>()->default_value(""))(
      "out", "Output meta-dataset .h5", cxxopts::value<std::string>());
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  require_option(args, "out", "FILE.h5");
  MetaD2AImportOptions o;
  o.images = args["images"].as<std::string>();
  o.database_csv = args["db"].as<std::string>();
  o.split_file = args["split"].as<std::string>();
  o.validation_rows = args["validation"].as<int>();
  o.task_classes_csv = args["task-classes"].as<std::string>();
  const MetaDataset d = import_metad2a(o);
  const std::string out = args["out"].as<std::string>();
  write_meta_dataset(out, d);
  size_t held = 0;
  for (const auto& r : d.results) held += r.heldout;
  std::printf("wrote %s: %zu results (%zu held out, %zu for training), %zu tasks, %zu distinct cells, source %s\n",
              out.c_str(), d.results.size(), held, d.results.size() - held, d.tasks.size(), d.archs.size(),
              d.sources.at(0).name.c_str());
  if (!o.images.empty()) {
    std::vector<size_t> rows_by_count(21, 0);
    for (const auto& r : d.results) ++rows_by_count[std::min(20, std::max(0, d.tasks[r.task].classes_with_images))];
    std::printf("classes with images per row (0..20):");
    for (size_t k = 0; k < rows_by_count.size(); ++k) std::printf(" %zu", rows_by_count[k]);
    std::printf("\nrows with no class with images: %zu (left out of fits with the dataset embedding)\n", rows_by_count[0]);
  }
  return 0;
}

}  // namespace

int run_data_command(int argc, char** argv) {
  const std::string usage = "usage: meta_train data convert SPEC OUT.h5 | meta_train data import-metad2a --out FILE.h5";
  if (argc < 2) throw Error(usage);
  const std::string action = argv[1];
  if (action == "--help" || action == "-h") {
    std::cout << usage << "\n(each action has --help)\n";
    return 0;
  }
  std::string argv0 = std::string(argv[0]) + " " + action;
  std::vector<char*> rest{argv0.data()};
  for (int i = 2; i < argc; ++i) rest.push_back(argv[i]);
  if (action == "convert") return convert(static_cast<int>(rest.size()), rest.data());
  if (action == "import-metad2a") return import_metad2a_command(static_cast<int>(rest.size()), rest.data());
  throw Error("unknown data action '" + action + "' (" + usage + ")");
}

}  // namespace tnas
