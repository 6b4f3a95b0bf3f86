// Multi-objective search: objective specs, every method's front and hypervolume on a synthetic table, resume
// after SIGKILL keeping the front exact, and the run directory's Pareto outputs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "basics/error.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/multi_objective/objective_set.h"
#include "meta_test/multi_objective/pareto_report.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/search/search_loop.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// Every cell: accuracy grows with its 3x3 and 1x1 convolutions (which cost parameters), plus a small
// cell-specific term, so accuracy and size trade off.
std::string tradeoff_table(const std::filesystem::path& dir) {
  const std::string path = (dir / "table.csv").string();
  std::ofstream out(path);
  out << "arch_str,acc\n";
  for (int64_t id = 0; id < kNb201NumCells; ++id) {
    const Nb201Cell c = Nb201Cell::from_id(id);
    double acc = 50;
    for (Nb201Op op : c.ops())
      acc += op == Nb201Op::kConv3x3 ? 6 : op == Nb201Op::kConv1x1 ? 4 : op == Nb201Op::kSkipConnect ? 1 : 0;
    out << c.to_string() << "," << acc + (id % 17) * 0.05 << "\n";
  }
  return path;
}

SearchSettings mo_settings(const std::string& method, const std::string& table, const std::string& out,
                           int budget) {
  SearchSettings s;
  s.method = method;
  s.objective.spec = "table:" + table + ":acc";
  s.objectives = parse_objectives("acc,params");
  s.budget = budget;
  s.seed = 5;
  s.out = out;
  s.method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
  s.method_settings.deep_kernel.dataset = "mnist";
  return s;
}

using test::read_text;
using test::read_trials;

TEST(Objectives, SpecsDirectionsAndReferencePoints) {
  const auto specs = parse_objectives("acc,params,-latency_ms,fairness_score");
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].metric, "accuracy");
  EXPECT_TRUE(specs[0].maximize);
  EXPECT_FALSE(specs[1].maximize);  // size is minimized, sign or not
  EXPECT_EQ(specs[2].name, "latency_ms");
  EXPECT_FALSE(specs[2].maximize);
  EXPECT_TRUE(specs[3].maximize);
  EXPECT_EQ(to_maximized(specs, {90, 1e6, 3, 0.5}), (ObjectiveVector{90, -1e6, -3, 0.5}));
  EXPECT_THROW(parse_objectives("acc,acc"), Error);
  EXPECT_THROW(parse_objectives("acc,,params"), Error);
  const Nb201Space space;
  const auto pool = space.enumerate();
  const auto ref = reference_point(parse_objectives("acc,params,flops"), space, pool, {});
  EXPECT_EQ(ref[0], 0);
  EXPECT_EQ(ref[1],
            static_cast<double>(space
                                    .cost(space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_"
                                                      "conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"))
                                    .params));
  EXPECT_EQ(reference_point(specs, space, pool, {1, 2, 3, 4}), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_THROW(reference_point(specs, space, pool, {}), Error);  // -latency_ms has no natural reference
  EXPECT_THROW(reference_point(specs, space, pool, {1, 2}), Error);
  EXPECT_THROW(parse_reference_point("1,2,x,4"), Error);
  EXPECT_EQ(parse_reference_point("0,2e6"), (std::vector<double>{0, 2e6}));
}

// Every method yields a front whose members no trial dominates, whose hypervolume the run reports after every
// trial (never decreasing), and which pareto.csv and the summary hold.
TEST(MultiObjectiveSearch, EveryMethodFindsAFrontAndReportsItsHypervolume) {
  const auto dir = test::scratch_dir("mo_methods");
  const std::string table = tradeoff_table(dir);
  const Nb201Space space;
  std::map<std::string, double> hv;
  for (const std::string method : {"random", "nsga2", "parego", "tnas-mo"}) {
    const std::string out = (dir / method).string();
    const nlohmann::json summary = run_search(mo_settings(method, table, out, 40), [](const std::string&) {});
    const auto trials = read_trials(out);
    ASSERT_EQ(trials.size(), 40u) << method;
    const auto specs = parse_objectives("acc,params");
    const ParetoReport report =
        pareto_report(trials, specs, summary.at("pareto").at("reference_point"), space);
    ASSERT_FALSE(report.front.empty()) << method;
    for (size_t i = 1; i < report.hypervolume.size(); ++i)
      EXPECT_GE(report.hypervolume[i], report.hypervolume[i - 1]) << method;
    EXPECT_DOUBLE_EQ(summary.at("pareto").at("hypervolume").get<double>(), report.hypervolume.back())
        << method;
    EXPECT_EQ(summary.at("pareto").at("front").size(), report.front.size()) << method;
    for (size_t f : report.front)
      for (size_t i = 0; i < trials.size(); ++i)
        EXPECT_FALSE(dominates(to_maximized(specs, report.values[i]), to_maximized(specs, report.values[f])))
            << method;
    // Each trial records its objectives; params are the space's exact count.
    EXPECT_EQ(trials[0].at("objectives").at("params").get<double>(),
              static_cast<double>(space.cost(space.parse(trials[0].at("arch").get<std::string>())).params));
    const std::string csv = read_text(out + "/pareto.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(report.front.size()) + 1) << csv;
    hv[method] = report.hypervolume.back();
  }
  // The model-based methods beat random search on this smooth trade-off (one seed: a sanity bound, not a
  // benchmark).
  EXPECT_GT(hv["tnas-mo"], 0.9 * hv["random"]);
}

TEST(MultiObjectiveSearch, ResumesAfterSigkillWithTheSameFront) {
  const auto dir = test::scratch_dir("mo_kill");
  const std::string table = tradeoff_table(dir);
  // Each lookup takes a few milliseconds (simulated), so that a kill placed by counting trials lands mid-run.
  const auto killable = [&](const std::string& out) {
    SearchSettings s = mo_settings("nsga2", table, out, 60);
    s.simulated_seconds = 0.01;
    return s;
  };
  const std::string reference = (dir / "reference").string();
  run_search(killable(reference), [](const std::string&) {});
  const std::string out = (dir / "killed").string();
  for (size_t target : {5, 12, 20}) {
    const size_t recorded = test::kill_search_after_trials(
        [&] { run_search(killable(out), [](const std::string&) {}); }, out, target);
    ASSERT_LT(recorded, 60u) << "the kill after " << target << " more trials landed after the search ended";
  }
  run_search(killable(out), [](const std::string&) {});
  EXPECT_EQ(read_text(out + "/pareto.csv"), read_text(reference + "/pareto.csv"));
  const auto a = read_trials(out), b = read_trials(reference);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].at("arch"), b[i].at("arch")) << i;
}

// The train objective's fairness metrics over groups of classes (a file, or each class its own group), its
// latency and calibration metrics; a bad groups file is refused naming the file and line.
TEST(MultiObjectiveSearch, TheTrainObjectiveReportsGroupFairnessAndLatency) {
  const auto dir = test::scratch_dir("mo_train_metrics");
  const Nb201Space space;
  ObjectiveSettings o;
  o.spec = "train";
  o.dataset = "mnist";
  o.preset = "smoke";
  o.device = ComputeDevice::kCpu;
  o.measure_latency = true;
  o.measure_robustness = true;
  o.measure_memory = true;
  const Arch arch =
      space.parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|");
  const TrialResult per_class = make_objective(o, space)->evaluate({arch, Fidelity{}, 1});
  ASSERT_TRUE(per_class.ok) << per_class.error;
  const auto& classes = per_class.details.at("valid_acc_per_class");
  ASSERT_EQ(classes.size(), 10u);
  const double hi = *std::max_element(classes.begin(), classes.end()),
               lo = *std::min_element(classes.begin(), classes.end());
  EXPECT_DOUBLE_EQ(per_class.metrics.at("fairness_gap"), hi - lo);
  EXPECT_DOUBLE_EQ(per_class.metrics.at("worst_group_acc"), lo);
  EXPECT_GT(per_class.metrics.at("latency_ms"), 0);
  EXPECT_GT(per_class.metrics.at("latency64_ms"), 0);
  // Calibration from the same validation pass: an expected calibration error in percent, in the details too.
  const double ece = per_class.metrics.at("calibration_error");
  EXPECT_GT(ece, 0);  // a smoke-trained network is not perfectly calibrated
  EXPECT_LE(ece, 100);
  EXPECT_EQ(per_class.details.at("calibration_error").get<double>(), ece);
  // Robustness: the mean of the validation accuracies under the three corruptions.
  const auto& under = per_class.details.at("robustness").at("valid_acc_under");
  ASSERT_EQ(under.size(), 3u);
  double mean = 0;
  for (const auto& [name, acc] : under.items()) mean += acc.get<double>() / 3;
  EXPECT_NEAR(per_class.metrics.at("robust_accuracy"), mean, 1e-9);
  // Memory: the weights (every parameter, 4 bytes, and the BN buffers) and the peak activations of one image.
  const auto& memory = per_class.details.at("memory");
  const int64_t weights = memory.at("weight_bytes"), activations = memory.at("peak_activation_bytes");
  EXPECT_GT(weights, 4 * per_class.metrics.at("params"));
  EXPECT_LT(weights, 6 * per_class.metrics.at("params"));
  EXPECT_GT(activations, 0);
  EXPECT_NEAR(per_class.metrics.at("memory_mb"), static_cast<double>(weights + activations) / 1e6, 1e-12);
  // One group of all classes: no gap; two groups: the gap between their mean class accuracies.
  const auto groups_file = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
  };
  std::string all, halves;
  for (int c = 0; c < 10; ++c)
    all += std::to_string(c) + ",all\n",
        halves += std::to_string(c) + (c < 5 ? ",low\n" : ",high  # a comment\n");
  o.measure_latency = false;
  o.measure_robustness = false;
  o.measure_memory = false;
  o.groups = groups_file("all.csv", all);
  const TrialResult one = make_objective(o, space)->evaluate({arch, Fidelity{}, 1});
  EXPECT_EQ(one.metrics.at("fairness_gap"), 0);
  EXPECT_EQ(one.metrics.count("latency_ms"), 0u);
  EXPECT_EQ(one.metrics.count("robust_accuracy"), 0u);  // measured only when asked for
  EXPECT_EQ(one.metrics.count("memory_mb"), 0u);
  o.groups = groups_file("halves.csv", halves);
  const TrialResult two = make_objective(o, space)->evaluate({arch, Fidelity{}, 1});
  double low = 0, high = 0;
  for (int c = 0; c < 10; ++c) (c < 5 ? low : high) += classes[c].get<double>() / 5;
  EXPECT_NEAR(two.metrics.at("fairness_gap"), std::abs(high - low), 1e-9);
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"unknown.csv", "ten,x\n"},
                                                        {"twice.csv", all + "3,again\n"},
                                                        {"missing.csv", "0,a\n"},
                                                        {"format.csv", "0 a\n"}}) {
    o.groups = groups_file(name, text);
    try {
      make_objective(o, space);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(o.groups), std::string::npos) << e.what();
    }
  }
  o.groups = dir.string();  // a folder: refused by name, not read as an empty file
  try {
    make_objective(o, space);
    ADD_FAILURE() << "a folder was accepted as --groups";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a file of"), std::string::npos) << e.what();
  }
}

// A command objective's metrics are objectives by name: here "energy", minimized ('-energy'), from the cell
// text's length, with accuracy from its number of 3x3 convolutions.
TEST(MultiObjectiveSearch, ACommandsMetricsAreObjectivesByName) {
  const auto dir = test::scratch_dir("mo_command");
  SearchSettings s;
  s.method = "nsga2";
  s.objective.spec =
      "command:a={arch}; n=$(printf %s \"$a\" | grep -o nor_conv_3x3 | wc -l); "
      "echo \"{\\\"accuracy\\\": $((50 + 5 * n)), \\\"energy\\\": $((10 * n + ${#a} % 7))}\"";
  s.objectives = parse_objectives("acc,-energy");
  s.reference_point = {0, 100};
  s.budget = 15;
  s.out = (dir / "run").string();
  const nlohmann::json summary = run_search(s, [](const std::string&) {});
  const auto trials = read_trials(s.out);
  ASSERT_EQ(trials.size(), 15u);
  for (const auto& t : trials) {
    ASSERT_TRUE(t.at("ok").get<bool>()) << t.dump();
    EXPECT_EQ(t.at("objectives").at("energy"), t.at("metrics").at("energy"));
  }
  EXPECT_GT(summary.at("pareto").at("hypervolume").get<double>(), 0);
  EXPECT_FALSE(summary.at("pareto").at("front").empty());
}

TEST(MultiObjectiveSearch, BadSettingsAreRefused) {
  const auto dir = test::scratch_dir("mo_bad");
  const std::string table = tradeoff_table(dir);
  auto s = mo_settings("parego", table, (dir / "a").string(), 5);
  s.objectives = parse_objectives("acc");
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);  // parego needs two objectives
  s.method = "tnas-mo";
  s.objectives = parse_objectives("params,flops");
  EXPECT_THROW(run_search(s, [](const std::string&) {}), Error);  // nothing for tnas-mo to model
  s.method = "nsga2";
  s.objectives = parse_objectives("acc,-loss");
  EXPECT_THROW(run_search(s, [](const std::string&) {}),
               Error);  // a minimized metric needs a reference point
}

}  // namespace
}  // namespace tnas
