// The dashboard's reading side: following a run directory while it is written, the file route's confinement,
// the exposure rule, the static report's escaping and the meta_train outputs' descriptions. (The server and
// the page in a real browser: tests/cli_dashboard_browser.sh.)
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "basics/error.h"
#include "basics/output_lock.h"
#include "meta_test/dashboard/dashboard_content.h"
#include "meta_test/dashboard/dashboard_server.h"
#include "meta_test/dashboard/meta_train_artifacts.h"
#include "meta_test/dashboard/run_follower.h"
#include "meta_test/dashboard/served_file.h"
#include "meta_test/dashboard/static_report.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {
namespace fs = std::filesystem;

std::string trial_line(int trial, double accuracy, bool ok = true) {
  return nlohmann::json({{"trial", trial},
                         {"arch", "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|"},
                         {"ok", ok},
                         {"accuracy", ok ? nlohmann::json(accuracy) : nlohmann::json()},
                         {"seconds", 2.0},
                         {"cost_seconds", 10.0},
                         {"epochs", 3}})
      .dump();
}

void write_file(const fs::path& path, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(path, std::ios::binary | mode);
  out << text;
}

fs::path make_run(const std::string& name, int budget) {
  const fs::path dir = test::scratch_dir("dashboard_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_file(dir / "config.json",
             nlohmann::json({{"budget", budget},
                             {"seed", 3},
                             {"space", "nb201"},
                             {"method", {{"method", "random"}}},
                             {"objective", {{"kind", "table"}, {"path", "/data/table.csv"}}}})
                 .dump());
  return dir;
}

TEST(RunFollower, ReadsOnlyCompleteLinesAndPicksUpAppendedOnes) {
  const fs::path dir = make_run("torn", 5);
  write_file(dir / "trials.jsonl", trial_line(1, 80) + "\n" + trial_line(2, 85).substr(0, 30));
  RunFollower run(dir.string(), "torn");
  EXPECT_EQ(run.overview()["trials"], 1);  // the half-written second line is not read
  EXPECT_EQ(run.skipped_lines(), 0);
  write_file(dir / "trials.jsonl", trial_line(2, 85).substr(30) + "\n" + trial_line(3, 0, false) + "\n",
             std::ios::app);
  run.refresh();
  const nlohmann::json overview = run.overview();
  EXPECT_EQ(overview["trials"], 3);
  EXPECT_EQ(overview["failed"], 1);
  EXPECT_DOUBLE_EQ(overview["cost_seconds"].get<double>(), 30.0);
  EXPECT_EQ(overview["cost_epochs"], 9);
  EXPECT_EQ(run.trials_from(1).size(), 2u);
  EXPECT_EQ(run.trials_from(1)[0]["accuracy"], 85);
  EXPECT_EQ(overview["objective"], "table: table.csv");
  EXPECT_EQ(overview["status"], "stopped");  // 3 of 5 trials and nobody holds the lock
}

TEST(RunFollower, AReplacedTrialsFileIsReadAfresh) {
  const fs::path dir = make_run("replaced", 5);
  write_file(dir / "trials.jsonl", trial_line(1, 80) + "\n" + trial_line(2, 85) + "\n");
  RunFollower run(dir.string(), "replaced");
  EXPECT_EQ(run.generation(), 0);
  write_file(dir / "trials.jsonl", trial_line(1, 70) + "\n");  // --force started the run again
  run.refresh();
  EXPECT_EQ(run.generation(), 1);
  ASSERT_EQ(run.overview()["trials"], 1);
  EXPECT_EQ(run.trials_from(0)[0]["accuracy"], 70);
}

TEST(RunFollower, StatusIsRunningWithTheLockHoldersPidThenFinishedOrFailed) {
  const fs::path dir = make_run("status", 2);
  write_file(dir / "trials.jsonl", trial_line(1, 80) + "\n");
  {
    OutputLock lock(dir.string(), LockTarget::kDirectory, "search");
    RunFollower run(dir.string(), "status");
    EXPECT_EQ(run.overview()["status"], "running");
    EXPECT_EQ(run.overview()["pid"], std::to_string(::getpid()));
  }
  write_file(dir / "trials.jsonl", trial_line(2, 90) + "\n", std::ios::app);
  RunFollower finished(dir.string(), "status");
  EXPECT_EQ(finished.overview()["status"], "finished");
  write_file(dir / "trials.jsonl", trial_line(1, 0, false) + "\n" + trial_line(2, 0, false) + "\n");
  RunFollower failed(dir.string(), "status");
  EXPECT_EQ(failed.overview()["status"], "failed");  // every evaluation failed, as the search's exit 1 says
}

TEST(RunFollower, AnUnreadableLineIsSkippedAndCounted) {
  const fs::path dir = make_run("garbage", 5);
  write_file(dir / "trials.jsonl", trial_line(1, 80) + "\nnot json\n[1,2]\n" + trial_line(2, 81) + "\n");
  RunFollower run(dir.string(), "garbage");
  EXPECT_EQ(run.overview()["trials"], 2);
  EXPECT_EQ(run.skipped_lines(), 2);
}

TEST(ServedFile, OnlyRegularFilesInsideTheRunDirectoryAfterResolvingLinks) {
  const fs::path root = test::scratch_dir("dashboard_files");
  fs::remove_all(root);
  fs::create_directories(root / "run" / "workers");
  write_file(root / "run" / "trials.jsonl", "x\n");
  write_file(root / "run" / "workers" / "local-1.log", "log\n");
  write_file(root / "secret.txt", "secret\n");
  fs::create_symlink(root / "secret.txt", root / "run" / "link_out");
  fs::create_symlink(root / "run" / "trials.jsonl", root / "run" / "link_in");
  const std::string run = (root / "run").string();
  EXPECT_TRUE(file_inside(run, "trials.jsonl"));
  EXPECT_TRUE(file_inside(run, "workers/local-1.log"));
  EXPECT_TRUE(file_inside(run, "link_in"));
  EXPECT_FALSE(file_inside(run, "link_out"));  // a link pointing out of the run directory
  EXPECT_FALSE(file_inside(run, "../secret.txt"));
  EXPECT_FALSE(file_inside(run, "workers/../../secret.txt"));
  EXPECT_FALSE(file_inside(run, (root / "secret.txt").string()));  // absolute
  EXPECT_FALSE(file_inside(run, "workers"));                       // a folder
  EXPECT_FALSE(file_inside(run, "absent"));
  EXPECT_FALSE(file_inside(run, ""));
  EXPECT_STREQ(content_type_of("a/trials.jsonl"), "text/plain; charset=utf-8");  // never served as HTML
  EXPECT_STREQ(content_type_of("incumbent.png"), "image/png");
}

TEST(DashboardServer, AnAddressOtherThanLoopbackNeedsAToken) {
  EXPECT_NO_THROW(check_exposure({"127.0.0.1", 8050, ""}));
  EXPECT_NO_THROW(check_exposure({"::1", 0, ""}));
  EXPECT_NO_THROW(check_exposure({"0.0.0.0", 8050, "s3cret"}));
  try {
    check_exposure({"0.0.0.0", 8050, ""});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--host 0.0.0.0 lets other machines read the runs: give --token"),
              std::string::npos);
  }
  EXPECT_THROW(check_exposure({"127.0.0.1", 70000, ""}), Error);
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("evil.example"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
}

TEST(DashboardContent, AFolderOfRunsIsExpandedAndAFolderWithoutRunsIsAnError) {
  const fs::path root = test::scratch_dir("dashboard_folder");
  fs::remove_all(root);
  fs::create_directories(root / "empty");
  for (const char* name : {"b", "a"}) {
    fs::create_directories(root / "runs" / "seeds" / name);
    write_file(root / "runs" / "seeds" / name / "config.json", R"({"budget": 1})");
  }
  DashboardContent content({(root / "runs").string(), (root / "runs" / "seeds" / "a").string()});
  const nlohmann::json overview = content.overview();
  ASSERT_EQ(overview["runs"].size(), 2u);                  // a run named twice is followed once
  EXPECT_EQ(overview["runs"][0]["name"], "runs/seeds/a");  // sorted, named below what the user named
  EXPECT_EQ(overview["runs"][1]["name"], "runs/seeds/b");
  // A run started in the folder later is listed at the next poll, after the others (their numbers stay).
  fs::create_directories(root / "runs" / "later");
  write_file(root / "runs" / "later" / "config.json", R"({"budget": 1})");
  const nlohmann::json again = content.overview();
  ASSERT_EQ(again["runs"].size(), 3u);
  EXPECT_EQ(again["runs"][2]["name"], "runs/later");
  EXPECT_EQ(content.overview()["runs"].size(), 3u);
  try {
    DashboardContent none({(root / "empty").string()});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (root / "empty").string() +
                                         ": no run directory, checkpoint folder or meta-dataset (.h5) in it");
  }
}

TEST(StaticReport, InlinesEverythingAndNoValueCanCloseItsScriptElement) {
  const fs::path dir = make_run("report", 1);
  nlohmann::json hostile = nlohmann::json::parse(trial_line(1, 80));
  hostile["arch"] = "</script><script>alert(1)</script><!--";
  write_file(dir / "trials.jsonl", hostile.dump() + "\n");
  DashboardContent content({dir.string()});
  const std::string page = render_report(content.snapshot());
  EXPECT_EQ(page.find("<script src="), std::string::npos);  // nothing loaded from anywhere
  EXPECT_EQ(page.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script>\\u003cscript>alert(1)"), std::string::npos);
  EXPECT_NE(page.find("Chart.js v3.9.1"), std::string::npos);  // Debian's Chart.js, inlined
  EXPECT_EQ(page.find("http://"),
            page.find("http://www.w3.org/2000/svg"));  // no address but the SVG namespace
}

TEST(MetaTrainArtifacts, TheShippedMetaDatasetAndCheckpointAreDescribed) {
  const std::string source = TNAS_SOURCE_DIR;
  const nlohmann::json data =
      describe_meta_dataset(source + "/checkpoints/fashion-mnist-tiny.meta.h5", "fashion-mnist-tiny");
  EXPECT_EQ(data["results"], 1800);  // as `meta_train data info` says
  EXPECT_EQ(data["tasks"], 120);
  EXPECT_EQ(data["archs"], 1702);
  ASSERT_EQ(data["sources"].size(), 1u);
  EXPECT_EQ(data["sources"][0]["name"], "fashion-mnist");
  EXPECT_EQ(data["sources"][0]["results"], 1800);
  EXPECT_EQ(data["protocol"], "tiny");
  int tasks = 0;
  for (const auto& count : data["tasks_by_classes"]) tasks += count[1].get<int>();
  EXPECT_EQ(tasks, 120);
  const nlohmann::json checkpoint = describe_checkpoint(source + "/checkpoints/default", "default");
  EXPECT_EQ(checkpoint["manifest"]["metrics"]["epoch"], 18);
  EXPECT_EQ(checkpoint["status"], "complete");
  EXPECT_THROW(describe_meta_dataset(source + "/README.md", "x"), Error);
}

}  // namespace
}  // namespace tnas
