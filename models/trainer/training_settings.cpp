#include "models/trainer/training_settings.h"

#include <cmath>
#include <map>

#include "basics/error.h"

namespace tnas {
namespace {

// One setting: what it accepts (an error text, empty when the value is fine) and how it changes the preset.
struct TrainingSetting {
  const char* name;
  std::string (*check)(const Hyperparameter& hyperparameter, size_t value);
  void (*apply)(ProxyPreset& preset, const Hyperparameter& hyperparameter, size_t value);
};

bool has_number(const Hyperparameter& hyperparameter, size_t value) {
  return hyperparameter.numbers.size() == hyperparameter.values.size() &&
         value < hyperparameter.numbers.size();
}
double number(const Hyperparameter& hyperparameter, size_t value) { return hyperparameter.numbers[value]; }

std::string check_positive(const Hyperparameter& h, size_t v) {
  return has_number(h, v) && number(h, v) > 0 ? "" : "must be a number above 0";
}
std::string check_non_negative(const Hyperparameter& h, size_t v) {
  return has_number(h, v) && number(h, v) >= 0 ? "" : "must be a number at least 0";
}
std::string check_fraction(const Hyperparameter& h, size_t v) {
  return has_number(h, v) && number(h, v) >= 0 && number(h, v) < 1 ? "" : "must be a number in [0, 1)";
}
std::string check_count(const Hyperparameter& h, size_t v) {
  return has_number(h, v) && number(h, v) >= 1 && number(h, v) == std::floor(number(h, v)) &&
                 number(h, v) <= 1e6
             ? ""
             : "must be a whole number in 1..1000000";
}
template <typename Enum>
std::string check_enum(const Hyperparameter& h, size_t v) {
  for (const auto& [value, name] : enum_names<Enum>())
    if (h.values[v] == name) return "";
  return "must be " + enum_choices<Enum>();
}
std::string check_activation(const Hyperparameter& h, size_t v) {
  try {
    parse_activation(h.values[v]);
    return "";
  } catch (const Error&) {
    return "must be relu, hardswish or mish";
  }
}
std::string check_switch(const Hyperparameter& h, size_t v) {
  return h.values[v] == "on" || h.values[v] == "off" ? "" : "must be on or off";
}

const std::vector<TrainingSetting>& settings() {
  static const std::vector<TrainingSetting> table = {
      {"optimizer", &check_enum<OptimizerKind>,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) {
         p.optimizer = parse_enum<OptimizerKind>(h.values[v], h.name);
       }},
      {"learning_rate", &check_positive,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.learning_rate = number(h, v); }},
      {"weight_decay", &check_non_negative,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.weight_decay = number(h, v); }},
      {"momentum", &check_fraction,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.momentum = number(h, v); }},
      {"batch_size", &check_count,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) {
         p.batch_size = static_cast<int>(number(h, v));
       }},
      {"epochs", &check_count,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) {
         p.epochs = p.grayscale_epochs = static_cast<int>(number(h, v));
       }},
      {"gradient_clip", &check_non_negative,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.gradient_clip = number(h, v); }},
      {"label_smoothing", &check_fraction,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.label_smoothing = number(h, v); }},
      {"activation", &check_activation,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) {
         p.activation = parse_activation(h.values[v]);
       }},
      {"trivial_augment", &check_switch,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) { p.trivial_augment = h.values[v] == "on"; }},
      {"augment", &check_enum<CropAugment>,
       [](ProxyPreset& p, const Hyperparameter& h, size_t v) {
         p.augment = parse_enum<CropAugment>(h.values[v], h.name);
       }},
  };
  return table;
}

const TrainingSetting* find_setting(const std::string& hyperparameter_name) {
  const TrainingSetting* best = nullptr;
  for (const TrainingSetting& setting : settings()) {
    const std::string name = setting.name;
    const bool matches = hyperparameter_name == name || hyperparameter_name.rfind(name + "_", 0) == 0;
    if (matches && (!best || name.size() > std::string(best->name).size())) best = &setting;
  }
  return best;
}

}  // namespace

std::vector<std::string> training_setting_names() {
  std::vector<std::string> names;
  for (const TrainingSetting& setting : settings()) names.push_back(setting.name);
  return names;
}

std::string training_setting_of(const std::string& hyperparameter_name) {
  const TrainingSetting* setting = find_setting(hyperparameter_name);
  return setting ? setting->name : "";
}

void require_training_settings(const JointSpaceFile& file) {
  for (const Hyperparameter& hyperparameter : file.hyperparameters) {
    const std::string where = file.path + ":" + std::to_string(hyperparameter.line) + ": ";
    const TrainingSetting* setting = find_setting(hyperparameter.name);
    if (!setting)
      throw Error(where + "'" + hyperparameter.name + "' is no setting of the trainer (" +
                  list_with_or(training_setting_names()) +
                  ", or SETTING_SUFFIX); a command objective takes any name");
    for (size_t value = 0; value < hyperparameter.values.size(); ++value)
      if (const std::string problem = setting->check(hyperparameter, value); !problem.empty())
        throw Error(where + "'" + hyperparameter.name + "' sets " + setting->name + ", which " + problem +
                    ", not '" + hyperparameter.values[value] + "'");
  }
}

ProxyPreset with_training_settings(const JointSpace& space, const Arch& config, ProxyPreset preset) {
  std::map<std::string, std::string> set_by;
  for (const JointSpace::ActiveValue& active : space.active_values(config)) {
    const Hyperparameter& hyperparameter = *active.hyperparameter;
    const TrainingSetting* setting = find_setting(hyperparameter.name);
    if (!setting) require_training_settings(space.file());  // throws, naming the line
    const auto [previous, first] = set_by.emplace(setting->name, hyperparameter.name);
    if (!first)
      throw Error(space.file().path + ": '" + previous->second + "' and '" + hyperparameter.name +
                  "' both set " + setting->name + " in '" + space.format(config) +
                  "' (add conditions so that one is active)");
    setting->apply(preset, hyperparameter, static_cast<size_t>(active.index));
  }
  return preset;
}

}  // namespace tnas
