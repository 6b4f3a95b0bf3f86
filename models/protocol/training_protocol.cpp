#include "models/protocol/training_protocol.h"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "basics/strict_number.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {
namespace {

TrainingProtocol from_preset(const ProxyPreset& preset) {
  return {preset.epochs, preset.resolution, preset.channels, preset.cells_per_stage, preset.images_per_class};
}

void set_value(TrainingProtocol& protocol, const std::string& key, int value, const std::string& what) {
  if (key == "epochs")
    protocol.epochs = value;
  else if (key == "resolution")
    protocol.resolution = value;
  else if (key == "channels")
    protocol.channels = value;
  else if (key == "cells")
    protocol.cells_per_stage = value;
  else if (key == "images")
    protocol.images_per_class = value;
  else
    throw Error(what + ": unknown setting '" + key + "' (epochs, resolution, channels, cells, images)");
}

}  // namespace

TrainingProtocol parse_training_protocol(const std::string& text, const std::string& what) {
  TrainingProtocol protocol;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      protocol = from_preset(find_preset(item));
      continue;
    }
    const std::string key = item.substr(0, eq);
    const std::optional<int> value = parse_int(item.substr(eq + 1));
    if (!value || *value < 1 || *value > 1000000)
      throw Error(what + ": " + key + " must be a positive integer, got '" + item.substr(eq + 1) + "'");
    set_value(protocol, key, *value, what);
  }
  if (protocol.epochs < 1 || protocol.channels < 1 || protocol.cells_per_stage < 1)
    throw Error(what + ": '" + text +
                "' does not say epochs, channels and cells (give a preset or all five)");
  if (protocol.resolution < 1)
    throw Error(what + ": '" + text + "' trains at the dataset's own resolution: add resolution=PIXELS");
  if (protocol.images_per_class < 1)
    throw Error(what + ": '" + text + "' trains on every image: add images=PER_CLASS (e.g. CIFAR-10: 5000)");
  return protocol;
}

std::optional<TrainingProtocol> recorded_training_protocol(const nlohmann::json& config,
                                                           int images_per_class) {
  if (!config.is_object() || !config.contains("preset") || !config.at("preset").is_object())
    return std::nullopt;
  const nlohmann::json& preset = config.at("preset");
  TrainingProtocol protocol{preset.value("epochs", 0), preset.value("resolution", 0),
                            preset.value("channels", 0), preset.value("cells_per_stage", 0),
                            images_per_class > 0 ? images_per_class : preset.value("images_per_class", 0)};
  if (protocol.epochs < 1 || protocol.resolution < 1 || protocol.channels < 1 ||
      protocol.cells_per_stage < 1 || protocol.images_per_class < 1)
    return std::nullopt;
  return protocol;
}

Eigen::RowVectorXf protocol_input_row(const TrainingProtocol& protocol) {
  Eigen::RowVectorXf row(kProtocolInputs);
  row << std::log2(static_cast<float>(protocol.epochs)), std::log2(static_cast<float>(protocol.resolution)),
      std::log2(static_cast<float>(protocol.channels)),
      std::log2(static_cast<float>(protocol.cells_per_stage)),
      std::log2(static_cast<float>(protocol.images_per_class));
  return row;
}

TrainingProtocol target_training_protocol(const std::string& text) {
  if (text.empty())
    throw Error(
        "this checkpoint is conditioned on the training protocol of its labels: give the target's with "
        "--target-protocol (a preset, e.g. fast, or paper,images=5000 for NAS-Bench-201's CIFAR-10 table)");
  return parse_training_protocol(text, "--target-protocol");
}

void append_protocol_inputs(Eigen::MatrixXf& g, const TrainingProtocol& protocol) {
  const Eigen::RowVectorXf row = protocol_input_row(protocol);
  g.conservativeResize(Eigen::NoChange, g.cols() + row.size());
  g.rightCols(row.size()).rowwise() = row;
}

std::string describe(const TrainingProtocol& protocol) {
  return "epochs=" + std::to_string(protocol.epochs) + ",resolution=" + std::to_string(protocol.resolution) +
         ",channels=" + std::to_string(protocol.channels) +
         ",cells=" + std::to_string(protocol.cells_per_stage) +
         ",images=" + std::to_string(protocol.images_per_class);
}

}  // namespace tnas
