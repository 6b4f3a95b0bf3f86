// Grammar architectures as LibTorch networks (issue 28 item 3): the module's parameters are the closed
// form's, the flat NB201 grammar builds NB201's network, sampled hierarchical architectures run forward, and
// the trainer trains them like cells: the same seed gives the same result, and a continued run ends where the
// uninterrupted one does.
#include "models/network/grammar_network_module.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "models/network/nb201_network.h"
#include "models/trainer/cell_trainer.h"
#include "tests/dataset_files.h"

namespace tnas {
namespace {

GrammarSpace shipped_space(const std::string& name) {
  return GrammarSpace(name, Grammar::parse(shipped_grammar(name), name + ".grammar"));
}

int64_t module_params(torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

Nb201MacroConfig fast_network() {
  Nb201MacroConfig config;
  config.channels = 8, config.cells_per_stage = 1, config.resolution = 16, config.num_classes = 5;
  return config;
}

// `count` architectures drawn from `space` with `seed` build with the closed form's parameters and give
// finite logits of the right shape (in training mode: batch statistics, as the trainer runs them; a steep
// activation function such as x^6 overflows through untrained running statistics).
void expect_sampled_architectures_build_and_run(const GrammarSpace& space, uint64_t seed, int count) {
  const Nb201MacroConfig config = fast_network();
  Rng rng(seed);
  torch::manual_seed(0);
  for (int i = 0; i < count; ++i) {
    const TermTree term = term_tree(space.grammar(), space.decode(space.sample(rng)));
    GrammarNetworkImpl net(term, config);
    ASSERT_EQ(module_params(net), grammar_network_cost(term, config).params) << to_string(term);
    net.train();
    const torch::Tensor logits = net.forward(torch::randn({2, 3, 16, 16}));
    ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{2, 5}));
    ASSERT_TRUE(torch::isfinite(logits).all().item<bool>()) << to_string(term);
  }
}

TEST(GrammarNetworkModule, SampledHierarchicalArchitecturesBuildAndRun) {
  expect_sampled_architectures_build_and_run(shipped_space("hierarchical_nb201"), 9, 25);
}

// Activation functions build as NB201's best cell with that activation: the module's parameters are the
// closed form's, its logits are finite, and the function max(relu(x), relu(x)) computes exactly what relu
// does in NB201's own network of that cell (the same parameters loaded into both).
TEST(GrammarNetworkModule, ActivationFunctionsBuildAndReluIsNb201sNetwork) {
  expect_sampled_architectures_build_and_run(shipped_space("activation_functions"), 3, 20);
  const Nb201MacroConfig config = fast_network();
  const TermTree relu_x{"unary", {{"relu", {}}, {"x", {}}}};
  GrammarNetworkImpl function_net(TermTree{"binary", {{"maximum", {}}, relu_x, relu_x}}, config);
  const ClassifierNetwork cell_net = build_network(
      NetworkBlueprint(Nb201Cell::parse(
          "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")),
      config);
  const auto from = cell_net->parameters(), to = function_net.parameters();
  ASSERT_EQ(from.size(), to.size());
  torch::NoGradGuard no_grad;
  for (size_t k = 0; k < from.size(); ++k) {
    ASSERT_EQ(from[k].sizes(), to[k].sizes()) << k;
    to[k].copy_(from[k]);
  }
  cell_net->eval(), function_net.eval();
  const torch::Tensor images = torch::randn({3, 3, 16, 16});
  EXPECT_TRUE(torch::allclose(function_net.forward(images), cell_net->forward(images), 1e-5, 1e-6));
}

TEST(GrammarNetworkModule, TheFlatNb201GrammarBuildsNb201sNetwork) {
  const GrammarSpace space = shipped_space("nb201_cell");
  Rng rng(2);
  for (const Nb201MacroConfig& config : {Nb201MacroConfig{}, fast_network()})
    for (int i = 0; i < 10; ++i) {
      const Arch arch = space.sample(rng);
      const TermTree term = term_tree(space.grammar(), space.decode(arch));
      const ClassifierNetwork net = build_network(NetworkBlueprint(term), config);
      EXPECT_EQ(module_params(*net), NetworkBlueprint(term).params(config));
      // The same modules as NB201's network of that cell: parameter shapes in the same order.
      std::array<Nb201Op, kNb201NumEdges> ops{};
      for (int edge = 0; edge < kNb201NumEdges; ++edge)
        ops[edge] = static_cast<Nb201Op>(space.decode(arch).children[edge].alternative);
      EXPECT_EQ(module_params(*net), nb201_module_param_count(Nb201Cell(ops), config));
    }
}

TEST(GrammarNetworkModule, TheTrainerTrainsAGrammarArchitectureLikeACell) {
  const GrammarSpace space = shipped_space("hierarchical_nb201");
  Rng rng(4);
  const NetworkBlueprint network(term_tree(space.grammar(), space.decode(space.sample(rng))));
  ProxyPreset preset = find_preset("smoke");
  preset.resolution = 16;
  preset.epochs = preset.grayscale_epochs = 2;
  preset.batch_size = 16;
  const EvaluationData data = prepare_evaluation_data(test::stripes(40, 4), nullptr, preset, 1);
  TrainOptions options;
  options.seed = 3;
  options.device = ComputeDevice::kCpu;
  options.schedule_epochs = 2;
  const TrainResult a = train_and_evaluate(network, data, preset, options);
  const TrainResult b = train_and_evaluate(network, data, preset, options);
  EXPECT_TRUE(std::isfinite(a.train_loss));
  EXPECT_EQ(a.valid_acc, b.valid_acc);
  EXPECT_EQ(a.train_loss, b.train_loss);
  Nb201MacroConfig config = preset.network(4);
  config.resolution = 16;
  EXPECT_EQ(a.params, network.params(config));
  EXPECT_EQ(a.flops, network.flops(config));

  // Saved after one epoch and continued to two: where the uninterrupted run ends.
  const std::string dir = (std::filesystem::temp_directory_path() / "tnas_grammar_training").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ProxyPreset first_epoch = preset;
  first_epoch.epochs = first_epoch.grayscale_epochs = 1;
  TrainOptions first = options;
  first.save_to = dir + "/e1.pt";
  train_and_evaluate(network, data, first_epoch, first);
  TrainOptions second = options;
  second.resume_from = dir + "/e1.pt";
  const TrainResult continued = train_and_evaluate(network, data, preset, second);
  EXPECT_EQ(continued.start_epoch, 1);
  EXPECT_EQ(continued.valid_acc, a.valid_acc);
  EXPECT_EQ(continued.train_loss, a.train_loss);
  // Another architecture's state is refused.
  const NetworkBlueprint other(term_tree(space.grammar(), space.decode(space.sample(rng))));
  EXPECT_THROW(train_and_evaluate(other, data, preset, second), Error);
}

}  // namespace
}  // namespace tnas
