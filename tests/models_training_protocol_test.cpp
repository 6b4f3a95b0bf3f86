// The training protocol as a surrogate input (issue 26 item 7): parsing, the recorded protocol of a
// meta-dataset source, the input row, and the deep kernel reading it beside G.
#include "models/protocol/training_protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "basics/error.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/surrogate/surrogate.h"

namespace tnas {
namespace {

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TrainingProtocol, PresetsAndSettingsParse) {
  const TrainingProtocol fast = parse_training_protocol("fast", "--target-protocol");
  EXPECT_EQ(describe(fast), "epochs=10,resolution=16,channels=8,cells=1,images=250");
  // NAS-Bench-201's CIFAR-10 protocol: the paper preset trains on every image, so the count is given.
  EXPECT_EQ(describe(parse_training_protocol("paper,images=5000", "x")),
            "epochs=200,resolution=32,channels=16,cells=5,images=5000");
  EXPECT_EQ(describe(parse_training_protocol("fast,epochs=40", "x")),
            describe(parse_training_protocol("fast-long", "x")));
  const TrainingProtocol spelled =
      parse_training_protocol("epochs=200,resolution=32,channels=16,cells=5,images=1300", "x");
  EXPECT_EQ(describe(parse_training_protocol(describe(spelled), "x")), describe(spelled));  // round trip
}

TEST(TrainingProtocol, BadProtocolsNameTheOptionAndTheProblem) {
  EXPECT_EQ(error_of([] { parse_training_protocol("paper", "--target-protocol"); }),
            "--target-protocol: 'paper' trains on every image: add images=PER_CLASS (e.g. CIFAR-10: 5000)");
  EXPECT_EQ(error_of([] { parse_training_protocol("final,images=100", "--target-protocol"); }),
            "--target-protocol: 'final,images=100' trains at the dataset's own resolution: add "
            "resolution=PIXELS");
  EXPECT_EQ(error_of([] { parse_training_protocol("fast,epochs=0", "--p"); }),
            "--p: epochs must be a positive integer, got '0'");
  EXPECT_EQ(error_of([] { parse_training_protocol("fast,speed=3", "--p"); }),
            "--p: unknown setting 'speed' (epochs, resolution, channels, cells, images)");
  EXPECT_EQ(error_of([] { parse_training_protocol("epochs=10", "--p"); }),
            "--p: 'epochs=10' does not say epochs, channels and cells (give a preset or all five)");
  EXPECT_NE(error_of([] { parse_training_protocol("turbo", "--p"); }).find("unknown preset 'turbo'"),
            std::string::npos);
  EXPECT_NE(error_of([] { target_training_protocol(""); }).find("give the target's with --target-protocol"),
            std::string::npos);
}

TEST(TrainingProtocol, TheRecordedProtocolIsTheSourcesPresetWithTheTasksImages) {
  const nlohmann::json config = {{"preset",
                                  {{"name", "fast"},
                                   {"epochs", 10},
                                   {"resolution", 16},
                                   {"channels", 8},
                                   {"cells_per_stage", 1},
                                   {"images_per_class", 250}}}};
  EXPECT_EQ(describe(*recorded_training_protocol(config, 120)),
            "epochs=10,resolution=16,channels=8,cells=1,images=120");
  EXPECT_EQ(describe(*recorded_training_protocol(config, -1)),
            "epochs=10,resolution=16,channels=8,cells=1,images=250");
  // MetaD2A's import records a description, not a preset: unknown, to be given by the user.
  EXPECT_FALSE(recorded_training_protocol({{"protocol", "MetaD2A: NB201 cell, C=16, N=5"}}, -1));
}

TEST(TrainingProtocol, TheInputRowIsLog2OfEachValue) {
  const Eigen::RowVectorXf row = protocol_input_row(parse_training_protocol("paper,images=4096", "x"));
  ASSERT_EQ(row.size(), kProtocolInputs);
  EXPECT_FLOAT_EQ(row(0), std::log2(200.0f));
  EXPECT_FLOAT_EQ(row(1), 5.0f);
  EXPECT_FLOAT_EQ(row(2), 4.0f);
  EXPECT_FLOAT_EQ(row(3), std::log2(5.0f));
  EXPECT_FLOAT_EQ(row(4), 12.0f);
  Eigen::MatrixXf g = Eigen::MatrixXf::Ones(3, 2);
  append_protocol_inputs(g, parse_training_protocol("paper,images=4096", "x"));
  ASSERT_EQ(g.cols(), 2 + kProtocolInputs);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(g.row(r).tail(kProtocolInputs), row);
}

// A surrogate conditioned on the protocol reads five more columns beside G, and what they say changes its
// prediction (the MLP's first layer sees them).
TEST(TrainingProtocol, TheDeepKernelReadsTheProtocolBesideG) {
  SurrogateOptions options;
  options.arch_hidden = 16;
  options.dataset_embedding = false;
  options.protocol_inputs = true;
  set_search_space(options, Nb201Space());
  EXPECT_EQ(kernel_extra_inputs(options), kProtocolInputs);
  EXPECT_TRUE(surrogate_options_from_json(to_json(options)).protocol_inputs);
  SurrogateOptions plain = options;
  plain.protocol_inputs = false;
  EXPECT_FALSE(to_json(plain).contains("protocol_inputs"));  // old checkpoints' manifests stay as they were
  const Surrogate surrogate(options, 1, 3);
  const Nb201Space space;
  const std::vector<Arch> cells = {
      space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")};
  Eigen::MatrixXf short_g = surrogate.arch_embeddings(space, cells), long_g = short_g;
  append_protocol_inputs(short_g, parse_training_protocol("fast", "x"));
  append_protocol_inputs(long_g, parse_training_protocol("paper,images=5000", "x"));
  const Eigen::VectorXf d = Eigen::VectorXf::Zero(options.nz);
  const Eigen::MatrixXd short_z = surrogate.kernel_features(d, short_g),
                        long_z = surrogate.kernel_features(d, long_g);
  EXPECT_GT((short_z - long_z).norm(), 1e-6);
  EXPECT_THROW(surrogate.kernel_features(d, surrogate.arch_embeddings(space, cells)),
               Error);  // columns missing
}

}  // namespace
}  // namespace tnas
