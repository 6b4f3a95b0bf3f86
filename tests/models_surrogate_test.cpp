#include "models/surrogate/surrogate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <torch/script.h>
#include "basics/error.h"
#include "graphs/op_graph/op_graph.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "models/surrogate/surrogate_impl.h"
#include "models/surrogate/torchscript_export.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// G of NB201 cells through the space-neutral interface.
inline Eigen::MatrixXf nb201_embeddings(const Surrogate& s, const std::vector<Nb201Cell>& cells) {
  std::vector<Arch> configs;
  for (const auto& c : cells) configs.push_back(Nb201Space::from_cell(c));
  return s.arch_embeddings(Nb201Space(), configs);
}

SurrogateOptions small_options() {
  SurrogateOptions o;
  o.feature_dim = 8;
  o.arch_hidden = 32;
  o.set_hidden = 16;
  o.images_per_class = 5;
  return o;
}

TEST(Surrogate, DatasetEncoderIsInvariantToImageAndClassOrder) {
  Surrogate s(small_options(), 3, 1);
  torch::NoGradGuard no_grad;
  auto features = torch::randn({4, 5, 8});  // 4 classes x 5 images x F
  auto d = s.impl().net->dataset_encoder(features);
  auto images_permuted = features.index_select(1, torch::tensor({3, 0, 4, 1, 2}));
  auto classes_permuted = features.index_select(0, torch::tensor({2, 0, 3, 1}));
  EXPECT_TRUE(torch::allclose(d, s.impl().net->dataset_encoder(images_permuted), 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(d, s.impl().net->dataset_encoder(classes_permuted), 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(d, s.impl().net->dataset_encoder(features + 1), 1e-3, 1e-3));
}

TEST(Surrogate, ArchEmbeddingDependsOnlyOnTheGraph) {
  Surrogate s(small_options(), 3, 1);
  const auto a = Nb201Cell::parse(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|");
  const auto b = Nb201Cell::parse(
      "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|");
  const Eigen::MatrixXf g = nb201_embeddings(s, {a, b, a});
  EXPECT_TRUE(g.row(0).isApprox(g.row(2)));   // same graph built twice -> same vector
  EXPECT_FALSE(g.row(0).isApprox(g.row(1)));  // one op changed -> another vector
  // Batching does not change a cell's embedding.
  EXPECT_TRUE(nb201_embeddings(s, {a}).row(0).isApprox(g.row(0), 1e-5));
}

// GP hyperparameters away from their initial values, so that the comparisons below test them.
void set_known_hyperparameters(DeepKernel& k) {
  torch::NoGradGuard no_grad;
  k->mean.fill_(0.2);
  k->raw_outputscale.fill_(std::log(1.3));
  k->raw_lengthscale.fill_(std::log(2.0));
  k->raw_noise.fill_(std::log(0.05));
}

TEST(Surrogate, TorchGpAgreesWithTheEigenGp) {
  Surrogate s(small_options(), 3, 1);
  auto& k = s.impl().net->kernel;
  set_known_hyperparameters(k);
  auto z = torch::randn({7, 4}, torch::kFloat64);
  auto y = torch::randn({7}, torch::kFloat64);
  const double torch_nll = k->negative_mll(z, y).item<double>();
  Eigen::MatrixXd ze(7, 4);
  Eigen::VectorXd ye(7);
  for (int i = 0; i < 7; ++i) {
    ye(i) = y[i].item<double>();
    for (int j = 0; j < 4; ++j) ze(i, j) = z[i][j].item<double>();
  }
  GpRegression gp(ze, ye, s.gp_hyperparameters());
  EXPECT_NEAR(-torch_nll, gp.log_marginal_likelihood(s.gp_hyperparameters()), 1e-9);
}

// The ranking loss's closed-form leave-one-task-out means equal the GP conditioned on the other tasks alone
// (the Eigen GP, fitted on them): its value is 1 - Pearson(those means, y) averaged over tasks of >= 3
// points.
TEST(Surrogate, RankLossPredictsEachTaskFromTheOtherTasks) {
  Surrogate s(small_options(), 3, 1);
  auto& k = s.impl().net->kernel;
  set_known_hyperparameters(k);
  torch::manual_seed(5);
  const auto z = torch::randn({11, 4}, torch::kFloat64);
  const auto y = torch::randn({11}, torch::kFloat64);
  const std::vector<int64_t> task = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3};  // task 3 (one point) is not ranked
  const double loss = k->within_task_rank_loss(z, y, torch::tensor(task)).item<double>();
  double expected = 0;
  for (int64_t t = 0; t < 3; ++t) {
    std::vector<int> in, out;
    for (int i = 0; i < 11; ++i) (task[i] == t ? in : out).push_back(i);
    const auto rows = [&](const std::vector<int>& ids, Eigen::MatrixXd& x, Eigen::VectorXd& v) {
      x.resize(ids.size(), 4), v.resize(ids.size());
      for (size_t r = 0; r < ids.size(); ++r) {
        v(r) = y[ids[r]].item<double>();
        for (int c = 0; c < 4; ++c) x(r, c) = z[ids[r]][c].item<double>();
      }
    };
    Eigen::MatrixXd x_in, x_out;
    Eigen::VectorXd y_in, y_out, mean, variance;
    rows(in, x_in, y_in);
    rows(out, x_out, y_out);
    GpRegression(x_out, y_out, s.gp_hyperparameters()).predict(x_in, mean, variance);
    const Eigen::VectorXd a = mean.array() - mean.mean(), b = y_in.array() - y_in.mean();
    expected += 1 - a.dot(b) / (a.norm() * b.norm());
  }
  EXPECT_NEAR(loss, expected / 3, 1e-9);
  // No task of three points: nothing to rank.
  EXPECT_EQ(k->within_task_rank_loss(z.slice(0, 0, 4), y.slice(0, 0, 4), torch::tensor({0, 0, 1, 1}))
                .item<double>(),
            0.0);
}

// FSBO's adaptation: without steps it is the meta-trained kernel; with steps it raises the marginal
// likelihood of the target's observations; it never changes the surrogate and is deterministic.
TEST(Surrogate, KernelAdaptationFitsTheObservationsAndLeavesTheSurrogateAlone) {
  Surrogate s(small_options(), 3, 1);
  std::vector<Nb201Cell> cells;
  for (int64_t id = 0; id < 24; ++id) cells.push_back(Nb201Cell::from_id(id * 601));
  const Eigen::MatrixXf g = nb201_embeddings(s, cells);
  const Eigen::MatrixXf train = g.topRows(16), query = g.bottomRows(8);
  Eigen::VectorXf d = Eigen::VectorXf::LinSpaced(s.options().nz, -1, 1);
  Eigen::VectorXd y(16);
  for (long i = 0; i < 16; ++i) y(i) = std::sin(0.7 * static_cast<double>(i)) + (i % 3 == 0 ? 1.0 : -0.5);
  const Eigen::MatrixXd before = s.kernel_features(d, g);

  KernelAdaptation none;
  none.steps = 0;
  const AdaptedKernel frozen = s.adapt_kernel(d, train, y, query, none);
  EXPECT_LT((frozen.train - before.topRows(16)).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((frozen.query - before.bottomRows(8)).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_DOUBLE_EQ(frozen.hyperparameters.log_lengthscale, s.gp_hyperparameters().log_lengthscale);

  KernelAdaptation a;
  a.steps = 60;
  a.mlp_lr = 1e-2;
  const AdaptedKernel adapted = s.adapt_kernel(d, train, y, query, a);
  const double lml_before = GpRegression(frozen.train, y).log_marginal_likelihood(frozen.hyperparameters);
  const double lml_after = GpRegression(adapted.train, y).log_marginal_likelihood(adapted.hyperparameters);
  EXPECT_GT(lml_after, lml_before + 0.05) << lml_before << " -> " << lml_after;
  EXPECT_GT((adapted.query - frozen.query).cwiseAbs().maxCoeff(), 1e-4);  // the MLP itself moved

  EXPECT_EQ((s.kernel_features(d, g) - before).cwiseAbs().maxCoeff(), 0.0);  // the surrogate is unchanged
  const AdaptedKernel again = s.adapt_kernel(d, train, y, query, a);
  EXPECT_EQ((again.query - adapted.query).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_THROW(s.adapt_kernel(d, train, y.head(3), query, a), Error);
}

// A checkpoint is verified before use: one flipped byte in any file the manifest lists, or a non-finite
// weight, is an error naming the file, not a silently different model.
TEST(Surrogate, CorruptOrNonFiniteCheckpointsAreRefusedNamingTheFile) {
  const auto dir = test::scratch_dir("checkpoint_verify");
  Surrogate s(small_options(), 3, 5);
  const std::string ck = (dir / "ck").string();
  s.save(ck, {}, {{"context.pt", std::vector<uint8_t>{1, 2, 3, 4}}});
  EXPECT_NO_THROW(Surrogate::load(ck));
  const auto expect_refused = [&](const std::string& file, const std::string& what) {
    try {
      Surrogate::load(ck);
      ADD_FAILURE() << file << ": accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(ck + "/" + file + ": " + what), std::string::npos) << e.what();
    }
  };
  for (const std::string file : {"model.pt", "context.pt", "weights.pt"}) {
    SCOPED_TRACE(file);
    const std::string path = ck + "/" + file;
    std::vector<char> bytes(std::filesystem::file_size(path));
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const size_t at = bytes.size() / 2;
    f.seekp(static_cast<std::streamoff>(at));
    f.put(static_cast<char>(bytes[at] ^ 0x10));
    f.close();
    expect_refused(file, "content hash");
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));  // restore
    EXPECT_NO_THROW(Surrogate::load(ck));
  }
  {  // a hand-edited manifest: a label standardization still in range, but not the one that was saved
    const std::string path = ck + "/manifest.json";
    auto manifest = nlohmann::json::parse(std::ifstream(path));
    const auto saved = manifest;
    manifest["label_mean"] = manifest["label_mean"].get<double>() + 1;
    std::ofstream(path) << manifest.dump(2);
    expect_refused("manifest.json", "the manifest was edited or damaged");
    std::ofstream(path) << saved.dump(2);
    EXPECT_NO_THROW(Surrogate::load(ck));
  }
  {
    torch::NoGradGuard no_grad;
    s.impl().net->kernel->mlp->parameters()[0].view(-1)[7] = std::numeric_limits<float>::quiet_NaN();
  }
  s.save(ck, {});
  expect_refused("model.pt", "tensor 'kernel.mlp.0.weight' has non-finite values");
}

TEST(Surrogate, CheckpointRoundTripAndMismatches) {
  const auto dir = test::scratch_dir("checkpoint");
  Surrogate s(small_options(), 3, 5);
  s.set_label_stats(70, 9);
  const std::string ck = (dir / "ck").string();
  s.save(ck, {{"note", "test"}});
  ASSERT_TRUE(std::filesystem::exists(ck + "/weights.pt"));
  const Surrogate back = Surrogate::load(ck);
  EXPECT_EQ(back.label_mean(), 70);
  const auto cells = std::vector<Nb201Cell>{Nb201Cell::from_id(123), Nb201Cell::from_id(4567)};
  const Eigen::MatrixXf g1 = nb201_embeddings(s, cells), g2 = nb201_embeddings(back, cells);
  EXPECT_EQ(g1, g2);  // identical predictions after save/load
  Eigen::VectorXf d = Eigen::VectorXf::LinSpaced(s.options().nz, -1, 1);
  EXPECT_EQ(s.kernel_features(d, g1), back.kernel_features(d, g2));

  EXPECT_THROW(Surrogate::load(ck, "darts"), Error);  // another search space
  // A manifest whose options do not match the tensors (without its self-hash, as written before it existed,
  // so that the tensors' own check is what refuses it).
  auto manifest = nlohmann::json::parse(std::ifstream(ck + "/manifest.json"));
  manifest.erase("manifest_hash");
  manifest["options"]["arch_hidden"] = 64;
  std::ofstream(ck + "/manifest.json") << manifest.dump();
  try {
    Surrogate::load(ck);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.pt: does not match the manifest"), std::string::npos)
        << e.what();
  }
  manifest["options"]["bogus"] = 1;
  std::ofstream(ck + "/manifest.json") << manifest.dump();
  EXPECT_THROW(Surrogate::load(ck), Error);
  std::ofstream(ck + "/manifest.json") << "{ not json";
  EXPECT_THROW(Surrogate::load(ck), Error);
  EXPECT_THROW(Surrogate::load((dir / "missing").string()), Error);
}

}  // namespace
}  // namespace tnas

namespace tnas {
namespace {

// The exported module computes what the C++ surrogate computes: D, G, z, and the zero-shot GP posterior.
TEST(Surrogate, TorchScriptExportMatchesTheCheckpoint) {
  const std::string ck = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(ck + "/manifest.json")) GTEST_SKIP() << ck << " is absent";
  const Surrogate s = Surrogate::load(ck);
  const auto dir = test::scratch_dir("export");
  const std::string path = (dir / "surrogate.pt").string();
  export_torchscript(s, path);
  torch::jit::Module m = torch::jit::load(path);

  torch::manual_seed(3);
  const int64_t classes = 4, per = s.options().images_per_class, f = s.options().feature_dim;
  auto images = torch::rand({classes * per, 3, 32, 32});
  auto features = m.run_method("featurize", images).toTensor();
  // Reference path through the C++ surrogate.
  ImageDataset d;
  d.source = "random";
  d.channels = 3, d.height = d.width = 32;
  d.class_names = numbered_class_names(classes);
  auto bytes = (images * 255).round().to(torch::kUInt8).contiguous();
  d.pixels.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
  for (int64_t i = 0; i < classes * per; ++i) d.labels.push_back(static_cast<int32_t>(i / per));
  const Eigen::MatrixXf ref_features = s.image_features(d);
  auto quantized = bytes.to(torch::kFloat32) / 255.0;
  auto exported_features = m.run_method("featurize", quantized).toTensor();
  for (int64_t i = 0; i < 5; ++i)
    EXPECT_NEAR(exported_features[i][0].item<float>(), ref_features(i, 0), 1e-4);

  const std::vector<Nb201Cell> cells = {Nb201Cell::from_id(77), Nb201Cell::from_id(9000),
                                        Nb201Cell::from_id(15000)};
  std::vector<int64_t> types;
  for (const auto& c : cells) {
    const auto g = make_op_graph(c);
    types.insert(types.end(), g.node_type.begin(), g.node_type.end());
  }
  auto node_types = torch::from_blob(types.data(), {3, 8}, torch::kInt64).clone();
  auto grouped = exported_features.view({classes, per, f});
  auto out = m.forward({grouped, node_types}).toTuple();
  auto mean = out->elements()[0].toTensor(), var = out->elements()[1].toTensor();

  // D from exactly these features: per class in order (rng unused when each class has `per` images).
  Eigen::MatrixXf feat(classes * per, f);
  auto fc = exported_features.contiguous();
  for (int64_t i = 0; i < classes * per; ++i)
    for (int64_t j = 0; j < f; ++j) feat(i, j) = fc[i][j].item<float>();
  torch::NoGradGuard no_grad;
  auto dref = s.impl().dataset_embedding(grouped);
  Eigen::VectorXf dv(dref.size(0));
  for (int64_t j = 0; j < dv.size(); ++j) dv(j) = dref[j].item<float>();
  const Eigen::MatrixXd z = s.kernel_features(dv, nb201_embeddings(s, cells));
  Eigen::MatrixXd zc;
  Eigen::VectorXd yc;
  s.context(zc, yc);
  GpRegression gp(zc, yc, s.gp_hyperparameters());
  Eigen::VectorXd mu, v;
  gp.predict(z, mu, v);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(mean[i].item<double>(), mu(i) * s.label_std() + s.label_mean(), 1e-3);
    EXPECT_NEAR(var[i].item<double>(), v(i) * s.label_std() * s.label_std(), 1e-2);
  }
}

}  // namespace
}  // namespace tnas

namespace tnas {
namespace {

// The space sizes the graph encoder (set_search_space), and a surrogate sized for other graphs is refused
// naming what differs, rather than indexing past its node-type table.
TEST(Surrogate, TheSpaceSizesTheGraphEncoderAndAnotherSizeIsRefused) {
  SurrogateOptions o = small_options();
  o.arch_node_types = 3;
  o.arch_nodes = 20;
  set_search_space(o, JahsSpace());
  EXPECT_EQ(o.search_space, "jahs");
  EXPECT_EQ(o.arch_node_types, 7);
  EXPECT_EQ(o.arch_nodes, 8);
  EXPECT_EQ(o.arch_numeric_features, 6);
  SurrogateOptions bigger = small_options();
  set_search_space(bigger, Nb201Space());
  bigger.arch_node_types = 9;  // a space with two more operations
  const Surrogate s(bigger, 1, 4);
  Rng rng(3);
  try {
    s.arch_embeddings(Nb201Space(), {Nb201Space().sample(rng)});
    ADD_FAILURE() << "a surrogate with 9 node types encoded NB201 cells";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "this surrogate reads 9 graph node types of a nb201 configuration, the space has 7");
  }
}

// A grammar space's derivations each have a graph of their own: a batch of several graphs (and a repeated
// one) embeds each architecture as it embeds alone.
TEST(Surrogate, ArchitecturesOfDifferentGraphsEmbedAsTheyDoAlone) {
  const GrammarSpace space(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"));
  SurrogateOptions o = small_options();
  set_search_space(o, space);
  EXPECT_EQ(o.arch_nodes, space.graph_max_nodes());
  const Surrogate s(o, 1, 4);
  Rng rng(6);
  std::vector<Arch> configs;
  for (int i = 0; i < 4; ++i) configs.push_back(space.sample(rng));
  configs.push_back(configs[1]);
  EXPECT_NE(space.to_graph(configs[0]).num_nodes(), 0);
  const Eigen::MatrixXf together = s.arch_embeddings(space, configs);
  for (size_t i = 0; i < configs.size(); ++i)
    EXPECT_TRUE(together.row(static_cast<Eigen::Index>(i))
                    .isApprox(s.arch_embeddings(space, {configs[i]}).row(0), 1e-5))
        << i;
  EXPECT_EQ(together.row(4), together.row(1));
  EXPECT_FALSE(together.row(0).isApprox(together.row(2), 1e-3));
}

// A derivation's node indices name no role: a grammar-space surrogate reads no vertex ids, says so in its
// manifest (NB201's manifest stays as it was), keeps it through save and load, and is not exported as a
// TorchScript module unrolled over one topology.
TEST(Surrogate, AGrammarSurrogateReadsNoVertexIdsAndIsNotExported) {
  const GrammarSpace space(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"));
  SurrogateOptions o = small_options();
  set_search_space(o, space);
  EXPECT_FALSE(o.arch_vertex_ids);
  EXPECT_EQ(to_json(o).at("arch_vertex_ids"), false);
  SurrogateOptions nb201 = small_options();
  set_search_space(nb201, Nb201Space());
  EXPECT_TRUE(nb201.arch_vertex_ids);
  EXPECT_FALSE(to_json(nb201).contains("arch_vertex_ids"));
  EXPECT_TRUE(surrogate_options_from_json(to_json(nb201)).arch_vertex_ids);

  Surrogate s(o, 1, 4);
  Rng rng(2);
  const std::vector<Arch> configs = {space.sample(rng), space.sample(rng)};
  const Eigen::MatrixXf g = s.arch_embeddings(space, configs);
  const auto dir = test::scratch_dir("grammar_surrogate");
  const std::string ck = (dir / "ck").string();
  s.set_label_stats(20, 5);
  s.save(ck, {}, {});
  const Surrogate back = Surrogate::load(ck, "hnb201");
  EXPECT_FALSE(back.options().arch_vertex_ids);
  EXPECT_EQ(back.arch_embeddings(space, configs), g);
  try {
    export_torchscript(back, (dir / "surrogate.pt").string());
    ADD_FAILURE() << "an hnb201 surrogate was exported over one topology";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("search space 'hnb201' gives each configuration its own"),
              std::string::npos)
        << e.what();
  }
}

// A JAHS surrogate reads the hyperparameters beside the cell graph: each one changes G; the option survives
// save and load; the checkpoint is refused for another space; the export takes them as a third input and
// predicts what the C++ surrogate predicts.
TEST(Surrogate, JahsHyperparametersEnterTheEmbeddingTheCheckpointAndTheExport) {
  SurrogateOptions o = small_options();
  o.search_space = "jahs";
  o.arch_numeric_features = JahsSpace().numeric_feature_count();
  o.dataset_embedding = false;
  Surrogate s(o, 1, 4);
  const JahsSpace space;
  const std::string cell =
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|";
  const std::vector<Arch> configs = {
      space.parse(cell + ";activation=relu;lr=0.1;wd=0.0001;trivial_augment=off"),
      space.parse(cell + ";activation=relu;lr=1;wd=0.0001;trivial_augment=off"),
      space.parse(cell + ";activation=mish;lr=0.1;wd=0.0001;trivial_augment=off"),
      space.parse(cell + ";activation=relu;lr=0.1;wd=0.0001;trivial_augment=on")};
  const Eigen::MatrixXf g = s.arch_embeddings(space, configs);
  for (int i = 1; i < 4; ++i)
    EXPECT_FALSE(g.row(0).isApprox(g.row(i), 1e-4)) << i;  // same cell, one hyperparameter changed
  Rng rng(2);
  EXPECT_THROW(s.arch_embeddings(Nb201Space(), {Nb201Space().sample(rng)}), Error);
  EXPECT_FALSE(to_json(SurrogateOptions()).contains("arch_numeric_features"));  // NB201 manifests as before

  const auto dir = test::scratch_dir("jahs_surrogate");
  const std::string ck = (dir / "ck").string();
  s.set_label_stats(60, 10);
  c10::Dict<std::string, torch::Tensor> context;
  torch::manual_seed(1);
  context.insert("z", torch::randn({6, 194}, torch::kFloat64));
  context.insert("y", torch::randn({6}, torch::kFloat64));
  const auto pickled = torch::pickle_save(c10::IValue(context));
  s.save(ck, {}, {{"context.pt", std::vector<uint8_t>(pickled.begin(), pickled.end())}});
  try {
    Surrogate::load(ck);  // an NB201 user
    ADD_FAILURE() << "a jahs checkpoint was accepted for nb201";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint is for search space \"jahs\", not 'nb201'"),
              std::string::npos)
        << e.what();
  }
  const Surrogate back = Surrogate::load(ck, "jahs");
  EXPECT_EQ(back.options().arch_numeric_features, 6);
  EXPECT_EQ(back.arch_embeddings(space, configs), g);

  const std::string path = (dir / "surrogate.pt").string();
  export_torchscript(back, path);
  torch::jit::Module m = torch::jit::load(path);
  std::vector<int64_t> types;
  std::vector<float> numeric;
  for (const Arch& a : configs) {
    const EncoderInput in = encoder_input(space, a);
    types.insert(types.end(), in.graph.node_type.begin(), in.graph.node_type.end());
    numeric.insert(numeric.end(), in.numeric.begin(), in.numeric.end());
  }
  auto node_types = torch::from_blob(types.data(), {4, 8}, torch::kInt64).clone();
  auto numeric_t = torch::from_blob(numeric.data(), {4, 6}, torch::kFloat32).clone();
  auto out =
      m.forward({torch::zeros({2, o.images_per_class, o.feature_dim}), node_types, numeric_t}).toTuple();
  const auto mean = out->elements()[0].toTensor();
  Eigen::MatrixXd zc;
  Eigen::VectorXd yc, mu, v;
  back.context(zc, yc);
  GpRegression(zc, yc, back.gp_hyperparameters())
      .predict(back.kernel_features(Eigen::VectorXf::Zero(o.nz), g), mu, v);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(mean[i].item<double>(), mu(i) * 10 + 60, 1e-3) << i;
}

}  // namespace
}  // namespace tnas
