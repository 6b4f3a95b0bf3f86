// The ask/tell API (include/tnas/ask_tell.h): the same trials as meta_test search for every method, several
// asks before a tell, resume after a kill between an ask and its tell, errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "basics/error.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/methods/search_methods.h"
#include "meta_test/search/search_loop.h"
#include "meta_test/search/search_options.h"
#include "tests/dataset_files.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"
#include "tnas/ask_tell.h"

namespace tnas {
namespace {

// What a search decided, trial by trial, without the times.
std::vector<std::string> decisions(const std::string& run_dir) {
  std::vector<std::string> trials;
  for (const auto& t : test::read_trials(run_dir)) {
    nlohmann::json d;
    for (const char* field : {"trial", "arch", "ok", "accuracy", "error", "fidelity_epochs",
                              "continued_from_epochs", "epochs", "proposal", "objectives"})
      if (t.contains(field)) d[field] = t.at(field);
    trials.push_back(d.dump());
  }
  return trials;
}

// The caller's side: evaluates an asked trial with the objective its search's options name.
class Evaluator {
 public:
  explicit Evaluator(const SearchOptions& options)
      : settings_(parse_search_words(options.command_line(), "").settings),
        space_(make_search_space(settings_.space)),
        objective_(make_objective(settings_.objective, *space_)) {}

  TrialReport evaluate(const AskedTrial& trial) {
    TrialRequest request{space_->parse(trial.config), Fidelity{}, trial.seed, trial.previous_epochs};
    request.fidelity.epochs = trial.epochs;
    const TrialResult result = run_trial(*objective_, request);
    TrialReport report;
    report.ok = result.ok;
    report.metrics = result.metrics;
    report.seconds = result.cost.seconds;
    report.epochs = result.cost.epochs;
    report.error = result.error;
    return report;
  }

 private:
  SearchSettings settings_;
  std::unique_ptr<SearchSpace> space_;
  std::unique_ptr<Objective> objective_;
};

// Asks and tells until the search is done, one trial at a time.
void ask_and_tell(AskTellSearch& search, Evaluator& evaluator) {
  while (const auto trial = search.ask()) search.tell(trial->number, evaluator.evaluate(*trial));
}

struct Oracles {
  std::string table, curves, images, checkpoint;
};

// The options of method `method`'s test search on the synthetic oracles: its family's objective, the shipped
// checkpoint and synthetic target images for the methods built on tnas's surrogate.
SearchOptions method_options(const MethodEntry& method, const Oracles& oracles, const std::string& out) {
  SearchOptions options;
  options.out = out;
  options.method = method.name;
  options.seed = 3;
  options.threads = 1;
  options.checkpoint = oracles.checkpoint;
  options.dataset = "cifar10:" + oracles.images;
  options.objective = "table:" + oracles.table + ":acc";
  options.budget = 8;
  options.more_options = {"--warm-start", "3"};
  if (method.family == MethodFamily::kMultiFidelity) {
    options.objective = "table-curves:" + oracles.curves;
    options.budget = 3;  // full evaluations' worth of epochs
    options.more_options.insert(options.more_options.end(), {"--max-fidelity", "27"});
  }
  if (method.family == MethodFamily::kMultiObjective) options.objectives = "acc,params";
  return options;
}

// Every method of every space-neutral family gives the same trials through the API, each ask followed by its
// tell, as meta_test search gives with the same options: the CLI's loop is the same session.
TEST(AskTell, EveryMethodGivesTheTrialsOfTheCommandLineSearch) {
  const auto dir = test::scratch_dir("ask_tell_methods");
  Oracles oracles{test::synthetic_table(dir), test::synthetic_curves(dir), (dir / "target.bin").string(),
                  std::string(TNAS_SOURCE_DIR) + "/checkpoints/default"};
  test::write_cifar(test::synthetic_images(200, 3, 32, 32, 10), oracles.images, false);
  const bool have_checkpoint = std::filesystem::exists(oracles.checkpoint + "/manifest.json");
  int compared = 0;
  for (const MethodEntry& method : search_method_registry()) {
    if (method.spaces != MethodSpaces::kAny) continue;  // grammar methods: their own space's tests
    if (!have_checkpoint && method.name.find("tnas") != std::string::npos) continue;
    SCOPED_TRACE(method.name);
    const SearchOptions api = method_options(method, oracles, (dir / (method.name + "_api")).string());
    SearchOptions cli = api;
    cli.out = (dir / (method.name + "_cli")).string();
    run_search(parse_search_words(cli.command_line(), "").settings, [](const std::string&) {});

    AskTellSearch search(api);
    Evaluator evaluator(api);
    ask_and_tell(search, evaluator);
    EXPECT_TRUE(search.done());
    const nlohmann::json summary = nlohmann::json::parse(search.finish());
    const auto expected = decisions(cli.out);
    ASSERT_GE(expected.size(), 3u);
    EXPECT_EQ(decisions(api.out), expected);
    ASSERT_TRUE(search.best().has_value());
    EXPECT_EQ(search.best()->number, summary.at("best_trial").get<int>());
    EXPECT_EQ(search.trials().size(), expected.size());
    if (method.family == MethodFamily::kMultiObjective) {
      EXPECT_EQ(search.pareto().size(), summary.at("pareto").at("front").size());
    }
    EXPECT_FALSE(std::filesystem::exists(api.out + "/queue/000001.json"));  // told trials leave the queue
    ++compared;
  }
  EXPECT_GE(compared, have_checkpoint ? 14 : 10);
}

// Several asks before a tell: distinct configurations, numbered in order, pending until told in any order;
// the next ask knows them all.
TEST(AskTell, SeveralAsksBeforeATellArePendingAndNeverAskedTwice) {
  const auto dir = test::scratch_dir("ask_tell_batch");
  SearchOptions options;
  options.out = (dir / "run").string();
  options.method = "bowl";
  options.objective = "table:" + test::synthetic_table(dir) + ":acc";
  options.budget = 10;
  options.more_options = {"--warm-start", "3"};
  AskTellSearch search(options);
  Evaluator evaluator(options);
  std::vector<AskedTrial> batch;
  for (int k = 0; k < 4; ++k) batch.push_back(*search.ask());
  std::set<std::string> configs;
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(batch[k].number, k + 1);
    configs.insert(batch[k].config);
  }
  EXPECT_EQ(configs.size(), 4u);
  EXPECT_EQ(search.pending().size(), 4u);
  for (int k = 3; k >= 0; --k) search.tell(batch[k].number, evaluator.evaluate(batch[k]));
  EXPECT_TRUE(search.pending().empty());
  const auto told = search.trials();
  ASSERT_EQ(told.size(), 4u);
  EXPECT_EQ(told[0].number, 4);  // in the order they were told
  // The model's next proposals (bowl after its 3 warm-start trials) repeat none of them.
  std::set<std::string> seen = configs;
  while (const auto trial = search.ask()) {
    EXPECT_TRUE(seen.insert(trial->config).second) << trial->config << " asked twice";
    search.tell(trial->number, evaluator.evaluate(*trial));
  }
  EXPECT_EQ(search.trials().size(), 10u);
  EXPECT_TRUE(search.done());
}

// A process killed between an ask and its tell loses nothing: reopened, the search asks those trials again
// (the same configurations under the same numbers), and the whole run has the trials of an uninterrupted one
// that asked and told in the same order.
TEST(AskTell, AnAskedTrialIsAskedAgainAfterTheProcessDies) {
  const auto dir = test::scratch_dir("ask_tell_resume");
  SearchOptions options;
  options.method = "local";
  options.objective = "table:" + test::synthetic_table(dir) + ":acc";
  options.budget = 9;
  options.seed = 5;
  // The uninterrupted run: trials 1 and 2 told as soon as asked, 3 and 4 asked together, then told.
  options.out = (dir / "whole").string();
  {
    AskTellSearch search(options);
    Evaluator evaluator(options);
    std::vector<AskedTrial> batch;
    for (int k = 0; k < 4; ++k) {
      const auto trial = search.ask();
      if (k < 2)
        search.tell(trial->number, evaluator.evaluate(*trial));
      else
        batch.push_back(*trial);
    }
    for (const auto& trial : batch) search.tell(trial.number, evaluator.evaluate(trial));
    ask_and_tell(search, evaluator);
  }
  options.out = (dir / "killed").string();
  const std::string asked_file = (dir / "asked.txt").string();
  const pid_t child = fork();
  if (child == 0) {  // the same four asks and first two tells, then dies without a word (no destructor runs)
    AskTellSearch search(options);
    Evaluator evaluator(options);
    std::ofstream asked(asked_file);
    for (int k = 0; k < 4; ++k) {
      const auto trial = search.ask();
      asked << trial->number << " " << trial->config << "\n" << std::flush;
      if (k < 2) search.tell(trial->number, evaluator.evaluate(*trial));
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::ifstream asked(asked_file);
  std::vector<std::pair<int, std::string>> lost;
  for (int number; asked >> number;) {
    std::string config;
    asked >> config;
    if (number > 2) lost.emplace_back(number, config);
  }
  ASSERT_EQ(lost.size(), 2u);

  AskTellSearch search(options);
  EXPECT_EQ(search.trials().size(), 2u);
  EXPECT_EQ(search.pending().size(), 2u);
  Evaluator evaluator(options);
  for (const auto& [number, config] : lost) {
    const auto again = search.ask();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->number, number);
    EXPECT_EQ(again->config, config);
    search.tell(again->number, evaluator.evaluate(*again));
  }
  ask_and_tell(search, evaluator);
  EXPECT_EQ(decisions(options.out), decisions((dir / "whole").string()));
}

TEST(AskTell, BadUseIsAOneLineError) {
  const auto dir = test::scratch_dir("ask_tell_errors");
  SearchOptions options;
  options.out = (dir / "run").string();
  options.method = "random";
  options.budget = 3;
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  {
    AskTellSearch search(options);  // the external objective: the caller evaluates
    const auto trial = search.ask();
    ASSERT_TRUE(trial.has_value());
    EXPECT_EQ(message([&] { search.tell(7, TrialReport::success(50)); }), "tell: trial 7 was not asked");
    search.tell(trial->number, TrialReport::success(61.5));
    EXPECT_EQ(message([&] { search.tell(trial->number, TrialReport::success(50)); }),
              "tell: trial 1 was told already");
    // A told accuracy outside [0, 100] is that trial's failure, as an objective's would be.
    const auto second = search.ask();
    search.tell(second->number, TrialReport::success(140));
    EXPECT_FALSE(search.trials().back().ok);
    EXPECT_EQ(search.trials().back().error, "objective value 140 is outside [0, 100]");
    const auto third = search.ask();
    search.tell(third->number, TrialReport::failure("out of memory"));
    EXPECT_EQ(search.trials().back().error, "out of memory");
    EXPECT_EQ(search.best()->accuracy, 61.5);
    EXPECT_FALSE(search.ask().has_value());
    EXPECT_TRUE(search.done());
    // The run directory is locked while the search is open.
    EXPECT_NE(message([&] { AskTellSearch second_search(options); }).find("pid"), std::string::npos);
  }
  SearchOptions bad = options;
  bad.out = (dir / "bad").string();
  bad.budget = 0;
  EXPECT_EQ(message([&] { AskTellSearch s(bad); }), "--budget must be >= 1, got 0");
  bad.budget = 3;
  bad.more_options = {"--no-such-option"};
  EXPECT_NE(message([&] { AskTellSearch s(bad); }).find("no-such-option"), std::string::npos);
  bad.more_options = {};
  bad.out = "";
  EXPECT_EQ(message([&] { AskTellSearch s(bad); }), "SearchOptions.out: the run directory is required");
  // meta_test search cannot evaluate the external objective.
  SearchSettings cli;
  cli.out = (dir / "cli").string();
  cli.objective.spec = "external";
  EXPECT_NE(message([&] { run_search(cli, [](const std::string&) {}); }).find("--objective external"),
            std::string::npos);
}

}  // namespace
}  // namespace tnas
