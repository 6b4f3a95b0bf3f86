#include "meta_train/collect/curve_collection.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "basics/binary_file.h"
#include "basics/duration_text.h"
#include "basics/error.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/tables/learning_curve_table.h"
#include "graphs/spaces/search_space_factory.h"
#include "models/runtime/runtime.h"
#include "models/trainer/cell_trainer.h"
#include "models/trainer/configured_training.h"

namespace tnas {
namespace {

constexpr const char* kHeader = "arch,epoch,valid_acc,test_acc,seconds\n";

std::string text_of(const std::vector<uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }

// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// What makes two tables (or two shards) the same collection.
nlohmann::json collection_settings(const CurveCollectOptions& options, int epochs) {
  const ComputeDevice device = resolve_device(options.device);
  return {{"kind", "learning curves"},
          {"source", options.source},
          {"space", options.space},
          {"configs", options.configs},
          {"epochs", epochs},
          {"preset", to_json(options.preset)},
          {"seed", options.seed},
          {"device", enum_name(device)},
          {"mode", enum_name(resolve_train_mode(options.mode, device))}};
}

nlohmann::json read_sidecar(const std::string& table) {
  const std::string path = table + ".json";
  if (!std::filesystem::exists(path)) throw Error(path + ": missing (the settings of " + table + ")");
  try {
    return nlohmann::json::parse(text_of(read_file_bytes(path)));
  } catch (const nlohmann::json::exception&) {
    throw Error(path + ": not valid JSON");
  }
}

// The CSV rows of one configuration's curve.
std::string curve_rows(const std::string& arch, const std::vector<EpochRecord>& curve) {
  std::string rows;
  char line[160];
  for (const auto& e : curve) {
    std::snprintf(line, sizeof line, ",%d,%.4f,%.4f,%.4f\n", e.epoch, e.valid_acc, e.test_acc, e.seconds);
    rows += csv_field(arch) + line;
  }
  return rows;
}

}  // namespace

std::vector<std::string> plan_curves(const CurveCollectOptions& options) {
  const std::unique_ptr<SearchSpace> space = make_search_space(options.space);
  const int64_t most = space->size() < 0 ? 100000 : std::min<int64_t>(space->size(), 100000);
  if (options.configs < 1 || options.configs > most)
    throw Error("--configs must be in 1.." + std::to_string(most) + " (the " + space->name() +
                " space), got " + std::to_string(options.configs));
  Rng rng(options.seed);
  std::set<std::string> keys;
  std::vector<std::string> plan;
  for (int64_t attempt = 0; static_cast<int>(plan.size()) < options.configs; ++attempt) {
    if (attempt > 100LL * options.configs)
      throw Error("cannot draw " + std::to_string(options.configs) + " distinct configurations");
    const Arch a = space->sample(rng);
    if (keys.insert(space->iso_key(a)).second) plan.push_back(space->format(a));
  }
  return plan;
}

int run_curve_collection(const CurveCollectOptions& options,
                         const std::function<void(const std::string&)>& progress) {
  if (options.shards < 1 || options.shard < 0 || options.shard >= options.shards)
    throw Error("--shard i/n needs 0 <= i < n");
  if (options.epochs < 0) throw Error("--curve-epochs must be >= 0, got " + std::to_string(options.epochs));
  const std::unique_ptr<SearchSpace> space = make_search_space(options.space);
  require_trainable(*space);
  const std::vector<std::string> plan = plan_curves(options);
  const ImageDataset source = load_dataset(options.source);
  ProxyPreset preset = options.preset;
  const int epochs = options.epochs > 0 ? options.epochs : preset.epochs_for(source.channels);
  preset.epochs = preset.grayscale_epochs = epochs;
  const nlohmann::json settings = collection_settings(options, epochs);

  std::string content = kHeader;
  std::set<std::string> done;
  if (std::filesystem::exists(options.out)) {
    const nlohmann::json recorded = read_sidecar(options.out);
    if (recorded.value("settings", nlohmann::json()) != settings)
      throw Error(options.out + ": holds curves collected with other settings (" + options.out +
                  ".json); use a new --out or the same options");
    const LearningCurveTable table = LearningCurveTable::read(options.out);
    done.insert(table.archs().begin(), table.archs().end());
    content = text_of(read_file_bytes(options.out));
  } else {
    std::filesystem::path parent = std::filesystem::path(options.out).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    write_text_atomically(
        options.out + ".json",
        nlohmann::json{{"settings", settings},
                       {"shard", std::to_string(options.shard) + "/" + std::to_string(options.shards)},
                       {"versions", runtime_versions()}}
                .dump(2) +
            "\n");
  }
  std::vector<size_t> pending;
  size_t mine = 0;
  for (size_t i = 0; i < plan.size(); ++i)
    if (static_cast<int>(i % options.shards) == options.shard && ++mine && !done.count(plan[i]))
      pending.push_back(i);
  progress("collect --curves: " + std::to_string(mine) + " configurations in this shard, " +
           std::to_string(mine - pending.size()) + " done, " + std::to_string(pending.size()) +
           " to train for " + std::to_string(epochs) + " epochs each");

  const EvaluationData data = prepare_evaluation_data(source, nullptr, preset, options.seed);
  const auto start = std::chrono::steady_clock::now();
  int trained = 0;
  for (size_t i : pending) {
    const ConfiguredTraining trainee =
        configure_training(*space, space->parse(plan[i]), preset);  // jahs: its hyperparameters
    TrainOptions train;
    train.seed = options.seed * 1000003ULL + i;
    train.device = options.device;
    train.mode = options.mode;
    train.learning_curve = true;
    const TrainResult r = train_and_evaluate(trainee.network, data, trainee.preset, train);
    content += curve_rows(plan[i], r.curve);
    write_text_atomically(options.out, content);
    ++trained;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[512];
    std::snprintf(
        line, sizeof line, "[%zu/%zu] %s: valid %.2f%%, test %.2f%% after %d epochs (%.1f s) | ETA %s",
        mine - pending.size() + trained, mine, plan[i].c_str(), r.valid_acc, r.test_acc, epochs, r.seconds,
        format_duration(elapsed / trained * static_cast<double>(pending.size() - trained)).c_str());
    progress(line);
  }
  return trained;
}

void merge_curve_tables(const std::vector<std::string>& inputs, const std::string& out) {
  if (inputs.empty()) throw Error("merge --curves: no input tables");
  nlohmann::json settings, shards = nlohmann::json::array();
  std::string content = kHeader;
  std::set<std::string> seen;
  for (const auto& path : inputs) {
    const nlohmann::json sidecar = read_sidecar(path);
    shards.push_back({{"file", path},
                      {"shard", sidecar.value("shard", "")},
                      {"versions", sidecar.value("versions", nlohmann::json())}});
    const nlohmann::json s = sidecar.value("settings", nlohmann::json());
    if (settings.is_null())
      settings = s;
    else if (s != settings)
      throw Error(path + ": collected with other settings than " + inputs.front());
    const LearningCurveTable table = LearningCurveTable::read(path);
    for (const auto& arch : table.archs()) {
      if (!seen.insert(arch).second) continue;
      std::vector<EpochRecord> curve;
      const auto& points = *table.curve(arch);
      for (size_t e = 0; e < points.size(); ++e)
        curve.push_back(
            {static_cast<int>(e + 1), points[e].valid_acc, points[e].test_acc, 0, points[e].seconds});
      content += curve_rows(arch, curve);
    }
  }
  write_text_atomically(out, content);
  write_text_atomically(
      out + ".json",
      nlohmann::json{{"settings", settings}, {"merged_from", shards}, {"versions", runtime_versions()}}.dump(
          2) +
          "\n");
}

}  // namespace tnas
