#pragma once
// The training protocol that produced an accuracy, as an input of the surrogate (issue 26 item 7): a prior is
// only right for the protocol of its labels (cells that win after 10 epochs of a small network lose after
// NAS-Bench-201's 200), so meta-training reads each label's protocol beside D and G, and a search states the
// protocol of its target. Five numbers, each as log2 (they span orders of magnitude): epochs, input
// resolution, channels C, cells per stage N and training images per class.
#include <optional>
#include <string>

#include <Eigen/Dense>
#include <nlohmann/json_fwd.hpp>

namespace tnas {

struct TrainingProtocol {
  int epochs = 0;
  int resolution = 0;
  int channels = 0;
  int cells_per_stage = 0;
  int images_per_class = 0;
};

constexpr int kProtocolInputs = 5;

// "fast", "paper,images=5000", "epochs=200,resolution=32,channels=16,cells=5,images=5000": a training preset
// (models/trainer/proxy_preset.h) and/or key=value settings (epochs, resolution, channels, cells, images),
// later ones overriding. Throws tnas::Error naming `what` (the option) for an unknown preset or key, a value
// that is not a positive integer, or a protocol with a value still unknown (a preset that trains on every
// image, or at the dataset's own resolution, needs images= or resolution=).
TrainingProtocol parse_training_protocol(const std::string& text, const std::string& what);

// The protocol recorded in a meta-dataset source's config (its "preset" object, as `collect` writes it),
// with the task's own images per class when known (> 0); nullopt when the config records no preset (e.g.
// MetaD2A's import: give its protocol with `fit --source-protocol`).
std::optional<TrainingProtocol> recorded_training_protocol(const nlohmann::json& config,
                                                           int images_per_class);

// log2 of each value, in the order of the struct.
Eigen::RowVectorXf protocol_input_row(const TrainingProtocol& protocol);

// The target's protocol for a surrogate conditioned on it (--target-protocol's text). Throws tnas::Error
// saying how to give it when `text` is empty.
TrainingProtocol target_training_protocol(const std::string& text);
// Appends the protocol's inputs to every row of G (every configuration is trained the same way).
void append_protocol_inputs(Eigen::MatrixXf& g, const TrainingProtocol& protocol);

// "epochs=10,resolution=16,channels=8,cells=1,images=250": what parse_training_protocol reads back.
std::string describe(const TrainingProtocol& protocol);

}  // namespace tnas
