#include "datasets/meta/meta_dataset_csv.h"

#include <cstdio>
#include <string>

namespace tnas {
namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string exact(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

void write_meta_dataset_csv(std::ostream& out, const MetaDataset& data) {
  out << "result,task,source,classes,images_per_class,task_seed,arch,valid_acc,test_acc,epochs,params,flops,"
         "train_seconds,heldout\n";
  for (size_t i = 0; i < data.results.size(); ++i) {
    const MetaResult& result = data.results[i];
    const MetaTask& task = data.tasks.at(result.task);
    std::string classes;
    for (const int32_t label : task.classes) classes += (classes.empty() ? "" : " ") + std::to_string(label);
    out << i << ',' << result.task << ',' << csv_field(data.sources.at(task.source).name) << ',' << classes
        << ',' << task.images_per_class << ',' << task.seed << ','
        << csv_field(data.archs.at(result.arch).string) << ',' << exact(result.valid_acc) << ','
        << exact(result.test_acc) << ',' << result.epochs << ',' << result.params << ',' << result.flops
        << ',' << exact(result.train_seconds) << ',' << static_cast<int>(result.heldout) << '\n';
  }
}

}  // namespace tnas
