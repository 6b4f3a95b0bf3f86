#include "datasets/meta/metad2a_import.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "basics/strict_number.h"
#include "datasets/formats/csv_table.h"
#include "datasets/images/dataset_spec.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "tnas_version.h"

namespace tnas {
namespace {

std::vector<int32_t> parse_classes(const std::string& text, const std::string& where) {
  std::vector<int32_t> classes;
  std::istringstream in(text);
  for (std::string tok; in >> tok;) {
    const std::optional<int> parsed = parse_int(tok);
    if (!parsed) throw Error(where + ": class id '" + tok + "' is not an integer");
    const int v = *parsed;
    if (v < 1 || v > 1000) throw Error(where + ": class id " + tok + " is outside 1..1000 (1-based)");
    classes.push_back(v - 1);
  }
  if (classes.empty()) throw Error(where + ": empty class list");
  return classes;
}

// The database rows held out for validation: the split file's first `validation_rows` lines.
std::set<long long> read_heldout_rows(const MetaD2AImportOptions& options) {
  std::set<long long> heldout_rows;
  if (options.split_file.empty()) return heldout_rows;
  std::ifstream in(options.split_file);
  if (!in) throw Error(options.split_file + ": cannot open");
  std::string line;
  for (int i = 0; i < options.validation_rows && std::getline(in, line); ++i) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();  // CRLF
    const auto row = parse_integer(line);
    if (!row) throw Error(options.split_file + ": line " + std::to_string(i + 1) + " is not a row number");
    heldout_rows.insert(*row);
  }
  if (static_cast<int>(heldout_rows.size()) != options.validation_rows)
    throw Error(options.split_file + ": expected " + std::to_string(options.validation_rows) +
                " distinct validation rows");
  return heldout_rows;
}

// Each task's classes as the task-classes file lists them (empty without the file).
std::map<long long, std::vector<int32_t>> read_reference_classes(const MetaD2AImportOptions& options) {
  std::map<long long, std::vector<int32_t>> reference_classes;
  if (options.task_classes_csv.empty()) return reference_classes;
  const CsvTable tc = read_csv(options.task_classes_csv);
  const size_t id = tc.column("task_id"), cl = tc.column("classes_imagenet32_1based");
  for (size_t r = 0; r < tc.rows.size(); ++r)
    reference_classes[tc.integer(r, id)] =
        parse_classes(tc.rows[r][cl], options.task_classes_csv + ": line " + std::to_string(r + 2));
  return reference_classes;
}

// The imagenet32 source of the tasks, with its images' count per class when --images gives them (-1 each
// otherwise: unknown); says in the meta-dataset's protocol which rows get no dataset embedding.
MetaSource image_source(const MetaD2AImportOptions& options, MetaDataset& meta_dataset,
                        std::vector<int64_t>& per_class) {
  MetaSource images{"imagenet32", "imagenet32", "", 0, 1000, ""};
  per_class.assign(1000, -1);
  if (options.images.empty()) return images;
  const ImageDataset src =
      load_dataset(options.images, LoadOptions{true});  // class ids index the 1,000 labels
  if (src.num_classes() != 1000 || src.height != 32)
    throw Error(options.images +
                ": expected 32x32 Imagenet images with 1,000 labels (an imagenet32:DIR spec)");
  images.path = options.images;
  images.n_images = src.size();
  std::fill(per_class.begin(), per_class.end(), 0);
  for (int32_t l : src.labels) ++per_class[l];
  nlohmann::json config = nlohmann::json::parse(meta_dataset.proxy_config);
  config["images"] = options.images;
  config["rows_without_images"] = "a task none of whose classes has images in " + options.images +
                                  " gets no dataset embedding: fit leaves its rows out when the dataset "
                                  "embedding is on";
  meta_dataset.proxy_config = config.dump();
  return images;
}

}  // namespace

MetaDataset import_metad2a(const MetaD2AImportOptions& options) {
  const CsvTable db = read_csv(options.database_csv);
  const size_t c_row = db.column("row"), c_task = db.column("task_id"), c_arch = db.column("arch_str"),
               c_acc = db.column("acc"), c_classes = db.column("task_classes");
  const std::set<long long> heldout_rows = read_heldout_rows(options);
  const std::map<long long, std::vector<int32_t>> reference_classes = read_reference_classes(options);

  MetaDataset d;
  d.created_by = std::string("tnas ") + TNAS_VERSION + " (import-metad2a)";
  d.proxy_config =
      nlohmann::json{{"protocol", "MetaD2A: NB201 cell, C=16, N=5, 20-class ImageNet-32 subtasks"},
                     {"imported_from", options.database_csv}}
          .dump();
  d.search_space = "nb201";
  std::vector<int64_t> per_class;
  const MetaSource images = image_source(options, d, per_class);
  const int32_t source = d.source_index(images);

  Nb201MacroConfig net;
  net.num_classes = 20;
  std::map<long long, int32_t> task_index;
  std::set<long long> seen_rows;
  for (size_t r = 0; r < db.rows.size(); ++r) {
    const std::string where = options.database_csv + ": line " + std::to_string(r + 2);
    const long long row = db.integer(r, c_row);
    if (!seen_rows.insert(row).second) throw Error(where + ": duplicate row number " + std::to_string(row));
    const long long task_id = db.integer(r, c_task);
    const auto classes = parse_classes(db.rows[r][c_classes], where);
    if (!reference_classes.empty()) {
      auto it = reference_classes.find(task_id);
      if (it == reference_classes.end() || it->second != classes)
        throw Error(where + ": task " + std::to_string(task_id) + " has other classes than in " +
                    options.task_classes_csv);
    }
    auto [it, fresh] = task_index.emplace(task_id, static_cast<int32_t>(d.tasks.size()));
    if (fresh) {
      int32_t with_images = options.images.empty() ? -1 : 0;
      for (int32_t c : classes) with_images += !options.images.empty() && per_class[c] > 0;
      d.tasks.push_back({source, classes, static_cast<uint64_t>(task_id), -1, with_images});
    } else if (d.tasks[it->second].classes != classes) {
      throw Error(where + ": task " + std::to_string(task_id) + " appears with two different class lists");
    }
    Nb201Cell cell;
    try {
      cell = Nb201Cell::parse(db.rows[r][c_arch]);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    MetaArch arch{{}, cell.to_string()};
    for (Nb201Op op : cell.ops()) arch.ops.push_back(static_cast<int32_t>(op));
    MetaResult res;
    res.task = it->second;
    res.arch = d.arch_index(arch);
    res.valid_acc = res.test_acc = db.number(r, c_acc);
    if (res.valid_acc < 0 || res.valid_acc > 100) throw Error(where + ": accuracy outside 0..100");
    res.params = nb201_param_count(cell, net);
    res.flops = nb201_flops(cell, net);
    res.heldout = heldout_rows.count(row) ? 1 : 0;
    d.results.push_back(res);
  }
  for (long long row : heldout_rows)
    if (!seen_rows.count(row))
      throw Error(options.split_file + ": row " + std::to_string(row) + " is not in the database");
  return d;
}

}  // namespace tnas
