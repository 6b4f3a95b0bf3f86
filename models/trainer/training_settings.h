#pragma once
// The trainer's settings that a joint space's hyperparameters may set (issue 30 item 4), by name: a
// hyperparameter named SETTING, or SETTING_SUFFIX when several carry one setting under conditions
// (learning_rate_sgd, learning_rate_adam). Settings: optimizer (sgd, adam, adamw), learning_rate,
// weight_decay, momentum, batch_size, epochs (also for 1-channel sources), label_smoothing, gradient_clip,
// activation (relu, hardswish, mish), trivial_augment (off, on), augment (none, crop, crop+flip).
#include <string>
#include <vector>

#include "graphs/spaces/joint/joint_space.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

std::vector<std::string> training_setting_names();
// The setting a hyperparameter's name sets, or "" for none.
std::string training_setting_of(const std::string& hyperparameter_name);
// Throws tnas::Error "FILE:LINE: ..." for a hyperparameter that sets no setting, or a value its setting
// cannot take (a learning rate <= 0, an unknown optimizer).
void require_training_settings(const JointSpaceFile& file);
// The preset with the configuration's active hyperparameters applied; throws tnas::Error naming the file when
// two active hyperparameters set the same setting.
ProxyPreset with_training_settings(const JointSpace& space, const Arch& config, ProxyPreset preset);

}  // namespace tnas
