// meta_train data convert SPEC OUT.h5 | import-metad2a --out FILE.h5 [...] | info FILE.h5 [--json] |
// export FILE.h5 [--out FILE.csv]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/cli/cli_options.h"
#include "datasets/formats/h5_image_format.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/meta/meta_dataset.h"
#include "datasets/meta/meta_dataset_csv.h"
#include "datasets/meta/metad2a_import.h"
#include "meta_train/commands/commands.h"

namespace tnas {
namespace {

int convert(int argc, char** argv) {
  cxxopts::Options options(
      argv[0], "Write a dataset in tnas' HDF5 image format: convert SPEC OUT.h5 [--rgb] [--resolution R]");
  options.add_options()("rgb", "Replicate grayscale images to 3 channels")(
      "resolution", "Area-average resize to R x R (0 = keep)", cxxopts::value<int>()->default_value("0"))(
      "spec", "Dataset spec", cxxopts::value<std::string>())("out", "Output .h5",
                                                             cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"spec", "out"});
  options.positional_help("SPEC OUT.h5");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (!args.count("spec") || !args.count("out")) throw Error("convert needs SPEC and OUT.h5 (see --help)");
  const int resolution = args["resolution"].as<int>();
  if (resolution < 0 || resolution > 4096)
    throw Error("--resolution must be in 0..4096 (0 = keep), got " + std::to_string(resolution));
  const std::string out = args["out"].as<std::string>();
  require_file_destination(out);
  ImageDataset d = load_dataset(args["spec"].as<std::string>());
  if (args.count("rgb")) d = to_rgb(d);
  if (resolution > 0) d = resize_area(d, resolution);
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
  options.add_options()("db", "Database CSV",
                        cxxopts::value<std::string>()->default_value(dir + "metad2a_meta_train_db.csv"))(
      "split", "Split file (first --validation rows are held out; '' = none)",
      cxxopts::value<std::string>()->default_value(dir + "metad2a_predictor_split_idx.txt"))(
      "validation", "Held-out rows", cxxopts::value<int>()->default_value("400"))(
      "task-classes", "Task class lists to cross-check ('' = skip)",
      cxxopts::value<std::string>()->default_value(dir + "metad2a_meta_train_task_classes.csv"))(
      "images",
      "Imagenet32 images of the tasks' classes, recorded as the source (e.g. "
      "imagenet32:$TNAS_SHARED_DATA/imagenet/imagenet32; "
      "'' = none: fit then needs --no-dataset-embedding or --source)",
      cxxopts::value<std::string>()->default_value(""))("out", "Output meta-dataset .h5",
                                                        cxxopts::value<std::string>());
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
  std::printf(
      "wrote %s: %zu results (%zu held out, %zu for training), %zu tasks, %zu distinct cells, source %s\n",
      out.c_str(), d.results.size(), held, d.results.size() - held, d.tasks.size(), d.archs.size(),
      d.sources.at(0).name.c_str());
  if (!o.images.empty()) {
    std::vector<size_t> rows_by_count(21, 0);
    for (const auto& r : d.results)
      ++rows_by_count[std::min(20, std::max(0, d.tasks[r.task].classes_with_images))];
    std::printf("classes with images per row (0..20):");
    for (size_t k = 0; k < rows_by_count.size(); ++k) std::printf(" %zu", rows_by_count[k]);
    std::printf("\nrows with no class with images: %zu (left out of fits with the dataset embedding)\n",
                rows_by_count[0]);
  }
  return 0;
}

// Per source: what its labels are (protocol), how many, their range, and what collecting them cost.
nlohmann::json meta_dataset_info(const MetaDataset& md) {
  struct Stats {
    std::map<int, int> cells_per_task;
    size_t results = 0, heldout = 0, timed = 0;
    double sum = 0, min = 1e300, max = -1e300, seconds = 0;
  };
  std::vector<Stats> per(md.sources.size());
  for (const auto& r : md.results) {
    Stats& st = per[md.tasks[r.task].source];
    ++st.results, ++st.cells_per_task[r.task];
    st.heldout += r.heldout;
    st.sum += r.valid_acc, st.min = std::min(st.min, r.valid_acc), st.max = std::max(st.max, r.valid_acc);
    if (r.train_seconds >= 0) st.seconds += r.train_seconds, ++st.timed;
  }
  nlohmann::json out = {{"created_by", md.created_by},  {"search_space", md.search_space},
                        {"results", md.results.size()}, {"tasks", md.tasks.size()},
                        {"cells", md.archs.size()},     {"sources", nlohmann::json::array()}};
  for (size_t i = 0; i < md.sources.size(); ++i) {
    const Stats& st = per[i];
    nlohmann::json protocol;
    try {
      protocol = nlohmann::json::parse(md.proxy_config_of(static_cast<int32_t>(i)));
    } catch (const std::exception&) {
      protocol = md.proxy_config_of(static_cast<int32_t>(i));
    }
    nlohmann::json j = {{"name", md.sources[i].name},        {"path", md.sources[i].path},
                        {"tasks", st.cells_per_task.size()}, {"results", st.results},
                        {"heldout_flagged", st.heldout},     {"protocol", protocol}};
    if (st.results) {
      j["cells_per_task"] = static_cast<double>(st.results) / st.cells_per_task.size();
      j["valid_acc"] = {{"mean", st.sum / st.results}, {"min", st.min}, {"max", st.max}};
    }
    if (st.timed)
      j["collection_cpu_seconds"] = st.seconds;  // training time recorded per result (single-threaded runs)
    out["sources"].push_back(j);
  }
  return out;
}

// The options of an action whose one positional argument is a meta-dataset (FILE.h5, as "file"); nothing
// after --help.
std::optional<cxxopts::ParseResult> parse_meta_dataset_action(cxxopts::Options& options, int argc,
                                                              char** argv, const std::string& action) {
  options.add_options()("file", "Meta-dataset .h5", cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"file"});
  options.positional_help("FILE.h5");
  auto parsed = parse_command_line(options, argc, argv);
  if (parsed && !parsed->count("file")) throw Error(action + " needs FILE.h5 (see --help)");
  return parsed;
}

int info(int argc, char** argv) {
  cxxopts::Options options(argv[0],
                           "What a meta-dataset holds, per source: protocol, tasks, results, label range, "
                           "collection cost: info FILE.h5 [--json]");
  options.add_options()("json", "Print JSON");
  const auto parsed = parse_meta_dataset_action(options, argc, argv, "info");
  if (!parsed) return 0;
  const auto& args = *parsed;
  const nlohmann::json j = meta_dataset_info(read_meta_dataset(args["file"].as<std::string>()));
  if (args.count("json")) {
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("%s: %zu results, %zu tasks, %zu cells (%s; %s)\n", args["file"].as<std::string>().c_str(),
              j["results"].get<size_t>(), j["tasks"].get<size_t>(), j["cells"].get<size_t>(),
              j["search_space"].get<std::string>().c_str(), j["created_by"].get<std::string>().c_str());
  for (const auto& src : j["sources"]) {
    std::printf("  source %s (%s): %zu tasks, %zu results", src["name"].get<std::string>().c_str(),
                src["path"].get<std::string>().c_str(), src["tasks"].get<size_t>(),
                src["results"].get<size_t>());
    if (src.contains("valid_acc"))
      std::printf(", %.1f cells per task, valid accuracy %.2f (%.2f..%.2f)",
                  src["cells_per_task"].get<double>(), src["valid_acc"]["mean"].get<double>(),
                  src["valid_acc"]["min"].get<double>(), src["valid_acc"]["max"].get<double>());
    if (src.contains("collection_cpu_seconds"))
      std::printf(", collected in %.0f CPU-s", src["collection_cpu_seconds"].get<double>());
    std::printf("\n    protocol: %s\n", src["protocol"].dump().substr(0, 400).c_str());
  }
  return 0;
}

int export_csv(int argc, char** argv) {
  cxxopts::Options options(argv[0],
                           "A meta-dataset's results as CSV, one row per (subtask, configuration): export "
                           "FILE.h5 [--out FILE.csv] (columns: datasets/meta/meta_dataset_csv.h)");
  options.add_options()("out", "CSV file to write (atomically; default: standard output)",
                        cxxopts::value<std::string>());
  const auto parsed = parse_meta_dataset_action(options, argc, argv, "export");
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (args.count("out")) require_file_destination(args["out"].as<std::string>());
  const MetaDataset data = read_meta_dataset(args["file"].as<std::string>());
  std::ostringstream csv;
  write_meta_dataset_csv(csv, data);
  if (!args.count("out")) {
    std::cout << csv.str();
    return 0;
  }
  const std::string text = csv.str();
  write_file_atomically(args["out"].as<std::string>(), std::vector<uint8_t>(text.begin(), text.end()));
  std::fprintf(stderr, "wrote %s: %zu results\n", args["out"].as<std::string>().c_str(), data.results.size());
  return 0;
}

}  // namespace

int run_data_command(int argc, char** argv) {
  const std::string usage =
      "usage: meta_train data convert SPEC OUT.h5 | meta_train data import-metad2a --out FILE.h5 | "
      "meta_train data info FILE.h5 | meta_train data export FILE.h5 [--out FILE.csv]";
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
  if (action == "info") return info(static_cast<int>(rest.size()), rest.data());
  if (action == "export") return export_csv(static_cast<int>(rest.size()), rest.data());
  throw Error("unknown data action '" + action + "' (" + usage + ")");
}

}  // namespace tnas
