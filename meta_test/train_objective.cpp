// train: the NB201 network trained on the target dataset with a proxy preset (models/cell_trainer.h); the
// search sees validation accuracy, test accuracy is reported. In the jahs space a configuration's
// hyperparameters replace the preset's learning rate and weight decay, and set the activation and
// TrivialAugment. A request's fidelity overrides the preset's
// epochs, cells per stage (depth), channels (width) and image size (resolution: a fraction of the preset's,
// rounded to a multiple of 4).
#include <algorithm>
#include <cmath>

#include "datasets/dataset_spec.h"
#include "graphs/error.h"
#include "models/configured_training.h"
#include "meta_test/objective.h"
#include "models/cell_trainer.h"

namespace tnas {
namespace {

class TrainObjective final : public Objective {
 public:
  TrainObjective(const ObjectiveSettings& s, const SearchSpace& space) : settings_(s), preset_(find_preset(s.preset)), space_(space) {
    if (s.dataset.empty()) throw Error("the train objective needs --dataset");
    source_ = load_dataset(s.dataset);
    if (source_.num_classes() < 2)
      throw Error(s.dataset + ": a dataset needs at least 2 classes to train a classifier, it has " +
                  std::to_string(source_.num_classes()));
    if (!s.test_dataset.empty()) test_ = load_dataset(s.test_dataset);
    device_ = resolve_device(s.device);
    mode_ = resolve_train_mode(s.mode, device_);
    data_seed_ = s.seed;
  }
  TrialResult evaluate(const TrialRequest& request) override {
    const ConfiguredTraining run = configure_training(space_, request.config, at_fidelity(request.fidelity));
    const ProxyPreset& preset = run.preset;
    // The same data draw for every cell of a search (seed of the search), a training seed per trial.
    const EvaluationData data = prepare_evaluation_data(source_, settings_.test_dataset.empty() ? nullptr : &test_, preset, data_seed_);
    TrainOptions o;
    o.seed = request.seed;
    o.device = device_;
    o.mode = mode_;
    const TrainResult t = train_and_evaluate(run.cell, data, preset, o);
    TrialResult r;
    r.ok = true;
    r.metrics = {{"accuracy", t.valid_acc}, {"test_accuracy", t.test_acc}, {"params", static_cast<double>(t.params)},
                 {"flops", static_cast<double>(t.flops)}};
    r.cost.epochs = t.epochs;
    r.details = to_json(t);
    return r;
  }
  nlohmann::json describe() const override {
    return {{"kind", "train"}, {"dataset", settings_.dataset}, {"test_dataset", settings_.test_dataset},
            {"preset", to_json(preset_)}, {"device", device_}, {"mode", mode_}, {"data_seed", data_seed_}, {"maximizes", "valid_acc"}};
  }
  bool needs_images() const override { return true; }
  bool reports_epochs() const override { return true; }

 private:
  ProxyPreset at_fidelity(const Fidelity& f) const {
    if (f.epochs < 0 || f.depth < 0 || f.width < 0 || !(f.resolution >= 0 && f.resolution <= 1))
      throw Error("fidelity " + f.describe() + ": epochs, depth and width must be >= 0 and resolution in (0, 1]");
    ProxyPreset p = preset_;
    if (f.epochs > 0) p.epochs = p.grayscale_epochs = f.epochs;
    if (f.depth > 0) p.cells_per_stage = f.depth;
    if (f.width > 0) p.channels = f.width;
    if (f.resolution > 0) p.resolution = std::max(4, 4 * static_cast<int>(std::lround(preset_.resolution * f.resolution / 4)));
    return p;
  }

  ObjectiveSettings settings_;
  ProxyPreset preset_;
  ImageDataset source_, test_;
  std::string device_, mode_;
  uint64_t data_seed_ = 0;
  const SearchSpace& space_;
};

}  // namespace

std::unique_ptr<Objective> make_train_objective(const ObjectiveSettings& settings, const SearchSpace& space) {
  require_trainable(space);  // before the dataset loads
  return std::make_unique<TrainObjective>(settings, space);
}

}  // namespace tnas
