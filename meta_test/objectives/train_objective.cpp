// train: the NB201 network trained on the target dataset with a proxy preset (models/trainer/cell_trainer.h);
// the search sees validation accuracy, test accuracy is reported. In the jahs space a configuration's
// hyperparameters replace the preset's learning rate and weight decay, and set the activation and
// TrivialAugment. A request's fidelity overrides the preset's
// epochs, cells per stage (depth), channels (width) and image size (resolution: a fraction of the preset's,
// rounded to a multiple of 4) and images per class. With a state folder (multi-fidelity searches) every
// trial's final training state is kept there, and a request with previous_epochs continues that
// configuration's state instead of training from scratch: the learning-rate schedule spans schedule_epochs,
// so the continued run ends exactly where an uninterrupted one would (models/trainer/cell_trainer.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "basics/error.h"
#include "basics/stable_hash.h"
#include "datasets/images/dataset_spec.h"
#include "meta_test/objectives/objective.h"
#include "models/trainer/cell_trainer.h"
#include "models/trainer/configured_training.h"

namespace tnas {
namespace {

// The group of every class of `source`: from a file of "class name,group" lines ('#' starts a comment), or
// each class its own group. Throws tnas::Error naming the file and line for an unknown class, a class given
// twice or a class left out.
std::vector<std::string> read_class_groups(const std::string& path, const ImageDataset& source) {
  std::vector<std::string> group(source.class_names.begin(), source.class_names.end());
  if (path.empty()) return group;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw Error(path + ": not a file of \"class name,group\" lines (--groups)");
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot be read (--groups)");
  std::map<std::string, size_t> index;
  for (size_t c = 0; c < source.class_names.size(); ++c) index[source.class_names[c]] = c;
  std::vector<bool> seen(group.size(), false);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    const std::string where = path + ":" + std::to_string(number);
    if (comma == std::string::npos || comma == 0 || comma + 1 == line.size())
      throw Error(where + ": expected 'class name,group'");
    const auto it = index.find(line.substr(0, comma));
    if (it == index.end())
      throw Error(where + ": no class '" + line.substr(0, comma) + "' in " + source.source);
    if (seen[it->second]) throw Error(where + ": class '" + it->first + "' is given twice");
    seen[it->second] = true;
    group[it->second] = line.substr(comma + 1);
  }
  for (size_t c = 0; c < seen.size(); ++c)
    if (!seen[c]) throw Error(path + ": class '" + source.class_names[c] + "' has no group");
  return group;
}

class TrainObjective final : public Objective {
 public:
  TrainObjective(const ObjectiveSettings& settings, const SearchSpace& space)
      : settings_(settings), preset_(find_preset(settings.preset)), space_(space) {
    if (settings.dataset.empty()) throw Error("the train objective needs --dataset");
    source_ = load_dataset(settings.dataset);
    if (source_.num_classes() < 2)
      throw Error(settings.dataset + ": a dataset needs at least 2 classes to train a classifier, it has " +
                  std::to_string(source_.num_classes()));
    if (!settings.test_dataset.empty()) test_ = load_dataset(settings.test_dataset);
    group_of_ = read_class_groups(settings.groups, source_);
    device_ = resolve_device(settings.device);
    mode_ = resolve_train_mode(settings.mode, device_);
    data_seed_ = settings.seed;
  }
  TrialResult evaluate(const TrialRequest& request) override {
    const ConfiguredTraining run = configure_training(space_, request.config, at_fidelity(request.fidelity));
    const ProxyPreset& preset = run.preset;
    // The same data draw for every cell of a search (seed of the search), a training seed per trial.
    const EvaluationData data = prepare_evaluation_data(
        source_, settings_.test_dataset.empty() ? nullptr : &test_, preset, data_seed_);
    TrainOptions o;
    o.seed = request.seed;
    o.device = device_;
    o.mode = mode_;
    o.schedule_epochs = settings_.schedule_epochs;
    o.measure_latency = settings_.measure_latency;
    o.measure_robustness = settings_.measure_robustness;
    o.measure_memory = settings_.measure_memory;
    if (!settings_.state_dir.empty()) {
      o.save_to = state_path(request, preset.epochs);
      // A state that is gone (a deleted folder) means training from scratch: the same result, at full cost;
      // the trial's details say so.
      const std::string previous = state_path(request, request.previous_epochs);
      if (request.previous_epochs > 0 && std::filesystem::exists(previous)) o.resume_from = previous;
    }
    const TrainResult t = train_and_evaluate(run.network, data, preset, o);
    TrialResult r;
    r.ok = true;
    r.metrics = {{"accuracy", t.valid_acc},
                 {"test_accuracy", t.test_acc},
                 {"params", static_cast<double>(t.params)},
                 {"flops", static_cast<double>(t.flops)}};
    add_group_metrics(t.valid_acc_per_class, r.metrics);
    r.metrics["calibration_error"] = t.calibration_error;
    if (settings_.measure_robustness) r.metrics["robust_accuracy"] = t.robust_accuracy;
    if (t.latency_ms > 0) r.metrics["latency_ms"] = t.latency_ms, r.metrics["latency64_ms"] = t.latency64_ms;
    if (settings_.measure_memory) r.metrics["memory_mb"] = static_cast<double>(t.memory.total_bytes()) / 1e6;
    r.cost.epochs = t.epochs - t.start_epoch;
    r.cost.seconds = t.seconds;
    r.details = to_json(t);
    if (request.previous_epochs > 0 && o.resume_from.empty()) r.details["state_missing"] = true;
    return r;
  }
  nlohmann::json describe() const override {
    nlohmann::json j = {{"kind", "train"},
                        {"dataset", settings_.dataset},
                        {"test_dataset", settings_.test_dataset},
                        {"preset", to_json(preset_)},
                        {"device", enum_name(device_)},
                        {"mode", enum_name(mode_)},
                        {"data_seed", data_seed_},
                        {"maximizes", "valid_acc"}};
    if (settings_.schedule_epochs > 0) j["schedule_epochs"] = settings_.schedule_epochs;
    if (!settings_.state_dir.empty()) j["state_dir"] = settings_.state_dir;
    if (!settings_.groups.empty())
      j["groups"] = settings_.groups;  // else each class its own group, as before
    if (settings_.measure_latency) j["latency"] = "measured";
    if (settings_.measure_robustness) j["robustness"] = "measured";
    if (settings_.measure_memory) j["memory"] = "measured";
    return j;
  }
  bool needs_images() const override { return true; }
  std::optional<std::vector<std::string>> reported_metrics() const override {
    std::vector<std::string> metrics = {"accuracy", "fairness_gap", "worst_group_acc", "calibration_error"};
    if (settings_.measure_latency) metrics.insert(metrics.end(), {"latency_ms", "latency64_ms"});
    if (settings_.measure_robustness) metrics.push_back("robust_accuracy");
    if (settings_.measure_memory) metrics.push_back("memory_mb");
    return metrics;
  }
  bool reports_epochs() const override { return true; }

 private:
  // fairness_gap: the best group's validation accuracy minus the worst's; worst_group_acc (groups_ of
  // classes).
  void add_group_metrics(const std::vector<double>& per_class, std::map<std::string, double>& metrics) const {
    std::map<std::string, std::pair<double, int>> groups;  // group -> (sum of class accuracies, classes)
    for (size_t c = 0; c < per_class.size() && c < group_of_.size(); ++c) {
      auto& [sum, n] = groups[group_of_[c]];
      sum += per_class[c];
      ++n;
    }
    double lo = 1e300, hi = -1e300;
    for (const auto& [g, v] : groups)
      lo = std::min(lo, v.first / v.second), hi = std::max(hi, v.first / v.second);
    if (groups.empty()) return;
    metrics["fairness_gap"] = hi - lo;
    metrics["worst_group_acc"] = lo;
  }

  // Where the training state of a request's configuration (at its seed and other fidelities) after `epochs`
  // epochs is kept: the configuration and fidelities hashed (FNV-1a, the same on every platform).
  std::string state_path(const TrialRequest& request, int epochs) const {
    Fidelity other = request.fidelity;
    other.epochs = 0;
    const std::string key =
        space_.format(request.config) + "|" + other.describe() + "|" + std::to_string(request.seed);
    char name[64];
    std::snprintf(name, sizeof name, "%016llx-e%d.pt", static_cast<unsigned long long>(stable_hash(key)),
                  epochs);
    return (std::filesystem::path(settings_.state_dir) / name).string();
  }

  ProxyPreset at_fidelity(const Fidelity& f) const {
    if (f.epochs < 0 || f.depth < 0 || f.width < 0 || f.images_per_class < 0 ||
        !(f.resolution >= 0 && f.resolution <= 1))
      throw Error("fidelity " + f.describe() +
                  ": epochs, depth, width and images per class must be >= 0 and resolution in (0, 1]");
    ProxyPreset p = preset_;
    if (f.epochs > 0) p.epochs = p.grayscale_epochs = f.epochs;
    if (f.depth > 0) p.cells_per_stage = f.depth;
    if (f.width > 0) p.channels = f.width;
    if (f.images_per_class > 0) p.images_per_class = f.images_per_class;
    if (f.resolution > 0 && preset_.resolution == 0)
      throw Error("fidelity " + f.describe() + ": preset " + preset_.name +
                  " trains at each source's own resolution, so a resolution fidelity has nothing to scale");
    if (f.resolution > 0)
      p.resolution = std::max(4, 4 * static_cast<int>(std::lround(preset_.resolution * f.resolution / 4)));
    return p;
  }

  ObjectiveSettings settings_;
  ProxyPreset preset_;
  ImageDataset source_, test_;
  ComputeDevice device_ = ComputeDevice::kCpu;
  TrainingMode mode_ = TrainingMode::kStrict;
  uint64_t data_seed_ = 0;
  std::vector<std::string> group_of_;  // per class
  const SearchSpace& space_;
};

}  // namespace

std::unique_ptr<Objective> make_train_objective(const ObjectiveSettings& settings, const SearchSpace& space) {
  require_trainable(space);  // before the dataset loads
  return std::make_unique<TrainObjective>(settings, space);
}

}  // namespace tnas
