// Parallel search: the run directory's trial queue (claims, dead workers, stop), pending evaluations in the
// methods, and `meta_test search --workers N` end to end, with workers and the coordinator SIGKILLed at
// random moments: no trial lost, none recorded twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "basics/liveness_lock.h"
#include "basics/rng.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "meta_test/methods/hyperband_schedule.h"
#include "meta_test/methods/search_methods.h"
#include "meta_test/multi_objective/objective_set.h"
#include "meta_test/parallel/trial_queue.h"
#include "tests/dataset_files.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"

namespace tnas {
namespace {

namespace fs = std::filesystem;

nlohmann::json request(int trial) {
  return {{"trial", trial}, {"arch", "a" + std::to_string(trial)}, {"epochs", 0}};
}

TEST(TrialQueue, ClaimsAreExclusiveAndInTrialOrder) {
  const auto dir = test::scratch_dir("queue_claims");
  TrialQueue coordinator(dir.string());
  for (int t = 1; t <= 40; ++t) coordinator.add(request(t));
  // Eight claimers with their own queue objects (their own lock descriptors, as separate processes have).
  std::vector<std::vector<int>> claimed(8);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < claimed.size(); ++w)
    threads.emplace_back([&, w] {
      TrialQueue q(dir.string());
      const LivenessLock alive(q.worker_lock_path("w" + std::to_string(w)));
      while (auto c = q.claim("w" + std::to_string(w))) claimed[w].push_back(c->trial);
    });
  for (auto& t : threads) t.join();
  std::multiset<int> all;
  for (const auto& c : claimed) {
    EXPECT_TRUE(std::is_sorted(c.begin(), c.end()));  // each worker takes the lowest unclaimed trial
    all.insert(c.begin(), c.end());
  }
  EXPECT_EQ(all.size(), 40u);
  for (int t = 1; t <= 40; ++t) EXPECT_EQ(all.count(t), 1u) << "trial " << t;
}

TEST(TrialQueue, ADeadWorkersClaimIsReleasedAndAFinishedOneIsKept) {
  const auto dir = test::scratch_dir("queue_orphans");
  TrialQueue q(dir.string());
  for (int t = 1; t <= 3; ++t) q.add(request(t));
  {
    const LivenessLock dead(q.worker_lock_path("gone"));
    ASSERT_EQ(q.claim("gone")->trial, 1);
  }  // its lock released: the worker died with trial 1 claimed
  const LivenessLock alive(q.worker_lock_path("alive"));
  ASSERT_EQ(q.claim("alive")->trial, 2);
  ASSERT_EQ(q.claim("alive")->trial, 3);
  q.finish(3, {{"trial", 3}, {"ok", true}});
  EXPECT_TRUE(is_alive(q.worker_lock_path("alive")));
  EXPECT_FALSE(is_alive(q.worker_lock_path("gone")));

  const auto released = q.release_orphans();
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].trial, 1);
  EXPECT_EQ(released[0].worker, "gone");
  const auto listed = q.list();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].worker, "");       // unclaimed again: the next worker takes it
  EXPECT_EQ(listed[1].worker, "alive");  // still running
  ASSERT_TRUE(listed[2].result.has_value());
  EXPECT_EQ(q.claim("alive")->trial, 1);

  q.remove(3);
  EXPECT_EQ(TrialQueue::queued_trials(dir.string()), 2u);
  q.stop();
  EXPECT_TRUE(q.stopped());
  EXPECT_FALSE(q.claim("alive").has_value());  // a stopped search hands out nothing
  q.reopen();
  EXPECT_FALSE(q.stopped());
}

// Every method, asked with some of the history still running, proposes none of those configurations.
TEST(PendingEvaluations, NoMethodProposesAConfigurationThatIsStillRunning) {
  Nb201Space space;
  std::vector<Arch> pool;
  for (int64_t id = 0; id < 60; ++id) pool.push_back(space.parse(Nb201Cell::from_id(id * 97).to_string()));
  double largest = 0;
  for (const Arch& a : pool) largest = std::max(largest, static_cast<double>(space.cost(a).params));
  for (const std::string method :
       {"random", "evolution", "local", "params", "bowl", "gp", "tnas", "nsga2", "parego", "tnas-mo"}) {
    for (const std::string pending : {"believer", "fantasies", "none"}) {
      if (pending != "believer" && method != "tnas" && method != "gp") continue;
      MethodSettings method_settings;
      method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
      method_settings.deep_kernel.dataset = "fashion-mnist";
      method_settings.proposal.pending = parse_enum<PendingTreatment>(pending, "--pending");
      method_settings.proposal.warm_start = 2;
      const bool two =
          method == "nsga2" || method == "parego" || method == "tnas-mo";  // accuracy x parameters
      const auto m = make_search_method(
          method, {&space, pool, 1, parse_objectives(two ? "acc,params" : "acc"), {0, largest}},
          method_settings);
      std::vector<Observation> h;
      for (int i = 0; i < 12; ++i) {
        const Arch& a = pool[static_cast<size_t>(i)];
        Observation o{a, 50.0 + i, true, 0, {}};
        if (two) o.objectives = {o.accuracy, -static_cast<double>(space.cost(a).params)};
        if (i % 3 == 2) o.ok = false, o.pending = true;  // a third of them still running
        h.push_back(o);
      }
      // More proposals than the warm start before any has finished: still a proposal, not an error.
      std::vector<Observation> none_finished;
      for (int i = 0; i < 3; ++i)
        none_finished.push_back({pool[static_cast<size_t>(20 + i)], 0, false, 0, {}, true});
      Rng first(7);
      const Arch early = m->propose(none_finished, first);
      for (const auto& o : none_finished) ASSERT_NE(space.iso_key(early), space.iso_key(o.config)) << method;
      for (int step = 0; step < 4; ++step) {
        Rng rng(static_cast<uint64_t>(step));
        const Arch a = m->propose(h, rng);
        for (const auto& o : h)
          ASSERT_NE(space.iso_key(a), space.iso_key(o.config))
              << method << " " << pending << " step " << step;
        h.push_back({a, 0, false, 0, {}, true});  // it is now running too
      }
    }
  }
}

// Kriging believer with the model fitted on the finished observations only: the running evaluations, observed
// at the predicted means, leave the posterior mean where it was and shrink the variance (most next to them).
TEST(PendingEvaluations, TheBelieverKeepsThePosteriorMeanAndShrinksItsVariance) {
  Nb201Space space;
  std::vector<Arch> pool;
  for (int64_t id = 0; id < 80; ++id) pool.push_back(space.parse(Nb201Cell::from_id(id * 191).to_string()));
  for (const std::string kernel : {"additive", "deep"}) {
    MethodSettings method_settings;
    method_settings.deep_kernel.checkpoint = std::string(TNAS_SOURCE_DIR) + "/checkpoints/default";
    method_settings.deep_kernel.dataset = "fashion-mnist";
    method_settings.deep_kernel.kernel = parse_enum<KernelChoice>(kernel, "--kernel");
    method_settings.proposal.pending = PendingTreatment::kBeliever;
    const auto model = make_deep_kernel_model({&space, pool, 1, parse_objectives("acc"), {}},
                                              method_settings.proposal, method_settings.deep_kernel);
    std::vector<Observation> finished;
    for (int i = 0; i < 10; ++i)
      finished.push_back({pool[static_cast<size_t>(i)], 40.0 + 3 * (i % 4) + i, true, 0, {}});
    std::vector<Observation> with_running = finished;
    for (int i = 10; i < 13; ++i)
      with_running.push_back({pool[static_cast<size_t>(i)], 0, false, 0, {}, true});
    std::vector<long> candidates;
    for (long c = 20; c < 60; ++c) candidates.push_back(c);
    std::vector<double> mean0, sd0, mean1, sd1;
    Rng a(5), b(5);  // the same dataset-embedding draw
    model->predict(finished, candidates, a, mean0, sd0);
    model->predict(with_running, candidates, b, mean1, sd1);
    double shrunk = 0;
    for (size_t c = 0; c < candidates.size(); ++c) {
      EXPECT_NEAR(mean1[c], mean0[c], 1e-6 * (1 + std::abs(mean0[c]))) << kernel << " candidate " << c;
      EXPECT_LE(sd1[c], sd0[c] + 1e-9) << kernel << " candidate " << c;
      shrunk += sd0[c] - sd1[c];
    }
    EXPECT_GT(shrunk, 0) << kernel;
  }
}

TEST(PendingEvaluations, HyperbandWaitsForARungBeforePromotingFromIt) {
  const HyperbandSchedule schedule(1, 9, 3, true);  // successive halving: 9 @1, 3 @3, 1 @9
  std::vector<Observation> h;
  for (int i = 0; i < 9; ++i) h.push_back({Arch{{i % 5, 0, 0, 0, 0, 0}}, 50.0 + i, true, 1, {}});
  h[4].ok = false, h[4].pending = true;
  EXPECT_THROW(schedule.next(h), WaitForResults);
  h[4].ok = true, h[4].pending = false;
  const ScheduledTrial t = schedule.next(h);
  EXPECT_TRUE(t.promotion);
  EXPECT_EQ(t.epochs, 3);
}

// ---- meta_test search --workers, as a user runs it ----

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // its own process group: the test's kills reach exactly what they aim at
    std::freopen(log.c_str(), "a", stderr);
    std::freopen("/dev/null", "w", stdout);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> search_args(const std::string& table, const std::string& out,
                                     const std::string& method, int budget, int workers, double simulated) {
  return {TNAS_META_TEST_EXE,
          "search",
          "--method",
          method,
          "--objective",
          "table:" + table + ":acc",
          "--budget",
          std::to_string(budget),
          "--seed",
          "4",
          "--workers",
          std::to_string(workers),
          "--simulated-seconds",
          std::to_string(simulated),
          "--threads",
          "1",
          "--dataset",
          "fashion-mnist",
          "--checkpoint",
          std::string(TNAS_SOURCE_DIR) + "/checkpoints/default",
          "--out",
          out};
}

// The workers alive now: name -> pid (from their lock files, "pid@host").
// None before the coordinator has made the folder (a loaded machine can take seconds to start it).
std::map<std::string, pid_t> live_workers(const std::string& run_dir) {
  std::map<std::string, pid_t> pids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run_dir + "/workers", ec)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".lock" || name == "coordinator.lock" || !is_alive(e.path().string()))
      continue;
    try {
      pids[e.path().stem().string()] = static_cast<pid_t>(std::stol(test::read_text(e.path().string())));
    } catch (const std::exception&) {  // its worker left between listing and reading
    }
  }
  return pids;
}

// The trial each worker has claimed now: worker name -> trial number.
std::map<std::string, int> claims(const std::string& run_dir) {
  std::map<std::string, int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run_dir + "/queue", ec))
    if (e.path().extension() == ".claim") {
      try {
        out[nlohmann::json::parse(test::read_text(e.path().string())).at("worker").get<std::string>()] =
            std::stoi(e.path().stem().string());
      } catch (const std::exception&) {  // released between listing and reading
      }
    }
  return out;
}

// No trial lost (numbers 1..budget all recorded), none recorded twice, no configuration evaluated twice.
void expect_every_trial_once(const std::string& run_dir, int budget) {
  const auto trials = test::read_trials(run_dir);
  std::map<int, int> numbers;
  std::set<std::string> archs;
  for (const auto& t : trials) {
    ++numbers[t.at("trial").get<int>()];
    archs.insert(t.at("arch").get<std::string>());
    EXPECT_TRUE(t.at("ok").get<bool>()) << t.dump();
  }
  EXPECT_EQ(trials.size(), static_cast<size_t>(budget));
  for (int n = 1; n <= budget; ++n) EXPECT_EQ(numbers[n], 1) << "trial " << n;
  EXPECT_EQ(archs.size(), trials.size());
  EXPECT_EQ(TrialQueue::queued_trials(run_dir), 0u);
}

TEST(ParallelSearch, WorkersShareTheTrialsAndTheAnswerIsTheBestRecorded) {
  const auto dir = test::scratch_dir("parallel_search");
  const std::string table = test::synthetic_table(dir), out = (dir / "run").string();
  for (const std::string method : {"random", "tnas"}) {
    fs::remove_all(out);
    ASSERT_EQ(wait_exit(spawn(search_args(table, out, method, 14, 3, 0.2), out + ".log")), 0)
        << test::read_text(out + ".log");
    expect_every_trial_once(out, 14);
    std::set<std::string> workers;
    double best = 0;
    for (const auto& t : test::read_trials(out))
      workers.insert(t.at("worker").get<std::string>()),
          best = std::max(best, t.at("accuracy").get<double>());
    EXPECT_GE(workers.size(), 2u) << method;
    const auto summary = nlohmann::json::parse(test::read_text(out + "/summary.json"));
    EXPECT_EQ(summary.at("best_accuracy").get<double>(), best);
    EXPECT_EQ(summary.at("workers").get<int>(), 3);
    EXPECT_TRUE(fs::exists(out + "/queue/stop"));
  }
}

// The fault test: workers SIGKILLed at random moments (each loses the trial it was running, which runs again
// elsewhere) and the coordinator SIGKILLed twice and restarted with the same command.
TEST(ParallelSearch, KilledWorkersAndCoordinatorLoseNoTrialAndDuplicateNone) {
  const auto dir = test::scratch_dir("parallel_faults");
  const std::string table = test::synthetic_table(dir), out = (dir / "run").string(), log = out + ".log";
  const int budget = 36;
  const auto args = search_args(table, out, "random", budget, 3, 1.0);
  Rng rng(11 + test::test_seed());
  int worker_kills = 0, coordinator_kills = 0;
  std::set<int> hit;  // trials whose worker was killed
  for (int round = 0; round < 3; ++round) {
    const pid_t coordinator = spawn(args, log);
    // Kills land once workers run: wait for them (a fixed delay missed them on a loaded CI machine).
    for (int i = 0; i < 600 && live_workers(out).empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (int k = 0; k < 3; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200 + static_cast<int>(rng.uniform_int(400))));
      // A random live worker, but each trial lost at most once (five losses mark a trial as one that crashes
      // its workers, ATrialThatKillsItsWorkers...).
      const auto claimed = claims(out);
      std::vector<std::pair<std::string, pid_t>> targets;
      for (const auto& [name, pid] : live_workers(out))
        if (!claimed.count(name) || !hit.count(claimed.at(name))) targets.emplace_back(name, pid);
      if (targets.empty()) continue;
      const auto& [name, pid] = targets[rng.uniform_int(targets.size())];
      if (claimed.count(name)) hit.insert(claimed.at(name));
      kill(pid, SIGKILL);
      ++worker_kills;
    }
    if (round < 2) {
      kill(coordinator, SIGKILL);
      ++coordinator_kills;
      wait_exit(coordinator);
      // Its workers finish what they were running and what was queued, then leave (no coordinator). On a
      // quiet machine that takes 1-3 s; the minute allowed holds with both cores busy elsewhere.
      for (int i = 0; i < 600 && !live_workers(out).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      EXPECT_TRUE(live_workers(out).empty());
    } else {
      ASSERT_EQ(wait_exit(coordinator), 0) << test::read_text(log);
    }
  }
  expect_every_trial_once(out, budget);
  const std::string said = test::read_text(log);
  EXPECT_NE(said.find("runs again"), std::string::npos) << "no killed worker was running a trial?\n" << said;
  EXPECT_NE(said.find("resuming"), std::string::npos);
  std::printf(
      "fault test: %d workers and %d coordinators SIGKILLed; %zu trials recorded for %d asked: 0 lost, 0 "
      "duplicated\n",
      worker_kills, coordinator_kills, test::read_trials(out).size(), budget);
}

TEST(ParallelSearch, MultiFidelityBracketsRunInParallelWithinTheirEpochBudget) {
  const auto dir = test::scratch_dir("parallel_hyperband");
  const std::string out = (dir / "run").string(),
                    curves = std::string(TNAS_SOURCE_DIR) + "/bench/oracles/fashion-mnist-tiny-curves.csv";
  const std::vector<std::string> args = {TNAS_META_TEST_EXE,
                                         "search",
                                         "--method",
                                         "hyperband",
                                         "--objective",
                                         "table-curves:" + curves,
                                         "--max-fidelity",
                                         "9",
                                         "--budget",
                                         "4",
                                         "--workers",
                                         "3",
                                         "--simulated-seconds",
                                         "0.1",
                                         "--seed",
                                         "2",
                                         "--threads",
                                         "1",
                                         "--out",
                                         out};
  ASSERT_EQ(wait_exit(spawn(args, out + ".log")), 0) << test::read_text(out + ".log");
  const auto trials = test::read_trials(out);
  long epochs = 0;
  std::map<int, nlohmann::json> by_number;
  for (const auto& t : trials) epochs += t.value("epochs", 0L), by_number[t.at("trial").get<int>()] = t;
  EXPECT_GE(epochs, 4 * 9 - 9);  // the budget is spent ...
  EXPECT_LE(epochs, 4 * 9 + 9);  // ... and overrun by at most what was in flight
  EXPECT_EQ(by_number.size(), trials.size());
  for (int n = 1; n <= static_cast<int>(trials.size()); ++n) EXPECT_EQ(by_number.count(n), 1u);
  int promotions = 0;
  for (const auto& t : trials) promotions += t.value("continued_from_epochs", 0) > 0;
  EXPECT_GT(promotions, 0);
}

// A trial whose evaluation takes its worker down (here the command kills its parent, the worker) would do so
// on every worker: after five lost workers it is recorded as failed and the search goes on.
TEST(ParallelSearch, ATrialThatKillsItsWorkersIsRecordedAsFailedAfterFiveLosses) {
  const auto dir = test::scratch_dir("parallel_poison");
  const std::string out = (dir / "run").string();
  const std::vector<std::string> args = {TNAS_META_TEST_EXE,
                                         "search",
                                         "--method",
                                         "random",
                                         "--objective",
                                         "command:kill -9 $PPID; echo {arch}",
                                         "--budget",
                                         "2",
                                         "--workers",
                                         "2",
                                         "--threads",
                                         "1",
                                         "--out",
                                         out};
  EXPECT_EQ(wait_exit(spawn(args, out + ".log")), 1);  // every evaluation failed
  const auto trials = test::read_trials(out);
  ASSERT_EQ(trials.size(), 2u);
  for (const auto& t : trials) {
    EXPECT_FALSE(t.at("ok").get<bool>());
    EXPECT_NE(t.at("error").get<std::string>().find("its worker died 5 times"), std::string::npos)
        << t.dump();
  }
  const std::string said = test::read_text(out + ".log");
  EXPECT_NE(said.find("has now lost 5 workers: recorded as failed"), std::string::npos) << said;
}

TEST(ParallelSearch, BadSettingsAreRefusedWithOneLine) {
  const auto dir = test::scratch_dir("parallel_bad");
  const std::string table = test::synthetic_table(dir), out = (dir / "run").string();
  auto args = search_args(table, out, "random", 4, 0, 0.1);
  EXPECT_NE(wait_exit(spawn(args, out + ".log")), 0);
  EXPECT_NE(test::read_text(out + ".log").find("--workers must be in 1.."), std::string::npos);
  args = search_args(table, out, "random", 4, 2, 0.1);
  args.insert(args.end(), {"--executor", "kubernetes"});
  EXPECT_NE(wait_exit(spawn(args, out + ".log")), 0);
  EXPECT_NE(test::read_text(out + ".log").find("--executor must be local or slurm"), std::string::npos);
  args = search_args(table, out, "random", 4, 2, 0.1);
  args.insert(args.end(), {"--pending", "optimism"});
  args[3] = "tnas";
  EXPECT_NE(wait_exit(spawn(args, out + ".log")), 0);
  EXPECT_NE(test::read_text(out + ".log").find("--pending must be believer, fantasies or none"),
            std::string::npos);
  // A worker whose blackbox cannot be built (the table vanished after the search started) ends the search.
  const std::vector<std::string> worker = {TNAS_META_TEST_EXE, "worker", (dir / "nowhere").string()};
  EXPECT_NE(wait_exit(spawn(worker, out + ".log")), 0);
  EXPECT_NE(test::read_text(out + ".log").find("workers/command.json: missing"), std::string::npos);
}

}  // namespace
}  // namespace tnas
