// User-defined joint spaces (issue 30 item 4): the file notation and its errors naming file and line, exact
// sizes with conditions and forbidden combinations, sampling and neighbours that stay in the space, text that
// round-trips, the features the surrogate reads, and the shipped JAHS file equal to the built-in JAHS space.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "basics/error.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/joint/joint_space.h"
#include "graphs/spaces/search_space_factory.h"

namespace tnas {
namespace {

std::string error_of(const std::string& text) {
  try {
    JointSpace("joint:test", JointSpaceFile::parse(text, "s.space"));
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const JointSpace& optimizers() {
  static const auto space = make_search_space("joint:optimizers");
  return dynamic_cast<const JointSpace&>(*space);
}

TEST(JointSpace, ShippedJahsFileIsTheBuiltInJahsSpace) {
  const auto file_space = make_search_space("joint:jahs");
  const JahsSpace built_in;
  EXPECT_EQ(file_space->size(), 8531250);
  EXPECT_EQ(file_space->size(), built_in.size());
  const JointSpace& joint = dynamic_cast<const JointSpace&>(*file_space);
  const Hyperparameter& learning_rate = joint.file().hyperparameters[1];
  ASSERT_EQ(learning_rate.numbers.size(), static_cast<size_t>(kJahsLearningRateCount));
  for (int k = 0; k < kJahsLearningRateCount; ++k)
    EXPECT_NEAR(learning_rate.numbers[static_cast<size_t>(k)], JahsSpace::learning_rate(k), 1e-12);
  const Hyperparameter& weight_decay = joint.file().hyperparameters[2];
  for (int k = 0; k < kJahsWeightDecayCount; ++k)
    EXPECT_NEAR(weight_decay.numbers[static_cast<size_t>(k)], JahsSpace::weight_decay(k), 1e-15);
  EXPECT_EQ(file_space->numeric_feature_count(), built_in.numeric_feature_count());
  const Arch config = file_space->parse(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|;activation="
      "mish;"
      "learning_rate=0.03162;weight_decay=0.001;trivial_augment=on");
  const Arch same = built_in.parse(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|;activation="
      "mish;"
      "lr=0.0316;wd=0.001;trivial_augment=on");
  EXPECT_EQ(config, same);  // the same choice vector
  EXPECT_EQ(file_space->numeric_features(config), built_in.numeric_features(same));
}

// Counted by hand: sgd has 6 learning rates x 3 momenta, adam and adamw 6 learning rates each; weight decay
// 7, label smoothing 3, activation 3, batch size 3; adam with weight decay 0.01 is forbidden (6 x 27).
TEST(JointSpace, ExactSizeWithConditionsAndForbiddenCombinations) {
  EXPECT_EQ(optimizers().size(), 15625LL * ((6 * 3 + 6 + 6) * 7 * 27 - 6 * 27));
  const JointSpace small("joint:small", JointSpaceFile::parse("architecture nb201\n"
                                                              "optimizer categorical {sgd, adam}\n"
                                                              "momentum ordinal {0.5, 0.9} [0.9]\n"
                                                              "momentum | optimizer == sgd\n",
                                                              "small.space"));
  EXPECT_EQ(small.size(), 15625 * 3);
  const std::vector<Arch> all = small.enumerate();
  ASSERT_EQ(all.size(), 15625u * 3);
  std::set<std::string> texts;
  for (const Arch& config : all) texts.insert(small.format(config));
  EXPECT_EQ(texts.size(), all.size());
  EXPECT_TRUE(texts.count("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|;optimizer=adam"));
  EXPECT_TRUE(texts.count("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|;optimizer=sgd;momentum=0.5"));
}

TEST(JointSpace, TenThousandDrawsAndTheirNeighboursStayInTheSpace) {
  const JointSpace& space = optimizers();
  Rng rng(3);
  std::map<std::string, int> optimizer_counts;
  for (int draw = 0; draw < 10000; ++draw) {
    const Arch config = space.sample(rng);
    const std::string text = space.format(config);
    ASSERT_EQ(space.parse(text), config) << text;
    const bool sgd = text.find(";optimizer=sgd") != std::string::npos;
    EXPECT_EQ(text.find("learning_rate_sgd=") != std::string::npos, sgd) << text;
    EXPECT_EQ(text.find("momentum=") != std::string::npos, sgd) << text;
    EXPECT_EQ(text.find("learning_rate_adam=") != std::string::npos, !sgd) << text;
    EXPECT_FALSE(text.find("optimizer=adam;") != std::string::npos &&
                 text.find("weight_decay=0.01;") != std::string::npos)
        << text;
    ++optimizer_counts[text.substr(text.find("optimizer=") + 10, 3)];
    if (draw % 50 == 0)
      for (const Arch& neighbour : space.neighbours(config)) {
        EXPECT_NE(neighbour, config);
        EXPECT_EQ(space.parse(space.format(neighbour)), neighbour) << space.format(neighbour);
      }
    EXPECT_EQ(static_cast<int>(space.numeric_features(config).size()), space.numeric_feature_count());
  }
  for (const auto& [optimizer, count] : optimizer_counts)  // sgd, ada(m), ada(mw): adam and adamw together
    EXPECT_NEAR(count, optimizer == "sgd" ? 3333 : 6667, 250) << optimizer;
}

TEST(JointSpace, NeighboursChangeOneHyperparameterAndActivateChildrenAtTheirDefault) {
  const JointSpace& space = optimizers();
  const std::string cell =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
  const Arch config =
      space.parse(cell +
                  ";optimizer=adam;learning_rate_adam=0.004;weight_decay=0.003162;label_smoothing=0;"
                  "activation=relu;batch_size=64");
  std::set<std::string> texts;
  for (const Arch& neighbour : space.neighbours(config)) texts.insert(space.format(neighbour));
  EXPECT_TRUE(
      texts.count(cell +
                  ";optimizer=sgd;learning_rate_sgd=0.1;momentum=0.9;weight_decay=0.003162;label_smoothing=0;"
                  "activation=relu;batch_size=64"));
  EXPECT_TRUE(texts.count(cell +
                          ";optimizer=adam;learning_rate_adam=0.002;weight_decay=0.003162;label_smoothing=0;"
                          "activation=relu;batch_size=64"));
  // Up from 0.004 is off the grid, and weight decay 0.01 with adam is forbidden.
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find("weight_decay=0.01;"), std::string::npos) << text;
    EXPECT_EQ(text.find("learning_rate_adam=0.008"), std::string::npos) << text;
  }
  // 24 one-edge changes of the cell; sgd, adamw; one learning rate; one weight decay (0.01 is forbidden);
  // one label smoothing; two activations; two batch sizes.
  EXPECT_EQ(texts.size(), 24u + 2 + 1 + 1 + 1 + 2 + 2);
  EXPECT_TRUE(texts.count(cell +
                          ";optimizer=adam;learning_rate_adam=0.004;weight_decay=0.001;label_smoothing=0;"
                          "activation=relu;batch_size=64"));
}

TEST(JointSpace, FeaturesOneHotPositionsAndActiveFlags) {
  const JointSpace small("joint:small", JointSpaceFile::parse("architecture nb201\n"
                                                              "optimizer categorical {sgd, adam}\n"
                                                              "momentum ordinal {0.5, 0.7, 0.9} [0.9]\n"
                                                              "momentum | optimizer == sgd\n",
                                                              "small.space"));
  ASSERT_EQ(small.numeric_feature_count(), 2 + 1 + 1);
  const std::string cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  EXPECT_EQ(small.numeric_features(small.parse(cell + ";optimizer=sgd;momentum=0.7")),
            (std::vector<float>{1, 0, 0.5f, 1}));
  EXPECT_EQ(small.numeric_features(small.parse(cell + ";optimizer=adam")), (std::vector<float>{0, 1, 0, 0}));
}

TEST(JointSpace, ConfigurationTextIsStrict) {
  const JointSpace& space = optimizers();
  const std::string cell =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
  const std::string rest = ";weight_decay=0.001;label_smoothing=0;activation=relu;batch_size=64";
  const auto error = [&](const std::string& text) {
    try {
      space.parse(text);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error(cell + ";optimizer=adam;learning_rate_adam=0.001;momentum=0.9" + rest)
                .find("'momentum' is inactive"),
            std::string::npos);
  EXPECT_NE(error(cell + ";optimizer=adam" + rest).find("does not set 'learning_rate_adam'"),
            std::string::npos);
  EXPECT_NE(error(cell + ";optimizer=adam;learning_rate_adam=0.003" + rest).find("'0.003' is not a value"),
            std::string::npos);
  EXPECT_NE(error(cell + ";optimizer=adam;learning_rate_adam=0.001;weight_decay=0.01;label_smoothing=0;"
                         "activation=relu;batch_size=64")
                .find("forbidden"),
            std::string::npos);
  EXPECT_NE(error(cell + ";optimizer=adam;optimizer=adam").find("given twice"), std::string::npos);
  EXPECT_NE(error(cell + ";colour=red").find("'colour=red'"), std::string::npos);
  // A number matches its grid value however it is written.
  EXPECT_EQ(space.parse(cell + ";optimizer=adam;learning_rate_adam=1e-3" + rest),
            space.parse(cell + ";optimizer=adam;learning_rate_adam=0.001" + rest));
}

TEST(JointSpace, BadFilesAreErrorsNamingFileAndLine) {
  const std::string head = "architecture nb201\n";
  EXPECT_EQ(error_of("x categorical {a, b}\n"),
            "s.space: no 'architecture SPACE' line (e.g. 'architecture nb201')");
  EXPECT_EQ(error_of(head + "x colour {a, b}\n"),
            "s.space:2: the type of 'x' must be real, integer, categorical or ordinal, got 'colour'");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\ny | z == a\n"),
            "s.space:3: unknown hyperparameter 'y' (declare it on a line of its own first)");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\ny categorical {c}\ny | x == q\n"),
            "s.space:4: 'q' is not a value of 'x'");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\nx ordinal {1, 2}\n"), "s.space:3: 'x' is declared twice");
  EXPECT_EQ(error_of(head + "x real [0.001, 1] [0.5] log grid 4\n"),
            "s.space:2: default '0.5' of 'x' is not one of its values (0.001, 0.01, 0.1, 1)");
  EXPECT_EQ(error_of(head + "x real [1, 0]\n"), "s.space:2: the range's low end must be below its high end");
  EXPECT_EQ(error_of(head + "x real [0, 1] log\n"), "s.space:2: a log-scaled range must be positive");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\ny categorical {c, d}\nx | y == c\ny | x == a\n"),
            "s.space:2: the conditions of 'x' form a cycle");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\ny categorical {c}\ny | x == a || x == b\n"),
            "s.space:4: '||' is not supported: write the alternatives with 'in {..}'");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\ny categorical {c}\ny | x < b\n"),
            "s.space:4: 'x' is categorical: it has no order for '<'");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\n{x=a, x=c}\n"), "s.space:3: 'c' is not a value of 'x'");
  EXPECT_EQ(error_of(head + "x categorical {a, a}\n"), "s.space:2: 'x' lists a value twice");
  EXPECT_EQ(error_of(head + "architecture nb201\n"), "s.space:2: a second 'architecture' line");
  EXPECT_EQ(error_of("architecture nb301\n").rfind("s.space: architecture: unknown search space 'nb301'", 0),
            0u);
  EXPECT_EQ(error_of("architecture joint:jahs\n"),
            "s.space: the architecture cannot itself be a joint space ('joint:jahs')");
  EXPECT_EQ(error_of(head + "x categorical {a, b}\n{x=a}\n{x=b}\n"),
            "s.space: every combination of the hyperparameters is forbidden");
  EXPECT_THROW(make_search_space("joint:no_such_shipped_space"), Error);
  EXPECT_EQ(error_of(head + "x integer [1, 2.5]\n"), "s.space:2: an integer range's ends must be integers");
}

TEST(JointSpace, IntegerGridsAndOrdinalConditions) {
  const JointSpace space("joint:grids",
                         JointSpaceFile::parse("architecture nb201\n"
                                               "epochs integer [1, 4]\n"
                                               "batch_size integer [16, 512] [128] log grid 6\n"
                                               "warmup ordinal {none, short, long} [none]\n"
                                               "warmup | epochs > 2\n",
                                               "grids.space"));
  EXPECT_EQ(space.file().hyperparameters[0].values, (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(space.file().hyperparameters[1].values,
            (std::vector<std::string>{"16", "32", "64", "128", "256", "512"}));
  EXPECT_EQ(space.file().hyperparameters[1].default_index, 3);
  EXPECT_EQ(space.size(), 15625LL * 6 * (2 + 2 * 3));
}

}  // namespace
}  // namespace tnas
