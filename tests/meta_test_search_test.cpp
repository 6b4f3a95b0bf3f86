// The search loop end to end on a synthetic table: methods, failures, resume after SIGKILL, bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "basics/output_lock.h"
#include "datasets/tables/tabular_benchmark.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/constraints/constraint.h"
#include "meta_test/search/candidate_pool.h"
#include "meta_test/search/final_training.h"
#include "meta_test/search/search_loop.h"
#include "tests/dataset_files.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"

namespace tnas {
namespace {

SearchSettings settings(const std::string& method, const std::string& table, const std::string& out,
                        int budget) {
  SearchSettings s;
  s.method = method;
  s.objective.spec = "table:" + table + ":acc";
  s.budget = budget;
  s.seed = 3;
  s.out = out;
  return s;
}

std::vector<std::string> trial_archs(const std::string& dir) {
  std::vector<std::string> archs;
  std::ifstream in(dir + "/trials.jsonl");
  for (std::string line; std::getline(in, line);) archs.push_back(nlohmann::json::parse(line).at("arch"));
  return archs;
}

TEST(Search, EveryBaselineRunsAndNeverRepeatsACell) {
  const auto dir = test::scratch_dir("search_methods");
  const std::string table = test::synthetic_table(dir);
  // Every registered single-objective method for any space but tnas (which needs a checkpoint and a dataset;
  // its own tests follow), so that a newly registered method is tested here without another line. Methods
  // of grammar spaces have their own test (Search.BohnasSearchesAGrammarSpaceBeyondItsPool).
  std::vector<std::string> methods;
  for (const MethodEntry& method : search_method_registry())
    if (method.family == MethodFamily::kSingleObjective && method.spaces == MethodSpaces::kAny &&
        method.name != "tnas")
      methods.push_back(method.name);
  ASSERT_GE(methods.size(), 7u);
  for (const std::string& m : methods) {
    SCOPED_TRACE(m);
    const auto out = (dir / m).string();
    const auto summary = run_search(settings(m, table, out, 25), [](const std::string&) {});
    EXPECT_EQ(summary.at("evaluations"), 25);
    const auto archs = trial_archs(out);
    ASSERT_EQ(archs.size(), 25u);
    std::set<std::string> keys;
    for (const auto& a : archs) keys.insert(Nb201Cell::parse(a).iso_key());
    EXPECT_EQ(keys.size(), 25u);  // the pool is de-duplicated: no isomorphic repeats
    EXPECT_TRUE(std::filesystem::exists(out + "/trajectory.csv"));
    EXPECT_TRUE(std::filesystem::exists(out + "/summary.json"));
    EXPECT_GT(summary.at("best_accuracy").get<double>(), 70.0);
  }
}

// BANANAS: the path encoding has one feature per op-type sequence along a cell's input-output paths that
// occurs in the pool (118 of the 155 possible in the de-duplicated NB201 pool, whose representatives are the
// lowest ids of their isomorphism classes: a golden value); the ensemble learns the table's trend (5 points
// per 3x3 convolution) well enough to reach cells with five or six of them, which random search almost never
// draws (0.2 %); the same seed gives the same trials.
TEST(Search, BananasLearnsTheTrendOfATableAndIsReproducible) {
  const auto dir = test::scratch_dir("search_bananas");
  const std::string table = test::synthetic_table(dir);
  const auto summary =
      run_search(settings("bananas", table, (dir / "a").string(), 30), [](const std::string&) {});
  EXPECT_GE(summary.at("best_accuracy").get<double>(), 85.0);
  run_search(settings("bananas", table, (dir / "b").string(), 30), [](const std::string&) {});
  EXPECT_EQ(trial_archs((dir / "a").string()), trial_archs((dir / "b").string()));
  const auto config = nlohmann::json::parse(test::read_text((dir / "a" / "config.json").string()));
  EXPECT_EQ(config.at("method").at("encoding"), "paths of the op graph (118 in the pool)");
}

TEST(Search, ParamsProposesTheLargestCellsFirst) {
  const auto dir = test::scratch_dir("search_params");
  const std::string table = test::synthetic_table(dir);
  const auto out = (dir / "params").string();
  run_search(settings("params", table, out, 3), [](const std::string&) {});
  const auto archs = trial_archs(out);
  // All six edges 3x3 convs is the largest cell (1.531 M parameters); then five convs and one 1x1 conv.
  EXPECT_EQ(
      archs[0],
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  for (const auto& a : {archs[1], archs[2]}) {
    const Nb201Cell c = Nb201Cell::parse(a);
    int conv3 = 0, conv1 = 0;
    for (Nb201Op op : c.ops()) conv3 += op == Nb201Op::kConv3x3, conv1 += op == Nb201Op::kConv1x1;
    EXPECT_EQ(conv3, 5) << a;
    EXPECT_EQ(conv1, 1) << a;
  }
}

TEST(Search, ModelBasedMethodsLearnTheTrendOfTheSyntheticTable) {
  // Accuracy grows with the number of 3x3 convs: within 25 evaluations bowl and gp must find a cell with at
  // least 5 of them (a random pick has 5+ with probability 0.0016 per cell).
  const auto dir = test::scratch_dir("search_trend");
  const std::string table = test::synthetic_table(dir);
  for (const char* m : {"bowl", "gp"}) {
    SCOPED_TRACE(m);
    const auto summary = run_search(settings(m, table, (dir / m).string(), 25), [](const std::string&) {});
    EXPECT_GE(summary.at("best_accuracy").get<double>(), 85.0);
  }
}

TEST(Search, MutationCandidatesAreTheUnevaluatedNeighboursOfTheBestCells) {
  const Nb201Space space;
  const CandidatePool pool(space, space.enumerate());  // a cell stands for its isomorphism class
  const Nb201Cell a = Nb201Cell::from_id(777), b = Nb201Cell::from_id(4242), c = Nb201Cell::from_id(9000);
  const std::vector<Observation> h = {{Nb201Space::from_cell(a), 70, true},
                                      {Nb201Space::from_cell(b), 80, true},
                                      {Nb201Space::from_cell(c), 99, false}};
  const auto done = pool.evaluated(h);
  auto neighbour_keys = [](const Nb201Cell& x) {  // iso keys one edit away, other than x's own
    std::set<std::string> keys;
    for (int k = 0; k < kNb201NumEdges; ++k)
      for (int op = 0; op < kNb201NumOps; ++op) {
        Nb201Cell n = x;
        n.set_op(k, static_cast<Nb201Op>(op));
        if (n.iso_key() != x.iso_key()) keys.insert(n.iso_key());
      }
    return keys;
  };
  auto keys_of = [&](const std::vector<long>& ids) {
    std::set<std::string> keys;
    for (long i : ids) keys.insert(space.iso_key(pool.configs()[i]));
    EXPECT_EQ(keys.size(), ids.size());  // no class twice
    return keys;
  };
  // One parent: the best successful cell, b.
  EXPECT_EQ(keys_of(pool.mutation_candidates(h, done, 1)), neighbour_keys(b));
  // Two parents: a's neighbours too; the failed observation c (99 %) is never a parent.
  std::set<std::string> both = neighbour_keys(b);
  for (const auto& k : neighbour_keys(a)) both.insert(k);
  EXPECT_EQ(keys_of(pool.mutation_candidates(h, done, 2)), both);
  EXPECT_EQ(keys_of(pool.mutation_candidates(h, done, 5)), both);
  EXPECT_GT(both.size(), 30u);
}

TEST(Search, WiderCandidatesAreTwoEditsFromTheBestAndOneFromTheNextBest) {
  const Nb201Space space;
  const CandidatePool pool(space, space.enumerate());
  const Nb201Cell a = Nb201Cell::from_id(777), b = Nb201Cell::from_id(4242), c = Nb201Cell::from_id(9000);
  const std::vector<Observation> h = {{Nb201Space::from_cell(a), 70, true},
                                      {Nb201Space::from_cell(b), 80, true},
                                      {Nb201Space::from_cell(c), 60, true}};
  const auto done = pool.evaluated(h);
  const std::vector<long> local = pool.mutation_candidates(h, done, 1);
  Rng rng(5);
  const std::vector<long> wider = pool.wider_candidates(h, done, 1, 0, local, rng);
  // Every wider cell is unevaluated, not a local candidate, and (by isomorphism class) at most two edits
  // from b or one from a (the next best) — never a neighbour of c alone (beyond one more parent).
  std::set<std::string> reachable;
  auto add_edits = [&](const Nb201Cell& x, int depth, auto&& self) -> void {
    reachable.insert(x.iso_key());
    if (depth == 0) return;
    for (int k = 0; k < kNb201NumEdges; ++k)
      for (int op = 0; op < kNb201NumOps; ++op) {
        Nb201Cell n = x;
        n.set_op(k, static_cast<Nb201Op>(op));
        self(n, depth - 1, self);
      }
  };
  add_edits(b, 2, add_edits);
  add_edits(a, 1, add_edits);
  const std::set<long> local_set(local.begin(), local.end());
  for (long i : wider) {
    EXPECT_FALSE(done[i]);
    EXPECT_EQ(local_set.count(i), 0u);
    EXPECT_EQ(reachable.count(space.iso_key(pool.configs()[i])), 1u);
  }
  EXPECT_GT(wider.size(), 100u);  // most of b's 240 two-edit changes are classes of their own
  EXPECT_TRUE(std::is_sorted(wider.begin(), wider.end()));
  // A sample of the pool comes on top, drawn with the generator: the same seed, the same cells.
  Rng again(5), other(6);
  const auto sampled = pool.wider_candidates(h, done, 1, 50, local, again);
  EXPECT_GE(sampled.size(), wider.size() + 40);
  Rng again2(5);
  EXPECT_EQ(pool.wider_candidates(h, done, 1, 50, local, again2), sampled);
  EXPECT_NE(pool.wider_candidates(h, done, 1, 50, local, other), sampled);
}

TEST(Search, TheBayesianSearchWidensOnlyWhenTheNeighboursPromiseLittle) {
  const auto dir = test::scratch_dir("search_widen");
  const std::string table = test::synthetic_table(dir);
  auto count_widened = [](const std::string& out) {
    int widened = 0;
    std::ifstream in(out + "/trials.jsonl");
    for (std::string line; std::getline(in, line);)
      widened += nlohmann::json::parse(line).value("proposal", "").find("widened") != std::string::npos;
    return widened;
  };
  auto s = settings("gp", table, (dir / "always").string(), 14);
  s.method_settings.deep_kernel.widen_below =
      10;  // every expected improvement is below 10 sd: every BO step widens
  run_search(s, [](const std::string&) {});
  EXPECT_EQ(count_widened(s.out), 14 - s.method_settings.proposal.warm_start);
  s.out = (dir / "never").string();
  s.method_settings.deep_kernel.widen_below = 0;
  run_search(s, [](const std::string&) {});
  EXPECT_EQ(count_widened(s.out), 0);
  s.out = (dir / "bad").string();
  s.method_settings.deep_kernel.widen_below = -1;
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
}

TEST(Search, ResumesAfterSigkillWithoutLosingOrDuplicatingTrials) {
  const auto dir = test::scratch_dir("search_kill");
  const std::string table = test::synthetic_table(dir);
  // Each lookup takes a few milliseconds (simulated), so that a kill placed by counting trials lands mid-run.
  const auto killable = [&](const std::string& out) {
    SearchSettings s = settings("evolution", table, out, 60);
    s.simulated_seconds = 0.01;
    return s;
  };
  const std::string reference = (dir / "reference").string();
  run_search(killable(reference), [](const std::string&) {});
  const auto expected = trial_archs(reference);
  Rng rng(5 + test::test_seed());
  for (int round = 0; round < 5; ++round) {
    const std::string out = (dir / ("killed" + std::to_string(round))).string();
    for (int kills = 0; kills < 3; ++kills) {
      const size_t target = 1 + rng.uniform_int(15);
      const size_t recorded = test::kill_search_after_trials(
          [&] { run_search(killable(out), [](const std::string&) {}); }, out, target);
      ASSERT_LT(recorded, expected.size()) << "round " << round << ": the kill landed after the search ended";
    }
    run_search(killable(out), [](const std::string&) {});
    EXPECT_EQ(trial_archs(out), expected) << "round " << round;
  }
}

TEST(Search, FailedTrialsAreRecordedAndTheSearchGoesOn) {
  const auto dir = test::scratch_dir("search_fail");
  const std::string table = test::synthetic_table(dir, /*drop_some=*/true);
  // A table without some cells: the pool is the cells it can answer (directly or through an isomorphic row),
  // so no trial is spent on a lookup that must fail.
  const auto summary =
      run_search(settings("random", table, (dir / "r").string(), 40), [](const std::string&) {});
  EXPECT_EQ(summary.at("evaluations"), 40);
  EXPECT_EQ(summary.at("failed_trials").get<int>(), 0);
  const auto config = nlohmann::json::parse(test::read_text((dir / "r" / "config.json").string()));
  const size_t pool = config.at("pool").at("size");
  EXPECT_LT(pool, 6466u);
  EXPECT_GT(pool, 5000u);
  std::filesystem::create_directories(dir / "complete");
  run_search(settings("random", test::synthetic_table(dir / "complete"), (dir / "complete_run").string(), 2),
             [](const std::string&) {});
  EXPECT_EQ(nlohmann::json::parse(test::read_text((dir / "complete_run" / "config.json").string()))
                .at("pool")
                .at("size"),
            6466);

  // A command objective: a crash, missing JSON, a timeout are failed trials; good JSON is read.
  SearchSettings s = settings("random", table, (dir / "c").string(), 8);
  s.objective.spec =
      "command:sh -c 'case $0 in \\|nor_conv*) exit 3;; esac; echo \"{\\\"accuracy\\\": 42.5}\"' {arch}";
  const auto c = run_search(s, [](const std::string&) {});
  EXPECT_EQ(c.at("evaluations"), 8);
  // Each trial as its command behaved: a convolution on the first edge crashed (status 3), the others
  // read 42.5.
  int crashed = 0, read = 0;
  for (const auto& trial : test::read_trials(s.out)) {
    const std::string arch = trial.at("arch");
    if (arch.rfind("|nor_conv", 0) == 0) {
      EXPECT_FALSE(trial.at("ok").get<bool>()) << arch;
      EXPECT_NE(trial.at("error").get<std::string>().find("status 3"), std::string::npos) << trial.dump();
      ++crashed;
    } else {
      EXPECT_TRUE(trial.at("ok").get<bool>()) << trial.dump();
      EXPECT_EQ(trial.at("accuracy").get<double>(), 42.5) << arch;
      ++read;
    }
  }
  EXPECT_GT(crashed, 0);
  EXPECT_GT(read, 0);
  EXPECT_EQ(c.at("failed_trials").get<int>(), crashed);
  s.out = (dir / "n").string();
  s.objective.spec = "command:echo no json here {arch}";
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("failed_trials"), 8);
  s.out = (dir / "t").string();
  s.budget = 1;
  s.objective.spec = "command:sleep 5; echo {arch}";
  s.objective.timeout_seconds = 0.3;
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("failed_trials"), 1);
}

// tnas with the shipped checkpoint, D conditioned on a target's images: each way of drawing D and of
// adapting the kernel gives the same trials for the same seed, and a finished run resumes (reruns) without
// re-evaluating anything.
TEST(Search, TnasIsReproducibleAndResumesWithFixedAndPerStepDatasetEmbedding) {
  const std::string checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(checkpoint + "/manifest.json")) GTEST_SKIP() << checkpoint << " is absent";
  const auto dir = test::scratch_dir("search_tnas");
  const std::string table = test::synthetic_table(dir);
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
  // D drawn once or every step; with --adapt mlp the deep kernel's MLP is fine-tuned every step as well.
  for (const auto& [mode, adapt] : std::vector<std::pair<std::string, std::string>>{
           {"fixed", "hyperparameters"}, {"per-step", "hyperparameters"}, {"per-step", "mlp"}}) {
    SCOPED_TRACE(mode + " " + adapt);
    auto s = settings("tnas", table, (dir / (mode + "_" + adapt + "_a")).string(), 9);
    s.method_settings.deep_kernel.checkpoint = checkpoint;
    s.method_settings.deep_kernel.dataset = "cifar10:" + images;
    s.method_settings.proposal.warm_start = 3;
    s.method_settings.deep_kernel.dataset_embedding =
        parse_enum<DatasetEmbedding>(mode, "--dataset-embedding");
    s.method_settings.deep_kernel.adapt = parse_enum<Adaptation>(adapt, "--adapt");
    const auto first = run_search(s, [](const std::string&) {});
    EXPECT_EQ(first.at("evaluations"), 9);
    const auto archs = trial_archs(s.out);
    std::set<std::string> keys;
    for (const auto& a : archs) keys.insert(Nb201Cell::parse(a).iso_key());
    EXPECT_EQ(keys.size(), 9u);
    // Rerun in place: the configuration matches (timings are not part of it), nothing is evaluated again.
    run_search(s, [](const std::string&) {});
    EXPECT_EQ(trial_archs(s.out), archs);
    s.out = (dir / (mode + "_" + adapt + "_b")).string();
    run_search(s, [](const std::string&) {});
    EXPECT_EQ(trial_archs(s.out), archs);
  }
  auto s = settings("tnas", table, (dir / "bad").string(), 3);
  s.method_settings.deep_kernel.checkpoint = checkpoint;
  s.method_settings.deep_kernel.dataset = "cifar10:" + images;
  s.method_settings.deep_kernel.dataset_embedding = DatasetEmbedding::kFixed;
  s.method_settings.deep_kernel.adapt = Adaptation::kMlp;
  s.method_settings.deep_kernel.mlp_lr = 0;
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
}

// The closed sets of the BO settings are parsed from their names strictly, the error lists the choices, and
// each value is written back (config.json) by the name it was parsed from.
template <typename Enum>
void expect_round_trip() {
  for (const auto& [value, name] : enum_names<Enum>()) {
    EXPECT_EQ(parse_enum<Enum>(name, "--x"), value) << name;
    EXPECT_EQ(enum_name(value), name);
  }
}

TEST(SearchSettings, ClosedSetsAreParsedByNameAndAnUnknownNameListsTheChoices) {
  expect_round_trip<Acquisition::Kind>();
  expect_round_trip<WarmStartFrom>();
  expect_round_trip<DatasetEmbedding>();
  expect_round_trip<Adaptation>();
  expect_round_trip<AcquisitionPool>();
  expect_round_trip<KernelChoice>();
  expect_round_trip<ParegoModel>();
  expect_round_trip<PendingTreatment>();
  expect_round_trip<MultiFidelityModel>();
  const auto error = [](auto parse) {
    try {
      parse();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error([] { parse_enum<Adaptation>("everything", "--adapt"); }),
            "--adapt must be hyperparameters or mlp, got 'everything'");
  EXPECT_EQ(error([] { parse_enum<PendingTreatment>("Believer", "--pending"); }),
            "--pending must be believer, fantasies or none, got 'Believer'");
  EXPECT_EQ(error([] { parse_enum<WarmStartFrom>("", "--warm-start-from"); }),
            "--warm-start-from must be zero-shot, zero-shot-and-params, meta-data or random, got ''");
}

// The pool embedding (architecture embeddings, target features, D, zero-shot mean) is cached in the data
// cache: a second search with the same inputs reads it, a damaged entry is recomputed and replaced, and the
// trials are the same in every case.
TEST(Search, ThePoolEmbeddingIsCachedAndADamagedEntryIsRecomputed) {
  const std::string checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(checkpoint + "/manifest.json")) GTEST_SKIP() << checkpoint << " is absent";
  const auto dir = test::scratch_dir("search_pool_cache");
  const std::string table = test::synthetic_table(dir);
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
  const char* previous = std::getenv("TNAS_DATA_CACHE");
  const std::string saved = previous ? previous : "";
  ::setenv("TNAS_DATA_CACHE", (dir / "cache").c_str(), 1);
  const auto cached = [](const std::string& out) {
    const auto config = nlohmann::json::parse(test::read_text(out + "/config.json"));
    return config.at("method").at("pool_embedding").at("cached").get<bool>();
  };
  for (const std::string method : {"tnas", "gp"}) {
    SCOPED_TRACE(method);
    auto s = settings(method, table, (dir / (method + "_1")).string(), 4);
    s.method_settings.deep_kernel.checkpoint = checkpoint;
    s.method_settings.deep_kernel.dataset = "cifar10:" + images;
    run_search(s, [](const std::string&) {});
    EXPECT_FALSE(cached(s.out));
    const auto archs = trial_archs(s.out);
    s.out = (dir / (method + "_2")).string();
    run_search(s, [](const std::string&) {});
    EXPECT_TRUE(cached(s.out));
    EXPECT_EQ(trial_archs(s.out), archs);
    for (const auto& entry : std::filesystem::directory_iterator(dir / "cache" / "pool-embeddings")) {
      std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(100);
      file.put('\x7f');
    }
    s.out = (dir / (method + "_3")).string();
    run_search(s, [](const std::string&) {});
    EXPECT_FALSE(cached(s.out));
    EXPECT_EQ(trial_archs(s.out), archs);
    s.out = (dir / (method + "_4")).string();
    run_search(s, [](const std::string&) {});
    EXPECT_TRUE(cached(s.out));
    if (method == "tnas") {  // another target file is another entry
      test::write_cifar(test::synthetic_images(210, 3, 32, 32, 10), images, false);
      s.out = (dir / (method + "_5")).string();
      run_search(s, [](const std::string&) {});
      EXPECT_FALSE(cached(s.out));
      test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
    }
    std::filesystem::remove_all(dir / "cache");
  }
  if (previous)
    ::setenv("TNAS_DATA_CACHE", saved.c_str(), 1);
  else
    ::unsetenv("TNAS_DATA_CACHE");
}

// --warm-start-top K draws each warm-start cell with the seed from the K best-predicted: seeds start in
// different places, and one seed is still reproducible.
TEST(Search, TheWarmStartDrawsFromThePriorsTopWithTheSeed) {
  const std::string checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(checkpoint + "/manifest.json")) GTEST_SKIP() << checkpoint << " is absent";
  const auto dir = test::scratch_dir("search_warm_start_top");
  const std::string table = test::synthetic_table(dir);
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
  std::set<std::string> first_cells;
  for (uint64_t seed = 0; seed < 4; ++seed) {
    auto s = settings("tnas", table, (dir / ("top_" + std::to_string(seed))).string(), 2);
    s.method_settings.deep_kernel.checkpoint = checkpoint;
    s.method_settings.deep_kernel.dataset = "cifar10:" + images;
    s.method_settings.deep_kernel.warm_start_top = 20;
    s.seed = seed;
    run_search(s, [](const std::string&) {});
    const auto archs = trial_archs(s.out);
    first_cells.insert(archs.at(0));
    if (seed == 0) {
      s.out = (dir / "top_0_again").string();
      run_search(s, [](const std::string&) {});
      EXPECT_EQ(trial_archs(s.out), archs);
    }
  }
  EXPECT_GE(first_cells.size(), 2u);
  auto bad = settings("tnas", table, (dir / "bad").string(), 2);
  bad.method_settings.deep_kernel.checkpoint = checkpoint;
  bad.method_settings.deep_kernel.dataset = "cifar10:" + images;
  bad.method_settings.deep_kernel.warm_start_top = 0;
  EXPECT_THROW(run_search(bad, [](const std::string&) {}), Error);
}

// --warm-start-from zero-shot-and-params: the warm start's cells alternate between the prior's top and the
// largest cells, so the second one is the all-3x3-convolution cell and the first is the plain warm start's.
TEST(Search, TheParamsHedgedWarmStartTakesEverySecondCellFromTheLargest) {
  const std::string checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(checkpoint + "/manifest.json")) GTEST_SKIP() << checkpoint << " is absent";
  const auto dir = test::scratch_dir("search_warm_start_params");
  const std::string table = test::synthetic_table(dir);
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
  std::vector<std::vector<std::string>> runs;
  for (const WarmStartFrom from : {WarmStartFrom::kZeroShot, WarmStartFrom::kZeroShotAndParams}) {
    auto s = settings("tnas", table, (dir / enum_name(from)).string(), 3);
    s.method_settings.deep_kernel.checkpoint = checkpoint;
    s.method_settings.deep_kernel.dataset = "cifar10:" + images;
    s.method_settings.deep_kernel.warm_start_top = 1;
    s.method_settings.deep_kernel.warm_start_from = from;
    run_search(s, [](const std::string&) {});
    runs.push_back(trial_archs(s.out));
    const auto config = nlohmann::json::parse(test::read_text(s.out + "/config.json"));
    EXPECT_EQ(config.at("method").at("warm_start_from"), enum_name(from));
  }
  EXPECT_EQ(runs[1].at(0), runs[0].at(0));
  EXPECT_EQ(
      runs[1].at(1),
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  EXPECT_NE(runs[0].at(1), runs[1].at(1));
}

TEST(Search, AProxyKernelIsOneMoreFamilyOfTnasAdditiveKernel) {
  const std::string checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  if (!std::filesystem::exists(checkpoint + "/manifest.json")) GTEST_SKIP() << checkpoint << " is absent";
  const auto dir = test::scratch_dir("search_proxy_kernel");
  const std::string table = test::synthetic_table(dir);  // accuracy grows with 3x3 convs, so does size
  const std::string images = (dir / "target.bin").string();
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), images, false);
  // How many proposals used the size family, and the method as config.json records it.
  const auto search = [&](const std::string& name, std::optional<double> evidence,
                          const std::vector<std::string>& constraints = {},
                          std::optional<ProxyKernel> proxy_kernel = std::nullopt) {
    auto s = settings("tnas", table, (dir / name).string(), 12);
    s.method_settings.deep_kernel.checkpoint = checkpoint;
    s.method_settings.deep_kernel.dataset = "cifar10:" + images;
    s.method_settings.deep_kernel.proxy_kernel_evidence = evidence;
    s.method_settings.deep_kernel.proxy_kernel = proxy_kernel;
    s.constraints = parse_constraints(constraints);
    run_search(s, [](const std::string&) {});
    int chose_params = 0;
    std::ifstream in(s.out + "/trials.jsonl");
    for (std::string line; std::getline(in, line);)
      chose_params += nlohmann::json::parse(line).value("proposal", "").find("params") != std::string::npos;
    std::ifstream config(s.out + "/config.json");
    return std::make_pair(chose_params, nlohmann::json::parse(config)["method"]);
  };
  // tnas's default: the family is there, behind kTnasProxyKernelEvidence nats of evidence, and on a table
  // whose accuracy grows with size the data give them.
  const auto [by_default, method] = search("default", std::nullopt);
  EXPECT_EQ(method.value("proxy_kernel", ""), "params");
  EXPECT_EQ(method.value("proxy_kernel_evidence", -1.0), kTnasProxyKernelEvidence);
  EXPECT_GE(by_default, 1);
  EXPECT_GE(search("free", 0.0).first, 1);   // weighed like the other families
  EXPECT_EQ(search("gated", 1e6).first, 0);  // more evidence than any data give: never used
  // Under a cap on size the default leaves the family out (it would drive the search to the cap's edge), a
  // lower bound keeps it, and asking for it keeps it anyway.
  const auto [capped, capped_method] = search("capped", std::nullopt, {"flops<=1e12"});
  EXPECT_EQ(capped, 0);
  EXPECT_EQ(capped_method.value("proxy_kernel", ""), "");
  EXPECT_EQ(search("floor", std::nullopt, {"params>=1"}).second.value("proxy_kernel", ""), "params");
  EXPECT_GE(search("capped_asked", std::nullopt, {"flops<=1e12"}, ProxyKernel::kParams).first, 1);
  auto gp = settings("gp", table, (dir / "gp").string(), 6);
  gp.method_settings.deep_kernel.proxy_kernel = ProxyKernel::kParams;
  EXPECT_THROW(run_search(gp, [](const std::string&) {}), Error);  // gp has no additive kernel
}

TEST(Search, ASecondSearchOnTheSameRunDirectoryIsRefused) {
  const auto dir = test::scratch_dir("search_lock");
  const std::string table = test::synthetic_table(dir);
  const auto s = settings("random", table, (dir / "run").string(), 3);
  {
    OutputLock first(s.out, LockTarget::kDirectory, "search");  // what a running search holds
    try {
      run_search(s, [](const std::string&) {});
      ADD_FAILURE() << "a locked run directory was written";
    } catch (const Error& e) {
      EXPECT_NE(
          std::string(e.what()).find("in use by another search (pid " + std::to_string(::getpid()) + ")"),
          std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(s.out + "/trials.jsonl"));
  }
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("evaluations"), 3);  // released with its holder
}

TEST(Search, ALargerBudgetContinuesAFinishedSearch) {
  const auto dir = test::scratch_dir("search_extend");
  const std::string table = test::synthetic_table(dir);
  auto s = settings("evolution", table, (dir / "extended").string(), 6);
  run_search(s, [](const std::string&) {});
  const auto first = trial_archs(s.out);
  s.budget = 12;
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("evaluations"), 12);
  const auto extended = trial_archs(s.out);
  ASSERT_EQ(extended.size(), 12u);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), extended.begin()));
  s.out = (dir / "direct").string();  // the same as a search run with that budget from the start
  run_search(s, [](const std::string&) {});
  EXPECT_EQ(trial_archs(s.out), extended);
}

TEST(Search, ObjectiveValuesOutsideZeroToHundredAreFailedTrials) {
  const auto dir = test::scratch_dir("search_range");
  const std::string table = test::synthetic_table(dir);
  int run = 0;
  for (const char* value : {"1e308", "-42", "100.5"}) {
    SCOPED_TRACE(value);
    auto s = settings("random", table, (dir / ("value" + std::to_string(run++))).string(), 2);
    s.objective.spec = std::string("command:sh -c 'echo \"{\\\"accuracy\\\": ") + value + "}\"' {arch}";
    const auto summary = run_search(s, [](const std::string&) {});
    EXPECT_EQ(summary.at("failed_trials"), 2);
    EXPECT_FALSE(summary.contains("best_arch"));
    ASSERT_TRUE(summary.contains("failure_reasons"));
    EXPECT_NE(summary["failure_reasons"].begin().key().find("outside [0, 100]"), std::string::npos)
        << summary.dump();
  }
  auto s = settings("random", table, (dir / "ok").string(), 2);
  s.objective.spec =
      "command:sh -c 'echo \"{\\\"accuracy\\\": 100}\"' {arch}";  // the bounds themselves are valid
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("failed_trials"), 0);
}

// A cost budget: the search stops at the first evaluation that brings the evaluations' total time to
// --max-cost-seconds, and a resumed search counts the earlier evaluations' cost.
TEST(Search, ACostBudgetStopsTheSearchOnceSpent) {
  const auto dir = test::scratch_dir("search_cost");
  const std::string table = test::synthetic_table(dir);
  // Simulated evaluation times: each trial costs exactly 0.05 s x its FLOPs over the pool's largest, whatever
  // the machine's load, so the assertions count costs, not wall-clock luck.
  auto s = settings("random", table, (dir / "run").string(), 40);
  s.simulated_seconds = 0.05;
  s.max_cost_seconds = 0.2;
  const auto summary = run_search(s, [](const std::string&) {});
  std::vector<double> seconds;
  std::ifstream in(s.out + "/trials.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto trial = nlohmann::json::parse(line);
    seconds.push_back(trial.value("cost_seconds", trial.at("seconds").get<double>()));
  }
  ASSERT_GE(seconds.size(), 4u);  // no trial costs more than 0.05 s
  EXPECT_LT(seconds.size(), 40u);
  double total = 0;
  for (double x : seconds) total += x;
  EXPECT_GE(total, 0.2);                   // spent
  EXPECT_LT(total - seconds.back(), 0.2);  // but not before the last evaluation
  EXPECT_NEAR(summary.at("cost_seconds").get<double>(), total, 1e-9);
  const size_t first = seconds.size();
  s.max_cost_seconds = total + 0.1;  // a larger cost budget continues the same run
  const auto more = run_search(s, [](const std::string&) {});
  EXPECT_GT(more.at("evaluations").get<size_t>(), first);
  EXPECT_GE(more.at("cost_seconds").get<double>(), total + 0.1);
  s.max_cost_seconds = -1;
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
}

// The trial protocol: a request carries the fidelity to the objective ({epochs}); a result's named metrics
// and its training cost reach trials.jsonl, and --max-epochs-total stops the search once they are spent.
TEST(Search, TrialsReportNamedMetricsAndTheirEpochsAndAnEpochBudgetStops) {
  const auto dir = test::scratch_dir("search_epochs");
  auto s = settings("random", test::synthetic_table(dir), (dir / "run").string(), 20);
  s.objective.spec =
      "command:echo '{\"accuracy\": 50, \"loss\": 0.25, \"epochs\": 4, \"fidelity\": {epochs}}'; true {arch}";
  s.max_epochs_total = 10;
  std::vector<std::string> lines;
  const auto summary = run_search(s, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(summary.at("evaluations"), 3);  // 4 + 4 < 10 <= 4 + 4 + 4
  EXPECT_EQ(summary.at("cost_epochs"), 12);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "stopped by --max-epochs-total 10 after 3 evaluations"),
            lines.end());
  std::ifstream in(s.out + "/trials.jsonl");
  std::string first;
  std::getline(in, first);
  const auto t = nlohmann::json::parse(first);
  EXPECT_EQ(t.at("epochs"), 4);
  EXPECT_EQ(t.at("metrics"), (nlohmann::json{{"accuracy", 50}, {"fidelity", 0}, {"loss", 0.25}}));
  s.max_epochs_total = 20;  // a larger epoch budget continues the run
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("evaluations"), 5);
  // A table lookup trains nothing: an epoch budget cannot be spent on it.
  auto table = settings("random", test::synthetic_table(dir), (dir / "table_run").string(), 5);
  table.max_epochs_total = 10;
  try {
    run_search(table, [](const std::string&) {});
    ADD_FAILURE() << "an epoch budget on a table was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--max-epochs-total: the table objective trains nothing"),
              std::string::npos)
        << e.what();
  }
}

// A table holds one fidelity: a request at another is that trial's failure, with the reason.
TEST(Search, ATableRefusesARequestAtAnotherFidelity) {
  const auto dir = test::scratch_dir("search_table_fidelity");
  const Nb201Space space;
  ObjectiveSettings o;
  o.spec = "table:" + test::synthetic_table(dir) + ":acc";
  auto objective = make_objective(o, space);
  Rng rng(3);
  const Arch arch = space.sample(rng);
  const TrialResult same = objective->evaluate({arch, Fidelity{}, 0});
  EXPECT_TRUE(same.ok) << same.error;
  EXPECT_EQ(same.cost.epochs, 0);
  const TrialResult other = objective->evaluate({arch, Fidelity{12}, 0});
  EXPECT_FALSE(other.ok);
  EXPECT_NE(other.error.find("holds one fidelity (its own protocol), not epochs=12"), std::string::npos)
      << other.error;
}

// A second space through the same loop: JAHS configurations (cell + hyperparameters) from a sampled pool,
// evaluated by a command that rewards Mish and TrivialAugment; every space-neutral method runs, none repeats
// a configuration, local search climbs; tnas refuses a checkpoint of another space by name.
TEST(Search, TheJahsSpaceRunsEveryMethodOnASampledPool) {
  const auto dir = test::scratch_dir("search_jahs");
  const std::string script = (dir / "objective.sh").string();
  std::ofstream(script)
      << "a=50\ncase \"$1\" in *activation=mish*) a=$((a+20));; esac\n"
         "case \"$1\" in *trivial_augment=on*) a=$((a+10));; esac\necho \"{\\\"accuracy\\\": $a}\"\n";
  std::map<std::string, double> best;
  for (const char* m : {"random", "local", "evolution", "bowl", "params", "gp"}) {
    SCOPED_TRACE(m);
    auto s = settings(m, test::synthetic_table(dir), (dir / m).string(), 16);
    s.space = "jahs";
    s.pool_size = 3000;
    s.objective.spec = "command:sh " + script + " {arch}";
    const auto summary = run_search(s, [](const std::string&) {});
    EXPECT_EQ(summary.at("evaluations"), 16);
    best[m] = summary.at("best_accuracy");
    std::set<std::string> seen;
    std::ifstream in(s.out + "/trials.jsonl");
    for (std::string line; std::getline(in, line);) {
      const std::string arch = nlohmann::json::parse(line).at("arch");
      EXPECT_NE(arch.find(";activation="), std::string::npos) << arch;
      EXPECT_TRUE(seen.insert(arch).second) << "repeated " << arch;
    }
    std::ifstream config(s.out + "/config.json");
    const auto c = nlohmann::json::parse(config);
    EXPECT_EQ(c.at("space"), "jahs");
    EXPECT_EQ(c.at("pool").at("size"), 3000);
  }
  EXPECT_EQ(best["local"], 80);
  auto tnas = settings("tnas", test::synthetic_table(dir), (dir / "tnas").string(), 3);
  tnas.space = "jahs";
  tnas.pool_size = 100;
  tnas.objective.spec = "command:sh " + script + " {arch}";
  tnas.method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  tnas.method_settings.deep_kernel.dataset = "mnist";
  try {
    run_search(tnas, [](const std::string&) {});
    ADD_FAILURE() << "an nb201 checkpoint searched the jahs space";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint is for search space \"nb201\", not 'jahs'"),
              std::string::npos)
        << e.what();
  }
}

// The train objective at a fidelity: epochs, depth N, width W and resolution R of the request replace the
// preset's; the trial's params metric is the exact size of that smaller or larger network.
TEST(Search, TheTrainObjectiveTrainsAtTheRequestedFidelity) {
  const Nb201Space space;
  ObjectiveSettings o;
  o.spec = "train";
  o.dataset = "mnist";
  o.preset = "smoke";  // C=4, N=1, 8x8, 1 epoch
  o.device = ComputeDevice::kCpu;
  auto objective = make_objective(o, space);
  const Arch arch =
      space.parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|");
  const TrialResult base = objective->evaluate({arch, Fidelity{}, 1});
  ASSERT_TRUE(base.ok) << base.error;
  EXPECT_EQ(base.cost.epochs, 1);
  EXPECT_EQ(base.metrics.at("params"),
            nb201_param_count(Nb201Space::to_cell(arch), Nb201MacroConfig{4, 1, 10, 8}));
  const TrialResult other =
      objective->evaluate({arch, Fidelity{2, 2, 8, 0.5}, 1});  // 2 epochs, N=2, W=8, 4x4
  ASSERT_TRUE(other.ok) << other.error;
  EXPECT_EQ(other.cost.epochs, 2);
  EXPECT_EQ(other.metrics.at("params"),
            nb201_param_count(Nb201Space::to_cell(arch), Nb201MacroConfig{8, 2, 10, 4}));
  EXPECT_THROW(objective->evaluate({arch, Fidelity{0, 0, 0, 1.5}, 1}), Error);
}

// The train objective in the jahs space: the configuration's activation, learning rate, weight decay and
// TrivialAugment reach the trainer (each changes the trained network's loss; the cell alone does not decide).
TEST(Search, TheTrainObjectiveTrainsJahsHyperparameters) {
  const JahsSpace space;
  ObjectiveSettings o;
  o.spec = "train";
  o.dataset = "mnist";
  o.preset = "smoke";
  o.device = ComputeDevice::kCpu;
  auto objective = make_objective(o, space);
  const std::string cell = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|";
  const auto loss = [&](const std::string& hp) {
    const TrialResult r = objective->evaluate({space.parse(cell + hp), Fidelity{}, 1});
    EXPECT_TRUE(r.ok) << r.error;
    return r.details.at("train_loss").get<double>();
  };
  const double base = loss(";activation=relu;lr=0.1;wd=0.0001;trivial_augment=off");
  EXPECT_EQ(loss(";activation=relu;lr=0.1;wd=0.0001;trivial_augment=off"), base);  // seeded
  EXPECT_NE(loss(";activation=mish;lr=0.1;wd=0.0001;trivial_augment=off"), base);
  EXPECT_NE(loss(";activation=relu;lr=0.001;wd=0.0001;trivial_augment=off"), base);
  EXPECT_NE(loss(";activation=relu;lr=0.1;wd=0.01;trivial_augment=off"), base);
  EXPECT_NE(loss(";activation=relu;lr=0.1;wd=0.0001;trivial_augment=on"), base);
}

// A budget beyond the pool (no cell is evaluated twice) is capped at the pool's size, and said.
TEST(Search, ABudgetBeyondThePoolIsCappedWithAMessage) {
  const auto dir = test::scratch_dir("search_budget_cap");
  auto s = settings("random", test::synthetic_table(dir), (dir / "run").string(), 1000000);
  s.objective.spec = "command:sh -c 'sleep 0.1; echo \"{\\\"accuracy\\\": 50}\"' {arch}";
  s.max_cost_seconds = 0.15;  // stops after one or two evaluations
  std::vector<std::string> lines;
  const auto summary = run_search(s, [&](const std::string& l) { lines.push_back(l); });
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "--budget 1000000 is more than the 6466 cells of the pool: capped at 6466");
  EXPECT_EQ(summary.at("budget"), 6466);
  EXPECT_GE(summary.at("evaluations").get<int>(), 1);
  EXPECT_LE(summary.at("evaluations").get<int>(), 2);
}

TEST(Search, BadInputIsRefused) {
  const auto dir = test::scratch_dir("search_bad");
  const std::string table = test::synthetic_table(dir);
  auto s = settings("random", table, (dir / "a").string(), 0);
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);  // budget 0
  s.budget = 3;
  run_search(s, [](const std::string&) {});
  s.seed = 4;  // another configuration in the same directory
  try {
    run_search(s, [](const std::string&) {});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos) << e.what();
    // The first differing setting is named, so that the user knows what to give to resume.
    EXPECT_NE(std::string(e.what()).find("seed: 4 now, 3 in the run"), std::string::npos) << e.what();
  }
  s.force = true;
  EXPECT_EQ(run_search(s, [](const std::string&) {}).at("evaluations"), 3);
  s.method = "bayes";
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.method = "tnas";
  s.method_settings.deep_kernel.checkpoint = (dir / "no_checkpoint").string();
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.method = "random";
  s.objective.spec = "table:" + (dir / "missing.csv").string();
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.objective.spec = "train";  // no --dataset
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.objective.spec = "oracle";
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.objective.spec = "table:" + table + ":acc";
  s.budget = 3;
  s.objective.timeout_seconds = -1;
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
}

}  // namespace
}  // namespace tnas

namespace tnas {
namespace {

// The answer of a search on the train objective is its incumbent trained once more at the final preset: the
// summary and final.json hold that training's test accuracy; a repeated search does not train it again; a
// final preset with an objective that trains nothing, or an unknown one, is refused before any trial.
TEST(Search, TheIncumbentIsTrainedOnceMoreAtTheFinalPreset) {
  const auto dir = test::scratch_dir("final_training");
  SearchSettings s;
  s.method = "random";
  s.objective.spec = "train";
  s.objective.dataset = "mnist";
  s.objective.preset = "smoke";
  s.objective.device = ComputeDevice::kCpu;
  s.budget = 2;
  s.seed = 4;
  s.final_preset = "tiny";  // a different preset from the search's: more images, wider cells
  s.out = (dir / "run").string();
  const nlohmann::json summary = run_search(s, [](const std::string&) {});
  ASSERT_TRUE(summary.contains("final")) << summary.dump();
  const nlohmann::json& f = summary["final"];
  EXPECT_TRUE(f.at("ok").get<bool>()) << f.dump();
  EXPECT_EQ(f.at("arch"), summary.at("best_arch"));
  EXPECT_EQ(f.at("preset"), "tiny");
  EXPECT_EQ(f.at("preset_settings").at("images_per_class"), 120);
  const double test_acc = f.at("test_acc");
  EXPECT_TRUE(test_acc > 10 && test_acc <= 100) << test_acc;  // trained, above chance on 10 digits
  const auto written = nlohmann::json::parse(std::ifstream(s.out + "/final.json"));
  EXPECT_EQ(written, f);
  const auto mtime = std::filesystem::last_write_time(s.out + "/final.json");

  std::vector<std::string> lines;
  const nlohmann::json again = run_search(s, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(again.at("final"), f);
  EXPECT_EQ(std::filesystem::last_write_time(s.out + "/final.json"), mtime);
  for (const auto& l : lines)
    EXPECT_EQ(l.find("final training"), std::string::npos) << l;  // not trained again

  SearchSettings table = s;
  table.objective.spec = "command:echo {arch}";
  table.out = (dir / "table").string();
  EXPECT_THROW(run_search(table, [](const std::string&) {}), Error);
  SearchSettings unknown = s;
  unknown.final_preset = "huge";
  unknown.out = (dir / "unknown").string();
  EXPECT_THROW(run_search(unknown, [](const std::string&) {}), Error);
  EXPECT_FALSE(std::filesystem::exists(unknown.out + "/trials.jsonl"));
  EXPECT_EQ(resolve_final_preset("auto", "train"), "final");
  EXPECT_EQ(resolve_final_preset("auto", "table:x.csv"), "");
  EXPECT_EQ(resolve_final_preset("none", "train"), "");
}

// BOHNAS on a grammar space (issue 28): a random warm start, then proposals from the hierarchical-WL GP over
// mutations and crossovers of the best — architectures from the whole space, not only the sampled pool — the
// same for the same seed; on a space that is not a grammar it is an error.
TEST(Search, BohnasSearchesAGrammarSpaceBeyondItsPool) {
  const auto dir = test::scratch_dir("bohnas");
  SearchSettings s;
  s.space = std::string("grammar:") + TNAS_SOURCE_DIR +
            "/graphs/spaces/grammar/grammars/activation_functions.grammar";
  s.method = "bohnas";
  s.objective.spec =
      "command:sh -c 'r=$(printf %s \"$0\" | grep -o relu | wc -l); echo \"{\\\"accuracy\\\": $((r * "
      "20))}\"' {arch}";
  s.method_settings.proposal.warm_start = 3;
  s.pool_size = 5;
  s.budget = 5;  // capped at the pool's size, as for every method: the pool still bounds the budget
  s.out = (dir / "a").string();
  const auto summary = run_search(s, [](const std::string&) {});
  const auto trials = test::read_trials(s.out);
  ASSERT_EQ(trials.size(), 5u);
  std::set<std::string> pool;
  for (const auto& trial : trials) {
    EXPECT_TRUE(trial.at("ok").get<bool>()) << trial.dump();
    pool.insert(trial.at("arch").get<std::string>());
  }
  EXPECT_EQ(pool.size(), 5u);  // five distinct architectures
  // The sampled pool (5 draws with the search's seed) and the model's proposals, which lie outside it.
  const auto space = make_search_space(s.space);
  std::set<std::string> drawn;
  for (const Arch& config : draw_pool(*space, {true, 5, 0})) drawn.insert(space->format(config));
  int from_model = 0, outside = 0;
  for (const auto& trial : trials)
    if (trial.at("proposal").get<std::string>().find("hwl(h=") != std::string::npos) {
      ++from_model;
      outside += drawn.count(trial.at("arch").get<std::string>()) == 0;
    }
  EXPECT_EQ(from_model, 2);  // after the 3 warm-start draws
  EXPECT_EQ(outside, 2);
  s.out = (dir / "b").string();
  run_search(s, [](const std::string&) {});
  const auto again = test::read_trials(s.out);
  for (size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(again[i].at("arch"), trials[i].at("arch"));
  s.space = "nb201";
  s.out = (dir / "c").string();
  try {
    run_search(s, [](const std::string&) {});
    ADD_FAILURE() << "bohnas ran on nb201";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--method bohnas searches grammar spaces"), std::string::npos)
        << e.what();
  }
}

// A size constraint filters the pool, and bohnas, which proposes from the whole space, keeps to it too: with
// `params<=P` (P the median of 20 drawn hierarchical architectures) every trial, the random start's and the
// model's, is within P.
TEST(Search, BohnasKeepsToTheSizeConstraintsOutsideThePool) {
  const auto dir = test::scratch_dir("bohnas_constrained");
  SearchSettings s;
  s.space = "hnb201";
  s.method = "bohnas";
  s.objective.spec =
      "command:sh -c 'echo \"{\\\"accuracy\\\": $(( $(printf %s \"$0\" | wc -c) % 97 ))}\"' {arch}";
  const auto space = make_search_space(s.space);
  Rng rng(1);
  std::vector<int64_t> params;
  for (int i = 0; i < 20; ++i) params.push_back(space->cost(space->sample(rng)).params);
  std::nth_element(params.begin(), params.begin() + 10, params.end());
  const int64_t bound = params[10];
  s.constraints = parse_constraints({"params<=" + std::to_string(bound)});
  s.method_settings.proposal.warm_start = 3;
  s.pool_size = 30;
  s.budget = 8;
  s.out = (dir / "a").string();
  run_search(s, [](const std::string&) {});
  const auto trials = test::read_trials(s.out);
  ASSERT_EQ(trials.size(), 8u);
  int from_model = 0;
  for (const auto& trial : trials) {
    EXPECT_LE(space->cost(space->parse(trial.at("arch").get<std::string>())).params, bound);
    from_model += trial.at("proposal").get<std::string>().find("hwl(h=") != std::string::npos;
  }
  EXPECT_EQ(from_model, 5);
}

// The flat NB201 grammar on an NB201 table (issue 28's evidence: bohnas with hWL against NAS-BOWL on the same
// table): each grammar architecture Cell(op, ...) is looked up as the NB201 cell it writes, with that cell's
// value; bohnas learns the table's trend (5 points per 3x3 convolution) from a random start; a space of other
// architectures is refused by the table before any trial.
TEST(Search, BohnasSearchesTheFlatNb201GrammarOnAnNb201Table) {
  const auto dir = test::scratch_dir("bohnas_table");
  const std::string table = test::synthetic_table(dir);
  SearchSettings s = settings("bohnas", table, (dir / "a").string(), 14);
  s.space = std::string("grammar:") + TNAS_SOURCE_DIR + "/graphs/spaces/grammar/grammars/nb201_cell.grammar";
  s.method_settings.proposal.warm_start = 6;
  const auto summary = run_search(s, [](const std::string&) {});
  const auto trials = test::read_trials(s.out);
  ASSERT_EQ(trials.size(), 14u);
  const TabularBenchmark lookup = TabularBenchmark::read(table, "acc");
  int warm_start_convs = 0, model_convs = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    const std::string text = trials[i].at("arch");
    ASSERT_EQ(text.rfind("Cell(", 0), 0u) << text;
    std::string nb201 = text.substr(5, text.size() - 6);
    std::array<Nb201Op, kNb201NumEdges> ops{};
    std::istringstream names(nb201);
    std::string name;
    for (size_t edge = 0; std::getline(names >> std::ws, name, ','); ++edge)
      ops.at(edge) = nb201_op_from_name(name);
    const Nb201Cell cell(ops);
    EXPECT_DOUBLE_EQ(trials[i].at("accuracy").get<double>(), *lookup.lookup(cell.to_string())) << text;
    const int convs = static_cast<int>(std::count(ops.begin(), ops.end(), Nb201Op::kConv3x3));
    (i < 6 ? warm_start_convs : model_convs) += convs;
  }
  EXPECT_GT(model_convs / 8.0, warm_start_convs / 6.0 + 1);  // the GP's proposals hold more 3x3 convolutions
  s.space = "hnb201";
  s.out = (dir / "b").string();
  try {
    run_search(s, [](const std::string&) {});
    ADD_FAILURE() << "a table of NB201 cells evaluated hnb201";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("its architectures are not NB201 cells"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tnas
