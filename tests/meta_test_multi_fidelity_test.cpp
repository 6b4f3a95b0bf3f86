// Multi-fidelity search: Hyperband's schedule, BOHB's model, the learning-curve oracle, promotions that
// continue their run, the epoch budget, and resume after SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "basics/error.h"
#include "datasets/tables/learning_curve_table.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/methods/hyperband_schedule.h"
#include "meta_test/methods/tpe_model.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/search/search_loop.h"
#include "tests/dataset_files.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"

namespace tnas {
namespace {

SearchSettings mf_settings(const std::string& method, const std::string& table, const std::string& out,
                           int budget) {
  SearchSettings s;
  s.method = method;
  s.objective.spec = "table-curves:" + table;
  s.budget = budget;
  s.seed = 4;
  s.out = out;
  s.method_settings.multi_fidelity.min_epochs = 1;
  s.method_settings.multi_fidelity.max_epochs = 27;
  s.method_settings.multi_fidelity.eta = 3;
  s.method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  s.method_settings.deep_kernel.dataset = "mnist";
  return s;
}

std::vector<nlohmann::json> trials(const std::string& dir) { return test::read_trials(dir); }

// Seconds `f` takes.
double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Starts `search` in a child process `kills` times and SIGKILLs it after a random 20 to 80 % of `seconds`
// (what the uninterrupted search took on this machine, so that the kills land mid-search however loaded it
// is); returns whether some kill left between 0 and `total` trials in `out`. A kill that left no trial
// doubles the next wait: the machine got busier than when `seconds` was measured (seen beside a benchmark
// that took both cores: four kills all before the first trial).
bool kill_repeatedly(const std::function<void()>& search, const std::string& out, size_t total, int kills,
                     uint64_t seed, double seconds) {
  Rng rng(seed);
  double wait_scale = 1.0;
  bool partial = false;
  for (int k = 0; k < kills; ++k) {
    const double fraction = 0.2 + 0.6 * rng.uniform_int(1001) / 1000.0;
    const pid_t child = test::start_in_child(search);
    usleep(static_cast<useconds_t>(wait_scale * fraction * seconds * 1e6));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    const size_t n = trials(out).size();
    partial = partial || (n > 0 && n < total);
    if (n == 0) wait_scale *= 2;
  }
  return partial;
}

// Li et al. (2018), Table 1: R = 27 epochs, eta = 3.
TEST(Hyperband, BracketsAreThoseOfTheHyperbandPaper) {
  const HyperbandSchedule hb(1, 27, 3, false);
  ASSERT_EQ(hb.brackets().size(), 4u);
  const std::vector<std::vector<std::pair<int, int>>> expected = {// (trials, epochs) per rung
                                                                  {{27, 1}, {9, 3}, {3, 9}, {1, 27}},
                                                                  {{12, 3}, {4, 9}, {1, 27}},
                                                                  {{6, 9}, {2, 27}},
                                                                  {{4, 27}}};
  for (size_t b = 0; b < expected.size(); ++b) {
    ASSERT_EQ(hb.brackets()[b].rungs.size(), expected[b].size()) << "bracket " << b;
    for (size_t r = 0; r < expected[b].size(); ++r) {
      EXPECT_EQ(hb.brackets()[b].rungs[r].size, expected[b][r].first) << "bracket " << b << " rung " << r;
      EXPECT_EQ(hb.brackets()[b].rungs[r].epochs, expected[b][r].second) << "bracket " << b << " rung " << r;
    }
  }
  const HyperbandSchedule sh(1, 27, 3, true);
  ASSERT_EQ(sh.brackets().size(), 1u);
  EXPECT_EQ(sh.brackets()[0].s, 3);
  EXPECT_THROW(HyperbandSchedule(0, 27, 3, false), Error);
  EXPECT_THROW(HyperbandSchedule(9, 3, 3, false), Error);
  EXPECT_THROW(HyperbandSchedule(1, 27, 1, false), Error);
}

TEST(Hyperband, PromotesTheBestOfTheRungBelowAndContinuesTheirRuns) {
  const HyperbandSchedule sh(1, 9, 3, true);  // 9 @ 1 epoch, 3 @ 3, 1 @ 9
  const Nb201Space space;
  std::vector<Observation> history;
  for (int i = 0; i < 9; ++i) {
    const ScheduledTrial t = sh.next(history);
    EXPECT_FALSE(t.promotion);
    EXPECT_EQ(t.epochs, 1);
    // Accuracies 10, 20, ..., the 4th trial failed: the 9th, 8th and 7th (or 6th) are promoted.
    history.push_back({Nb201Space::from_cell(Nb201Cell::from_id(i)), 10.0 * (i + 1), i != 3, 1});
  }
  for (int k = 0; k < 3; ++k) {
    const ScheduledTrial t = sh.next(history);
    EXPECT_TRUE(t.promotion);
    EXPECT_EQ(t.epochs, 3);
    EXPECT_EQ(t.previous_epochs, 1);
    EXPECT_EQ(t.config, history[static_cast<size_t>(8 - k)].config) << k;
    history.push_back({t.config, 100.0 - k, true, 3});  // the 1st promoted stays best
  }
  const ScheduledTrial last = sh.next(history);
  EXPECT_TRUE(last.promotion);
  EXPECT_EQ(last.epochs, 9);
  EXPECT_EQ(last.previous_epochs, 3);
  EXPECT_EQ(last.config, history[8].config);
  history.push_back({last.config, 90, true, 9});
  const ScheduledTrial next_round = sh.next(history);  // successive halving starts over
  EXPECT_FALSE(next_round.promotion);
  EXPECT_EQ(next_round.round, 1);
  EXPECT_EQ(next_round.epochs, 1);
}

TEST(Tpe, PrefersTheChoicesOfTheGoodConfigurations) {
  const Nb201Space space;
  std::vector<Observation> observations;
  Rng rng(2);
  for (int i = 0; i < 60; ++i) {
    const Arch a = space.sample(rng);
    observations.push_back({a, a.choices[0] == 3 ? 90.0 + i * 0.01 : 50.0 + i * 0.01, true, 9});
  }
  const TpeModel model(space.choice_counts(), observations);
  Arch good = observations[0].config, bad = observations[0].config;
  good.choices[0] = 3;
  bad.choices[0] = 0;
  EXPECT_GT(model.log_ratio(good), model.log_ratio(bad));
  const std::vector<Arch> all = space.enumerate();
  CandidatePool pool(space, all);
  std::vector<bool> done = pool.evaluated(observations);
  int conv_first = 0;
  for (int k = 0; k < 20; ++k) {
    const long i = model.propose(pool, done, rng);
    ASSERT_FALSE(done[static_cast<size_t>(i)]);
    conv_first += pool.configs()[static_cast<size_t>(i)].choices[0] == 3;
  }
  EXPECT_GE(conv_first, 15);  // a fifth of the cells have it
  // An added log weight per row (BOHB under a measured constraint: log P(feasible)) steers the proposal: with
  // the last edge's 3x3 convolution believed infeasible, none is proposed, and the first edge's still is.
  const TpeModel::RowLogWeights last_edge_no_conv = [&](const std::vector<long>& rows) {
    std::vector<double> weights;
    for (long row : rows)
      weights.push_back(pool.configs()[static_cast<size_t>(row)].choices[5] == 3 ? -50.0 : 0.0);
    return weights;
  };
  int weighted_conv_first = 0;
  for (int k = 0; k < 20; ++k) {
    const Arch& proposed =
        pool.configs()[static_cast<size_t>(model.propose(pool, done, rng, last_edge_no_conv))];
    EXPECT_NE(proposed.choices[5], 3);
    weighted_conv_first += proposed.choices[0] == 3;
  }
  EXPECT_GE(weighted_conv_first, 15);
  EXPECT_THROW(TpeModel(space.choice_counts(),
                        std::vector<Observation>(observations.begin(), observations.begin() + 5)),
               Error);
}

TEST(LearningCurveTable, BadTablesAreRefusedNamingTheFile) {
  const auto dir = test::scratch_dir("curve_table_errors");
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir / name).string();
    test::write_bytes(path, text);
    return path;
  };
  const std::string a = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                    b = "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  const LearningCurveTable ok = LearningCurveTable::read(
      write("ok.csv", "arch,epoch,valid_acc,test_acc,seconds\n" + a + ",1,10,9,0.5\n" + a + ",2,20,19,0.5\n" +
                          b + ",2,30,29,1\n" + b + ",1,5,4,1\n"));
  EXPECT_EQ(ok.epochs(), 2);
  EXPECT_EQ(ok.archs().size(), 2u);
  EXPECT_EQ((*ok.curve(b))[1].valid_acc, 30);  // rows in any order
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"gap.csv", a + ",1,10,9,0.5\n" + a + ",3,20,19,0.5\n"},
      {"short.csv", a + ",1,10,9,0.5\n" + a + ",2,20,19,0.5\n" + b + ",1,5,4,1\n"},
      {"twice.csv", a + ",1,10,9,0.5\n" + a + ",1,20,19,0.5\n"},
      {"range.csv", a + ",1,101,9,0.5\n"},
      {"negative.csv", a + ",1,10,9,-1\n"},
      {"text.csv", a + ",1,ten,9,0.5\n"}};
  for (const auto& [name, rows] : bad) {
    const std::string path = write(name, "arch,epoch,valid_acc,test_acc,seconds\n" + rows);
    try {
      LearningCurveTable::read(path);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(LearningCurveTable::read(write("columns.csv", "arch,epoch,valid\n" + a + ",1,2\n")), Error);
  // A malformed configuration is named at its line by the objective, not read as a 1-epoch curve.
  const std::string malformed =
      write("malformed.csv", "arch,epoch,valid_acc,test_acc,seconds\n" + a + ",1,10,9,0.5\n" + a +
                                 ",2,20,19,0.5\n" + "|none~0|+|none~0|none~1|,1,5,4,1\n");
  try {
    make_curve_table_objective(malformed, Nb201Space());
    ADD_FAILURE() << "a malformed configuration was accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(malformed + ":4: ", 0), 0u) << what;
    EXPECT_EQ(what.find("epochs"), std::string::npos) << what;
  }
}

TEST(LearningCurveTable, TheObjectiveChargesOnlyTheEpochsATrialAdds) {
  const auto dir = test::scratch_dir("curve_objective");
  const Nb201Space space;
  ObjectiveSettings settings;
  settings.spec = "table-curves:" + test::synthetic_curves(dir);
  auto objective = make_objective(settings, space);
  EXPECT_EQ(objective->max_epochs(), 27);
  EXPECT_GT(objective->candidates().size(), 300u);  // 401 cells, one per isomorphism class
  EXPECT_LE(objective->candidates().size(), 401u);
  const Arch a = objective->candidates()[5];
  TrialRequest r{a, Fidelity{}, 0};
  r.fidelity.epochs = 3;
  const TrialResult first = objective->evaluate(r);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.cost.epochs, 3);
  r.fidelity.epochs = 9;
  r.previous_epochs = 3;
  const TrialResult promoted = objective->evaluate(r);
  EXPECT_EQ(promoted.cost.epochs, 6);
  EXPECT_NEAR(promoted.cost.seconds, 2 * first.cost.seconds, 1e-9);  // 6 epochs at the same cost each
  EXPECT_GT(promoted.accuracy(), first.accuracy());
  r.fidelity.epochs = 28;
  EXPECT_FALSE(objective->evaluate(r).ok);
  r.fidelity.epochs = 3;
  r.fidelity.width = 8;
  EXPECT_FALSE(objective->evaluate(r).ok);
  r.fidelity.width = 0;
  // A cell of none of the table's isomorphism classes (the table has 401 of 15,625 cells) is refused.
  std::set<std::string> listed;
  for (const Arch& candidate : objective->candidates()) listed.insert(space.iso_key(candidate));
  const std::vector<Arch> every = space.enumerate();
  const auto absent = std::find_if(every.begin(), every.end(),
                                   [&](const Arch& cell) { return listed.count(space.iso_key(cell)) == 0; });
  ASSERT_NE(absent, every.end());
  r.config = *absent;
  EXPECT_FALSE(objective->evaluate(r).ok);
}

// Every multi-fidelity method on the curve oracle: the epoch budget holds, each configuration is new once,
// each promotion continues the run of the rung below, and the incumbent is at the highest fidelity reached.
TEST(MultiFidelitySearch, EveryMethodRunsWithinItsEpochBudgetAndContinuesPromotions) {
  const auto dir = test::scratch_dir("mf_methods");
  const std::string table = test::synthetic_curves(dir);
  for (const std::string method : {"sh", "hyperband", "bohb", "tnas-hb"}) {
    const std::string out = (dir / method).string();
    const nlohmann::json summary = run_search(mf_settings(method, table, out, 12), [](const std::string&) {});
    const auto t = trials(out);
    long epochs = 0;
    std::set<std::string> started;
    std::map<std::string, int> reached;  // configuration -> epochs trained so far
    int top = 0;
    for (const auto& trial : t) {
      ASSERT_TRUE(trial.at("ok").get<bool>()) << method << ": " << trial.dump();
      const std::string arch = trial.at("arch");
      const int at = trial.at("fidelity_epochs"), from = trial.value("continued_from_epochs", 0);
      epochs += trial.at("epochs").get<int>();
      EXPECT_EQ(trial.at("epochs").get<int>(), at - from) << method;
      if (from == 0) {
        EXPECT_TRUE(started.insert(arch).second) << method << ": " << arch << " started twice";
      } else {
        EXPECT_EQ(reached[arch], from) << method << ": a promotion continues the rung below";
      }
      reached[arch] = at;
      top = std::max(top, at);
    }
    EXPECT_GE(epochs, 12 * 27) << method;
    EXPECT_LE(epochs, 12 * 27 + 27) << method;  // stops once spent: at most one trial's worth beyond
    EXPECT_EQ(summary.at("cost_epochs").get<long>(), epochs) << method;
    EXPECT_EQ(top, 27) << method;
    EXPECT_EQ(summary.at("best_fidelity_epochs").get<int>(), 27) << method;
    // tnas-hb's first new configurations come from the surrogate's zero-shot warm start.
    if (method == "tnas-hb") {
      EXPECT_NE(t[0].at("proposal").get<std::string>().find("tnas (warm start)"), std::string::npos)
          << t[0].dump();
    }
    if (method == "bohb") {
      bool model_used = false;
      for (const auto& trial : t)
        model_used = model_used || trial.value("proposal", std::string()).find("TPE at") != std::string::npos;
      EXPECT_TRUE(model_used) << "bohb never used its TPE model";
    }
  }
}

TEST(MultiFidelitySearch, ResumesAfterSigkillWithTheSameTrials) {
  const auto dir = test::scratch_dir("mf_kill");
  const std::string table = test::synthetic_curves(dir);
  // Each lookup takes a few milliseconds (simulated), and the kills come after counted trials, not after a
  // share of a measured duration, so that they land mid-search however loaded the machine is.
  const auto killable = [&](const std::string& out) {
    SearchSettings s = mf_settings("bohb", table, out, 20);
    s.simulated_seconds = 0.01;
    return s;
  };
  const std::string reference = (dir / "reference").string();
  run_search(killable(reference), [](const std::string&) {});
  const auto expected = trials(reference);
  const std::string out = (dir / "killed").string();
  for (size_t target : {3, 9, 15, 22}) {
    const size_t recorded = test::kill_search_after_trials(
        [&] { run_search(killable(out), [](const std::string&) {}); }, out, target);
    ASSERT_LT(recorded, expected.size())
        << "the kill after " << target << " more trials landed after the end";
  }
  run_search(killable(out), [](const std::string&) {});
  const auto got = trials(out);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].at("arch"), expected[i].at("arch")) << i;
    EXPECT_EQ(got[i].at("fidelity_epochs"), expected[i].at("fidelity_epochs")) << i;
    EXPECT_EQ(got[i].value("continued_from_epochs", 0), expected[i].value("continued_from_epochs", 0)) << i;
  }
}

// The train objective under a multi-fidelity schedule: a promotion continues the saved run, costs only the
// epochs it adds, and ends with the result of an uninterrupted run to the same epochs.
TEST(MultiFidelitySearch, APromotedTrainTrialContinuesItsRunExactly) {
  const auto dir = test::scratch_dir("mf_train");
  const Nb201Space space;
  ObjectiveSettings o;
  o.spec = "train";
  o.dataset = "mnist";
  o.preset = "smoke";
  o.device = ComputeDevice::kCpu;
  o.schedule_epochs = 3;
  o.state_dir = (dir / "states").string();
  auto objective = make_objective(o, space);
  const Arch arch =
      space.parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|");
  TrialRequest r{arch, Fidelity{}, 9};
  r.fidelity.epochs = 1;
  ASSERT_TRUE(objective->evaluate(r).ok);
  r.fidelity.epochs = 3;
  r.previous_epochs = 1;
  const TrialResult promoted = objective->evaluate(r);
  ASSERT_TRUE(promoted.ok) << promoted.error;
  EXPECT_EQ(promoted.cost.epochs, 2);
  EXPECT_EQ(promoted.details.at("continued_from_epoch"), 1);
  ObjectiveSettings fresh = o;
  fresh.state_dir = (dir / "fresh").string();
  TrialRequest whole{arch, Fidelity{}, 9};
  whole.fidelity.epochs = 3;
  const TrialResult uninterrupted = make_objective(fresh, space)->evaluate(whole);
  EXPECT_EQ(uninterrupted.cost.epochs, 3);
  EXPECT_EQ(promoted.accuracy(), uninterrupted.accuracy());
  EXPECT_EQ(promoted.metrics.at("test_accuracy"), uninterrupted.metrics.at("test_accuracy"));
  // A state that is gone: trained from scratch (the same result), said in the details.
  std::filesystem::remove_all(o.state_dir);
  const TrialResult again = objective->evaluate(r);
  EXPECT_EQ(again.accuracy(), uninterrupted.accuracy());
  EXPECT_EQ(again.cost.epochs, 3);
  EXPECT_TRUE(again.details.value("state_missing", false));
}

// A command objective receives each trial's fidelity as {epochs} and the run it continues as
// {previous_epochs}; without an "epochs" in its output it is charged the epochs it adds.
TEST(MultiFidelitySearch, ACommandReceivesTheFidelityAndThePreviousEpochs) {
  const auto dir = test::scratch_dir("mf_command");
  SearchSettings s;
  s.method = "hyperband";
  s.objective.spec = "command:echo '{\"accuracy\": {epochs}, \"from\": {previous_epochs}}'; true {arch}";
  s.method_settings.multi_fidelity.max_epochs = 9;
  s.budget = 4;
  s.out = (dir / "run").string();
  const nlohmann::json summary = run_search(s, [](const std::string&) {});
  long epochs = 0;
  for (const auto& t : trials(s.out)) {
    ASSERT_TRUE(t.at("ok").get<bool>()) << t.dump();
    EXPECT_EQ(t.at("accuracy").get<double>(), t.at("fidelity_epochs").get<double>());
    EXPECT_EQ(t.at("metrics").at("from").get<int>(), t.value("continued_from_epochs", 0));
    EXPECT_EQ(t.at("epochs").get<int>(),
              t.at("fidelity_epochs").get<int>() - t.value("continued_from_epochs", 0));
    epochs += t.at("epochs").get<int>();
  }
  EXPECT_GE(epochs, 4 * 9);
  EXPECT_EQ(summary.at("best_fidelity_epochs"), 9);
}

// Real training under SIGKILL: the resumed search makes the same trials, and every promotion continues its
// saved run (no finished rung is trained again: the trials' epochs add up to the uninterrupted search's).
TEST(MultiFidelitySearch, ATrainingSearchKilledAndResumedRetrainsNothingFinished) {
  const auto dir = test::scratch_dir("mf_train_kill");
  SearchSettings s;
  s.method = "sh";
  s.objective.spec = "train";
  s.objective.dataset = s.method_settings.deep_kernel.dataset = "mnist";
  s.objective.preset = "smoke";
  s.objective.device = ComputeDevice::kCpu;
  s.method_settings.multi_fidelity.max_epochs = 9;
  s.budget = 3;
  s.seed = 2;
  s.out = (dir / "reference").string();
  nlohmann::json reference;
  const double seconds = seconds_of([&] { reference = run_search(s, [](const std::string&) {}); });
  const auto expected = trials(s.out);
  s.out = (dir / "killed").string();
  const bool partial = kill_repeatedly([&] { run_search(s, [](const std::string&) {}); }, s.out,
                                       expected.size(), 4, 8, seconds);
  const nlohmann::json resumed = run_search(s, [](const std::string&) {});
  const auto got = trials(s.out);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].at("arch"), expected[i].at("arch")) << i;
    EXPECT_EQ(got[i].at("accuracy"), expected[i].at("accuracy")) << i;
    EXPECT_EQ(got[i].at("epochs"), expected[i].at("epochs")) << i;
    if (got[i].contains("continued_from_epochs")) {
      EXPECT_EQ(got[i].at("details").value("continued_from_epoch", 0),
                got[i].at("continued_from_epochs").get<int>())
          << i;
    }
  }
  EXPECT_EQ(resumed.at("cost_epochs"), reference.at("cost_epochs"));
  EXPECT_EQ(resumed.at("best_arch"), reference.at("best_arch"));
  EXPECT_TRUE(partial) << "no kill landed in the middle of the search";
}

TEST(MultiFidelitySearch, BadSettingsAreRefused) {
  const auto dir = test::scratch_dir("mf_bad");
  const std::string table = test::synthetic_curves(dir);
  auto s = mf_settings("hyperband", table, (dir / "a").string(), 5);
  s.method_settings.multi_fidelity.max_epochs = 30;  // the table has 27
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.method_settings.multi_fidelity.max_epochs = 27;
  s.method_settings.multi_fidelity.eta = 1;
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
  s.method_settings.multi_fidelity.eta = 3;
  s.method = "hyperband";
  s.objective.spec = "command:echo {arch}";
  s.method_settings.multi_fidelity.max_epochs = 0;  // a command has no longest fidelity of its own
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);
}

}  // namespace
}  // namespace tnas
