#include "meta_test/parallel/worker_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "basics/error.h"
#include "basics/slurm_commands.h"

extern char** environ;

namespace tnas {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kExitGrace{30};  // how long a stopped worker may take to notice and exit

// The line of a worker's log that says why it failed by itself ("meta_test worker: error: ..."), or "".
std::string worker_error(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.find("worker: error: ") != std::string::npos) return line;
  return "";
}

// The last non-empty line of a worker's log, or "" when there is none.
std::string last_log_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

// Worker processes on this machine.
class LocalWorkers final : public WorkerPool {
 public:
  LocalWorkers(const SearchSettings& settings, std::string executable,
               const std::function<void(const std::string&)>& progress)
      : count_(static_cast<size_t>(settings.workers)),
        run_dir_(settings.out),
        executable_(std::move(executable)),
        progress_(progress) {
    // Names never reused within a run directory: a killed coordinator's workers may still be finishing.
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(run_dir_ + "/workers", ec)) {
      const std::string name = e.path().stem().string();
      if (name.rfind("local-", 0) == 0 && name.find_first_not_of("0123456789", 6) == std::string::npos &&
          name.size() > 6)
        started_ = std::max(started_, std::stoi(name.substr(6)));
    }
  }
  ~LocalWorkers() override {
    for (const auto& [pid, id] : children_) ::kill(pid, SIGTERM);  // a search that failed: its workers go too
  }

  void maintain() override {
    reap();
    while (children_.size() < count_) start();
  }

  void shut_down() override {
    const auto deadline = Clock::now() + kExitGrace;
    while (!children_.empty() && Clock::now() < deadline) {
      reap(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (const auto& [pid, id] : children_) {
      progress_("worker " + id + " did not exit within " + std::to_string(kExitGrace.count()) +
                " s of the search's end: terminated");
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    children_.clear();
  }

 private:
  // Forgets the workers that ended; one that failed by itself ends the search (`fail`).
  void reap(bool fail = true) {
    for (auto it = children_.begin(); it != children_.end();) {
      int status = 0;
      if (::waitpid(it->first, &status, WNOHANG) != it->first) {
        ++it;
        continue;
      }
      const std::string id = it->second;
      it = children_.erase(it);
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && fail)
        throw Error("worker " + id + " failed: " + last_log_line(log_path(id)) + " (" + log_path(id) + ")");
      if (fail)
        progress_("worker " + id +
                  (WIFSIGNALED(status) ? " was killed (signal " + std::to_string(WTERMSIG(status)) + ")"
                                       : " ended") +
                  ": a new one takes its place");
    }
  }

  std::string log_path(const std::string& id) const { return run_dir_ + "/workers/" + id + ".log"; }

  void start() {
    const std::string id = "local-" + std::to_string(++started_);
    const std::string log = log_path(id);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> args = {executable_, "worker", run_dir_, "--id", id};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, executable_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw Error("cannot start a worker (" + executable_ + "): " + std::strerror(rc));
    children_.emplace_back(pid, id);
  }

  size_t count_;
  std::string run_dir_, executable_;
  std::function<void(const std::string&)> progress_;
  std::vector<std::pair<pid_t, std::string>> children_;
  int started_ = 0;
};

// One sbatch job per worker.
class SlurmWorkers final : public WorkerPool {
 public:
  SlurmWorkers(const SearchSettings& settings, const std::string& executable,
               const std::function<void(const std::string&)>& progress)
      : count_(static_cast<size_t>(settings.workers)),
        run_dir_(std::filesystem::absolute(settings.out).string()),
        progress_(progress) {
    if (!slurm_available())
      throw Error("--executor slurm: sbatch is not on PATH (no Slurm here); use --executor local");
    // An argument vector, no shell: --sbatch-args is split into words as a shell would, but nothing in it
    // runs; the --wrap line is the job's own shell code, with every value in it quoted.
    submit_args_ = {
        "--job-name=tnas-worker", "--output=" + run_dir_ + "/workers/slurm-%j.log",
        "--chdir=" + (settings.working_directory.empty() ? std::filesystem::current_path().string()
                                                         : settings.working_directory)};
    for (const std::string& extra : split_arguments(settings.sbatch_args, "--sbatch-args"))
      submit_args_.push_back(extra);
    submit_args_.push_back("--wrap");
    submit_args_.push_back("exec " + shell_quoted(executable) + " worker " + shell_quoted(run_dir_) +
                           " --id slurm-$SLURM_JOB_ID");
  }
  ~SlurmWorkers() override { cancel(); }

  void maintain() override {
    if (jobs_.size() >= count_ && Clock::now() - last_check_ < std::chrono::seconds(2)) return;
    last_check_ = Clock::now();
    const std::set<std::string> alive = slurm_jobs_alive();
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      if (alive.count(*it)) {
        ++it;
        continue;
      }
      // A worker that failed by itself says so ("meta_test worker: error: ..."); Slurm's own lines (a job
      // cancelled, preempted, out of time) are not the worker's failure.
      const std::string log = run_dir_ + "/workers/slurm-" + *it + ".log", failure = worker_error(log);
      if (!failure.empty()) throw Error("worker job " + *it + " failed: " + failure + " (" + log + ")");
      // A job that ends without ever writing its log never ran the worker (a bad partition, an account
      // without time): resubmitting it every two seconds forever would help nobody.
      std::error_code missing;
      silent_ends_ = std::filesystem::exists(log, missing) ? 0 : silent_ends_ + 1;
      if (silent_ends_ >= kMostSilentEnds)
        throw Error(std::to_string(kMostSilentEnds) +
                    " worker jobs in a row ended without starting (no log at " + log +
                    "); check --sbatch-args and the cluster's queue (sacct -j " + *it + ")");
      progress_("worker job " + *it + " ended: a new one takes its place");
      it = jobs_.erase(it);
    }
    while (jobs_.size() < count_) {
      const std::string id = sbatch(submit_args_);
      jobs_.insert(id);
      progress_("submitted worker job " + id + " (log " + run_dir_ + "/workers/slurm-" + id + ".log)");
    }
  }

  void shut_down() override {
    const auto deadline = Clock::now() + kExitGrace;
    while (Clock::now() < deadline) {
      const std::set<std::string> alive = slurm_jobs_alive();
      for (auto it = jobs_.begin(); it != jobs_.end();)
        it = alive.count(*it) ? std::next(it) : jobs_.erase(it);
      if (jobs_.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    cancel();  // e.g. still waiting in Slurm's queue
  }

 private:
  void cancel() {
    if (!jobs_.empty()) scancel(std::vector<std::string>(jobs_.begin(), jobs_.end()));
    jobs_.clear();
  }

  size_t count_;
  std::string run_dir_;
  std::vector<std::string> submit_args_;
  std::function<void(const std::string&)> progress_;
  std::set<std::string> jobs_;
  Clock::time_point last_check_{};
  static constexpr int kMostSilentEnds = 5;
  int silent_ends_ = 0;  // worker jobs in a row that ended without a log
};

}  // namespace

template <>
const EnumNames<Executor>& enum_names<Executor>() {
  static const EnumNames<Executor> names = {{Executor::kLocal, "local"}, {Executor::kSlurm, "slurm"}};
  return names;
}

std::unique_ptr<WorkerPool> make_worker_pool(const SearchSettings& settings, const std::string& executable,
                                             const std::function<void(const std::string&)>& progress) {
  switch (settings.executor) {
    case Executor::kLocal:
      return std::make_unique<LocalWorkers>(settings, executable, progress);
    case Executor::kSlurm:
      return std::make_unique<SlurmWorkers>(settings, executable, progress);
  }
  throw Error("search: unknown executor");
}

}  // namespace tnas
