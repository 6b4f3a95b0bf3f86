#include "datasets/images/dataset_spec.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <sys/stat.h>

#include "basics/error.h"
#include "basics/memory_scope.h"
#include "datasets/images/dataset_kinds.h"

namespace tnas {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// "1-3,cat" -> {"1", "2", "3", "cat"}; a range needs two non-negative integers, low <= high.
std::vector<std::string> parse_class_list(const std::string& list, const std::string& spec) {
  std::vector<std::string> names;
  size_t begin = 0;
  while (begin <= list.size()) {
    const size_t comma = std::min(list.find(',', begin), list.size());
    const std::string item = list.substr(begin, comma - begin);
    if (item.empty()) throw Error("dataset spec '" + spec + "': empty class name in ?classes=");
    const size_t dash = item.find('-');
    const bool digits = item.find_first_not_of("0123456789-") == std::string::npos;
    if (dash != std::string::npos && digits && dash > 0 && dash + 1 < item.size()) {
      const long lo = std::stol(item.substr(0, dash)), hi = std::stol(item.substr(dash + 1));
      if (lo > hi || hi - lo > 1000000)
        throw Error("dataset spec '" + spec + "': bad class range '" + item + "'");
      for (long v = lo; v <= hi; ++v) names.push_back(std::to_string(v));
    } else {
      names.push_back(item);
    }
    begin = comma + 1;
  }
  return names;
}

// ?classes= selection, then (unless kept) the classes without images are left out; both said once.
ImageDataset select_classes(ImageDataset dataset, const DatasetSpec& spec, const LoadOptions& o) {
  if (!spec.classes.empty()) {
    std::vector<int> keep;
    for (const auto& name : spec.classes) {
      const auto it = std::find(dataset.class_names.begin(), dataset.class_names.end(), name);
      if (it == dataset.class_names.end())
        throw Error(spec.text + ": no class named '" + name + "' (?classes= takes class names)");
      keep.push_back(static_cast<int>(it - dataset.class_names.begin()));
    }
    dataset = keep_classes(dataset, keep);
  }
  if (o.keep_empty_classes) return dataset;
  std::vector<int64_t> count(dataset.num_classes(), 0);
  for (int32_t l : dataset.labels) ++count[l];
  std::vector<int> present;
  for (int k = 0; k < dataset.num_classes(); ++k)
    if (count[k] > 0) present.push_back(k);
  if (static_cast<int>(present.size()) == dataset.num_classes()) return dataset;
  std::fprintf(stderr, "note: %s: %d of %d classes have no images and are left out (%zu remain)\n",
               spec.text.c_str(), dataset.num_classes() - static_cast<int>(present.size()),
               dataset.num_classes(), present.size());
  return keep_classes(dataset, present);
}

}  // namespace

std::string data_cache_dir() {
  const std::string home = env_or("HOME", ".");
  return env_or("TNAS_DATA_CACHE", env_or("XDG_CACHE_HOME", home + "/.cache") + "/tnas");
}

std::string fashion_mnist_dir() {
  return env_or("TNAS_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist");
}

std::string DatasetSpec::name() const { return kind; }

namespace {

// "name size mtime-ns;" of a regular file, or of each regular file directly in a folder (sorted by name).
std::string files_identity(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  auto describe = [](const fs::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) return file.string() + " missing;";
    const long long mtime_ns = static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL +
                               static_cast<long long>(info.st_mtim.tv_nsec);
    return file.string() + " " + std::to_string(info.st_size) + " " + std::to_string(mtime_ns) + ";";
  };
  if (!fs::is_directory(path, error)) return describe(path);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, error))
    if (entry.is_regular_file(error)) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  std::string identity;
  for (const auto& file : files) identity += describe(file);
  return identity;
}

}  // namespace

std::string dataset_identity(const DatasetSpec& spec) {
  std::string identity = spec.text + "|";
  for (const std::string& file : find_dataset_kind(spec.kind, spec.text).files(spec))
    identity += files_identity(file);
  return identity;
}

DatasetSpec parse_dataset_spec(const std::string& text) {
  DatasetSpec s;
  s.text = text;
  std::string body = text;
  if (const size_t q = body.rfind("?classes="); q != std::string::npos) {
    s.classes = parse_class_list(body.substr(q + 9), text);
    body = body.substr(0, q);
  }
  const size_t at = body.rfind('@');
  if (at != std::string::npos) {
    const std::string split = body.substr(at + 1);
    if (is_dataset_split(split)) {
      s.split = split;
      body = body.substr(0, at);
    }
  }
  const size_t colon = body.find(':');
  s.kind = body.substr(0, colon);
  if (colon != std::string::npos) s.path = body.substr(colon + 1);
  const DatasetKind& kind = find_dataset_kind(s.kind, text);
  if (!kind.takes_path && colon != std::string::npos)
    throw Error("dataset spec '" + text + "': " + s.kind + " takes no path (it is the embedded default)");
  if (kind.takes_path && s.path.empty())
    throw Error("dataset spec '" + text + "': " + s.kind + " needs a path after ':'");
  if (const std::string problem = kind.path_problem ? kind.path_problem(s.path) : ""; !problem.empty())
    throw Error("dataset spec '" + text + "': " + problem);
  if (!s.split.empty() && std::find(kind.splits.begin(), kind.splits.end(), s.split) == kind.splits.end())
    throw Error("dataset spec '" + text + "': " + s.kind + " has no split '" + s.split + "'");
  return s;
}

ImageDataset load_dataset(const DatasetSpec& spec, const LoadOptions& options) {
  const MemoryScope scope("loading the dataset " + spec.text);
  ImageDataset d = find_dataset_kind(spec.kind, spec.text).read(spec);
  d.source = spec.text;
  return select_classes(std::move(d), spec, options);
}

}  // namespace tnas
