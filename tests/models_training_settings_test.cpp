// A joint space's hyperparameters as the trainer's settings (issue 30 item 4): which setting a name sets,
// the values applied to the preset, and errors naming the file and line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "graphs/spaces/search_space_factory.h"
#include "models/trainer/configured_training.h"
#include "models/trainer/training_settings.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

std::string settings_error(const std::string& text) {
  try {
    require_trainable(JointSpace("joint:test", JointSpaceFile::parse(text, "t.space")));
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TrainingSettings, NamesAndSuffixes) {
  EXPECT_EQ(training_setting_of("learning_rate"), "learning_rate");
  EXPECT_EQ(training_setting_of("learning_rate_adam"), "learning_rate");
  EXPECT_EQ(training_setting_of("optimizer"), "optimizer");
  EXPECT_EQ(training_setting_of("learning_rates"), "");
  EXPECT_EQ(training_setting_of("dropout"), "");
}

TEST(TrainingSettings, ConfigurationSetsThePreset) {
  const auto space = make_search_space("joint:optimizers");
  const std::string cell =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
  ProxyPreset tiny = find_preset("tiny");
  const ConfiguredTraining adamw = configure_training(
      *space,
      space->parse(cell + ";optimizer=adamw;learning_rate_adam=0.002;weight_decay=0.01;label_smoothing=0.1;"
                          "activation=mish;batch_size=32"),
      tiny);
  EXPECT_EQ(adamw.network.text(), cell);
  EXPECT_EQ(adamw.preset.optimizer, OptimizerKind::kAdamW);
  EXPECT_DOUBLE_EQ(adamw.preset.learning_rate, 0.002);
  EXPECT_DOUBLE_EQ(adamw.preset.weight_decay, 0.01);
  EXPECT_DOUBLE_EQ(adamw.preset.label_smoothing, 0.1);
  EXPECT_EQ(adamw.preset.activation, Activation::kMish);
  EXPECT_EQ(adamw.preset.batch_size, 32);
  EXPECT_EQ(adamw.preset.epochs, tiny.epochs);  // what the file does not name stays the preset's
  const ConfiguredTraining sgd = configure_training(
      *space,
      space->parse(cell + ";optimizer=sgd;learning_rate_sgd=0.025;momentum=0.95;weight_decay=0.0001;"
                          "label_smoothing=0;activation=relu;batch_size=128"),
      tiny);
  EXPECT_EQ(sgd.preset.optimizer, OptimizerKind::kSgd);
  EXPECT_DOUBLE_EQ(sgd.preset.learning_rate, 0.025);
  EXPECT_DOUBLE_EQ(sgd.preset.momentum, 0.95);
  // Recorded protocols: SGD's text is unchanged, the others say what they are.
  EXPECT_EQ(to_json(sgd.preset)["optimizer"], "SGD Nesterov, cosine decay to 0 per step, cross-entropy");
  EXPECT_EQ(to_json(adamw.preset)["optimizer"],
            "AdamW (beta 0.9, 0.999), cosine decay to 0 per step, cross-entropy");
  EXPECT_EQ(to_json(adamw.preset)["label_smoothing"], 0.1);
  EXPECT_FALSE(to_json(tiny).contains("label_smoothing"));
}

TEST(TrainingSettings, BadHyperparametersAreErrorsNamingFileAndLine) {
  const std::string head = "architecture nb201\n";
  EXPECT_EQ(settings_error(head + "optimizer categorical {sgd, lion}\n"),
            "t.space:2: 'optimizer' sets optimizer, which must be sgd, adam or adamw, not 'lion'");
  EXPECT_EQ(settings_error(head + "epochs integer [1, 3]\ndropout real [0, 0.5]\n")
                .rfind("t.space:3: 'dropout' is no setting of the trainer (optimizer, learning_rate", 0),
            0u);
  EXPECT_EQ(settings_error(head + "learning_rate real [-1, 1]\n"),
            "t.space:2: 'learning_rate' sets learning_rate, which must be a number above 0, not '-1'");
  EXPECT_EQ(settings_error(head + "label_smoothing ordinal {0, 1}\n"),
            "t.space:2: 'label_smoothing' sets label_smoothing, which must be a number in [0, 1), not '1'");
  EXPECT_EQ(settings_error("architecture hnb201\n"), "no error");  // the network builder knows its terminals
  EXPECT_EQ(settings_error("architecture grammar:" TNAS_SOURCE_DIR
                           "/graphs/spaces/grammar/grammars/activation_functions.grammar\n"),
            "no error");  // a function: the activation of NB201's best cell
  const std::string warp = (test::scratch_dir("settings_grammar") / "warp.grammar").string();
  std::ofstream(warp) << "S ::= Sequential2(A, A)\nA ::= id | warp\n";
  EXPECT_EQ(settings_error("architecture grammar:" + warp + "\n")
                .rfind(warp + ":2: unknown terminal 'warp' (the network builder knows", 0),
            0u);
  EXPECT_EQ(settings_error(head + "optimizer categorical {sgd, adam}\n"), "no error");
  // Two active hyperparameters setting one setting: said when such a configuration is trained.
  const JointSpace both("joint:both",
                        JointSpaceFile::parse(head + "learning_rate real [0.01, 0.1] grid 2\n"
                                                     "learning_rate_b real [0.01, 0.1] grid 2\n",
                                              "both.space"));
  Rng rng(1);
  try {
    configure_training(both, both.sample(rng), find_preset("tiny"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "both.space: 'learning_rate' and 'learning_rate_b' both set learning_rate in", 0),
              0u)
        << e.what();
  }
}

}  // namespace
}  // namespace tnas
