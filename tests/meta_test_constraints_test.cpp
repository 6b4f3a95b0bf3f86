// Constraints (--constraint): parsing, the pool left with configurations that satisfy the known ones,
// measured ones making trials infeasible, and the incumbent and the Pareto front only ever feasible.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "basics/error.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/constraints/constraint.h"
#include "meta_test/constraints/feasibility_model.h"
#include "meta_test/search/search_loop.h"
#include "models/trainer/compute_device.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"

namespace tnas {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_constraint(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Constraint, IsParsedStrictlyAndSaysWhatIsWrong) {
  const Constraint size = parse_constraint("params<=2e6");
  EXPECT_EQ(size.metric.metric, "params");
  EXPECT_EQ(size.bound, ConstraintBound::kAtMost);
  EXPECT_EQ(size.value, 2e6);
  EXPECT_TRUE(size.known_in_advance());
  EXPECT_EQ(size.text(), "params<=2000000");
  const Constraint accuracy = parse_constraint("acc>=60.5");
  EXPECT_EQ(accuracy.metric.metric, "accuracy");
  EXPECT_FALSE(accuracy.known_in_advance());
  EXPECT_TRUE(accuracy.satisfied_by(60.5));
  EXPECT_FALSE(accuracy.satisfied_by(60.4));
  EXPECT_EQ(error_of("params<2e6"),
            "--constraint 'params<2e6': give METRIC<=VALUE or METRIC>=VALUE (e.g. params<=2e6, latency<=5, "
            "acc>=60)");
  EXPECT_EQ(
      error_of("latency<=fast"),
      "--constraint 'latency<=fast': 'fast' is not a finite number (e.g. params<=2e6, latency<=5, acc>=60)");
  EXPECT_EQ(error_of("<=5"),
            "--constraint '<=5': name a metric before the bound (e.g. params<=2e6, latency<=5, "
            "acc>=60)");
  EXPECT_NE(error_of("latency<=nan").find("not a finite number"), std::string::npos);
}

SearchSettings constrained(const std::string& method, const std::string& table, const std::string& out,
                           const std::vector<std::string>& constraints) {
  SearchSettings s;
  s.method = method;
  s.objective.spec = "table:" + table + ":acc";
  s.budget = 20;
  s.seed = 2;
  s.out = out;
  s.constraints = parse_constraints(constraints);
  return s;
}

// A size constraint leaves the pool with the configurations that satisfy it: every trial does, whatever the
// method; the incumbent is the best of them.
TEST(Constraint, ASizeConstraintLeavesOnlyFeasibleConfigurationsInThePool) {
  const auto dir = test::scratch_dir("constraint_size");
  const std::string table = test::synthetic_table(dir);
  const Nb201Space space;
  const int64_t bound = 700000;
  for (const std::string method : {"random", "bowl", "local", "evolution", "params"}) {
    SCOPED_TRACE(method);
    const auto out = (dir / method).string();
    std::vector<std::string> lines;
    const auto summary = run_search(constrained(method, table, out, {"params<=" + std::to_string(bound)}),
                                    [&](const std::string& line) { lines.push_back(line); });
    for (const auto& t : test::read_trials(out)) {
      EXPECT_LE(space.cost(space.parse(t.at("arch").get<std::string>())).params, bound);
      EXPECT_FALSE(t.contains("feasible"));
    }
    EXPECT_EQ(summary.at("infeasible_trials"), 0);
    EXPECT_NE(std::find_if(lines.begin(), lines.end(),
                           [](const std::string& l) { return l.rfind("--constraint: ", 0) == 0; }),
              lines.end());
  }
  // params proposes the largest cells first: with the constraint, the largest of those that satisfy it.
  const auto first = test::read_trials((dir / "params").string()).front();
  EXPECT_GT(space.cost(space.parse(first.at("arch").get<std::string>())).params, bound * 0.9);
}

// A measured constraint: trials that violate it are recorded as infeasible with the violation, are never the
// incumbent, and count in the summary; the multi-objective front holds only feasible trials.
TEST(Constraint, AMeasuredConstraintMakesTrialsInfeasibleAndNeverTheAnswer) {
  const auto dir = test::scratch_dir("constraint_measured");
  const std::string table = test::synthetic_table(dir);
  // The synthetic table's accuracy is 60 + 5 per 3x3 convolution: at most 75 allows three of them.
  const auto out = (dir / "bowl").string();
  const auto summary = run_search(constrained("bowl", table, out, {"acc<=75"}), [](const std::string&) {});
  double best_feasible = 0;
  int infeasible = 0;
  for (const auto& t : test::read_trials(out)) {
    if (t.at("accuracy").get<double>() > 75) {
      EXPECT_EQ(t.at("feasible"), false);
      EXPECT_NE(t.at("violations").at(0).get<std::string>().find("acc<=75 (measured"), std::string::npos);
      ++infeasible;
    } else {
      EXPECT_FALSE(t.contains("feasible"));
      best_feasible = std::max(best_feasible, t.at("accuracy").get<double>());
    }
  }
  EXPECT_GT(infeasible, 0);  // bowl climbs the trend past the bound
  EXPECT_EQ(summary.at("infeasible_trials"), infeasible);
  EXPECT_EQ(summary.at("best_accuracy").get<double>(), best_feasible);

  auto mo = constrained("random", table, (dir / "mo").string(), {"acc<=75"});
  mo.objectives = parse_objectives("acc,params");
  mo.budget = 40;
  const auto front = run_search(mo, [](const std::string&) {}).at("pareto").at("front");
  ASSERT_FALSE(front.empty());
  for (const auto& point : front) EXPECT_LE(point.at("acc").get<double>(), 75);
}

// The feasibility model learns where a measured bound holds: from 30 cells' slacks on "at most two 3x3
// convolutions", it gives the feasible cells of the whole pool a high probability and the others a low one.
TEST(FeasibilityModel, LearnsWhereAMeasuredBoundHolds) {
  const Nb201Space space;
  const std::vector<Arch> configs = dedupe_by_iso_key(space, space.enumerate());
  const CandidatePool pool(space, configs);
  const auto convs = [&](const Arch& config) {
    const Nb201Cell cell = Nb201Space::to_cell(config);
    int count = 0;
    for (Nb201Op op : cell.ops()) count += op == Nb201Op::kConv3x3;
    return count;
  };
  Rng rng(4);
  std::vector<Observation> history;
  for (int i = 0; i < 30; ++i) {
    Observation o{configs[rng.uniform_int(configs.size())], 50, true, 0, {}};
    o.constraint_slacks = {2.5 - convs(o.config)};
    history.push_back(o);
  }
  std::vector<long> rows(configs.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<long>(i);
  FeasibilityModel model(pool);
  const std::vector<double> log_p = model.log_probability(history, rows);
  double feasible_sum = 0, infeasible_sum = 0;
  int feasible = 0, infeasible = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double p = std::exp(log_p[i]);
    ASSERT_TRUE(p >= 0 && p <= 1) << p;
    if (convs(configs[i]) <= 2)
      feasible_sum += p, ++feasible;
    else
      infeasible_sum += p, ++infeasible;
  }
  EXPECT_GT(feasible_sum / feasible, 0.8);
  EXPECT_LT(infeasible_sum / infeasible, 0.2);
  // Without measured constraints it says nothing.
  for (Observation& o : history) o.constraint_slacks.clear();
  for (double value : model.log_probability(history, rows)) ASSERT_EQ(value, 0.0);
}

// In a search, bowl weighed by P(feasible) proposes fewer trials beyond the measured bound than bowl
// without the model (the same seed and budget), and still answers with a feasible cell at the bound (at most
// 72 %: two 3x3 convolutions; three make 75 %).
TEST(FeasibilityModel, ConstrainedBowlProposesFewerInfeasibleTrials) {
  const auto dir = test::scratch_dir("constraint_feasibility_model");
  const std::string table = test::synthetic_table(dir);
  int infeasible[2] = {0, 0};
  for (const bool model : {false, true}) {
    SearchSettings s = constrained("bowl", table, (dir / (model ? "model" : "plain")).string(), {"acc<=72"});
    s.budget = 30;
    s.method_settings.proposal.feasibility_model = model;
    const auto summary = run_search(s, [](const std::string&) {});
    infeasible[model] = summary.at("infeasible_trials").get<int>();
    EXPECT_LE(summary.at("best_accuracy").get<double>(), 72);
    if (model) {
      EXPECT_GE(summary.at("best_accuracy").get<double>(), 70);  // two 3x3 convolutions: the best feasible
    }
  }
  EXPECT_LT(infeasible[1], infeasible[0])
      << "with the model " << infeasible[1] << ", without " << infeasible[0];
}

// tnas-mo (accuracy and params) weighs its expected hypervolume improvement by P(feasible) too: fewer trials
// beyond a measured accuracy bound than without the model, the same seed and budget, and a front within it.
TEST(FeasibilityModel, ConstrainedTnasMoProposesFewerInfeasibleTrials) {
  const auto dir = test::scratch_dir("constraint_feasibility_tnas_mo");
  const std::string table = test::synthetic_table(dir);
  int infeasible[2] = {0, 0};
  for (const bool model : {false, true}) {
    SearchSettings s =
        constrained("tnas-mo", table, (dir / (model ? "model" : "plain")).string(), {"acc<=72"});
    s.objectives = parse_objectives("acc,params");
    s.budget = 30;
    s.method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
    s.method_settings.deep_kernel.dataset = "mnist";
    s.method_settings.proposal.feasibility_model = model;
    const auto summary = run_search(s, [](const std::string&) {});
    infeasible[model] = summary.at("infeasible_trials").get<int>();
    for (const auto& point : summary.at("pareto").at("front")) EXPECT_LE(point.at("acc").get<double>(), 72);
  }
  EXPECT_LT(infeasible[1], infeasible[0])
      << "with the model " << infeasible[1] << ", without " << infeasible[0];
}

TEST(Constraint, AnUnreportedMetricOrAnEmptyPoolIsRefused) {
  const auto dir = test::scratch_dir("constraint_refused");
  const std::string table = test::synthetic_table(dir);
  const auto message = [&](const std::vector<std::string>& constraints) {
    try {
      run_search(constrained("random", table, (dir / "run").string(), constraints),
                 [](const std::string&) {});
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({"latency<=5"}),
            "--constraint latency<=5: 'latency' is not reported by the table objective (it reports accuracy; "
            "params and flops come from the space)");
  EXPECT_EQ(message({"params<=1"}),
            "--constraint params<=1: none of the 6466 configurations of the pool satisfies it");
}

// A constraint on a measured metric has it measured: the train objective times inference only when latency is
// named, by an objective or, here, by a constraint.
TEST(Constraint, AConstraintOnLatencyHasItMeasured) {
  const auto dir = test::scratch_dir("constraint_latency");
  SearchSettings s;
  s.method = "random";
  s.objective.spec = "train";
  s.objective.dataset = "mnist";
  s.objective.preset = "smoke";
  s.objective.device = ComputeDevice::kCpu;
  s.budget = 1;
  s.seed = 1;
  s.out = (dir / "run").string();
  s.constraints = parse_constraints({"latency<=100000"});
  run_search(s, [](const std::string&) {});
  const auto trial = test::read_trials(s.out).at(0);
  ASSERT_TRUE(trial.at("ok").get<bool>()) << trial.dump();
  EXPECT_GT(trial.at("metrics").at("latency_ms").get<double>(), 0);
  EXPECT_FALSE(trial.contains("feasible"));
}

}  // namespace
}  // namespace tnas
