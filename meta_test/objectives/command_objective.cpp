// command:'CMD ... {arch}': a user program run per trial ({arch} -> the configuration's text, {seed},
// {epochs}, {depth}, {width}, {resolution}, {images_per_class} -> the fidelity, 0 = the command's own;
// {previous_epochs}: the epochs this configuration was trained to earlier in the search, for a command that
// keeps its own checkpoints and continues them), killed with its process group after the timeout. It prints a
// JSON line with "accuracy" and any other metrics (and "epochs" for the training it cost).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "basics/error.h"
#include "basics/process.h"
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

constexpr size_t kKeptOutputBytes = 1 << 20;  // of a command's output: its last MiB

class CommandObjective final : public Objective {
 public:
  CommandObjective(std::string command, double timeout, const SearchSpace& space)
      : template_(std::move(command)), timeout_(timeout), space_(space) {
    if (template_.find("{arch}") == std::string::npos)
      throw Error("command objective: the command must contain {arch}");
  }
  TrialResult evaluate(const TrialRequest& request) override {
    const CommandRun run = run_command(command_for(request));
    TrialResult result;
    result.details = {{"seconds", run.seconds}};
    if (run.timed_out) {
      result.error = "timed out after " + std::to_string(timeout_) + " s";
      return result;
    }
    if (run.exit_status != 0) {
      result.error = "command exited with status " + std::to_string(run.exit_status);
      return result;
    }
    read_result(run.output, result);
    if (!result.ok) result.error = "command printed no JSON line with a finite \"accuracy\"";
    return result;
  }
  nlohmann::json describe() const override {
    return {{"kind", "command"}, {"command", template_}, {"timeout_seconds", timeout_}};
  }
  bool reports_epochs() const override { return true; }  // when the command prints "epochs"

 private:
  struct CommandRun {
    int exit_status = 0;  // 128 + the signal when one ended it
    bool timed_out = false;
    double seconds = 0;
    std::string output;  // its last kKeptOutputBytes at most
  };

  // The template with the request's values in place: the configuration as one shell-quoted word, the seed
  // and the fidelities as numbers.
  std::string command_for(const TrialRequest& request) const {
    std::string command = template_;
    const auto replace_all = [&](const std::string& key, const std::string& value) {
      for (size_t p; (p = command.find(key)) != std::string::npos;) command.replace(p, key.size(), value);
    };
    replace_all("{arch}", shell_quoted(space_.format(request.config)));
    replace_all("{seed}", std::to_string(request.seed));
    const Fidelity& f = request.fidelity;
    replace_all("{epochs}", std::to_string(f.epochs));
    replace_all("{depth}", std::to_string(f.depth));
    replace_all("{width}", std::to_string(f.width));
    replace_all("{resolution}", std::to_string(f.resolution));
    replace_all("{images_per_class}", std::to_string(f.images_per_class));
    replace_all("{previous_epochs}", std::to_string(request.previous_epochs));
    return command;
  }

  // Runs the user's shell command in its own process group (killed whole after the timeout), keeping a
  // bounded tail of what it prints.
  CommandRun run_command(const std::string& command) const {
    int out[2];
    if (pipe(out) != 0) throw Error("command objective: pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw Error("command objective: fork failed");
    if (pid == 0) {
      setpgid(0, 0);
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    CommandRun run;
    const auto start = std::chrono::steady_clock::now();
    char buf[4096];
    while (true) {
      const double left =
          timeout_ - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (left <= 0) {
        run.timed_out = true;
        break;
      }
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1) <= 0) continue;
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      run.output.append(buf, static_cast<size_t>(n));
      // Only the last lines matter (the result is the last JSON line): a command printing gigabytes of logs
      // costs a bounded tail, not their size in memory.
      if (run.output.size() > 2 * kKeptOutputBytes) run.output.erase(0, run.output.size() - kKeptOutputBytes);
    }
    close(out[0]);
    if (run.timed_out) kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
  }

  // The last line that parses as a JSON object with a finite "accuracy": each of its finite numbers is a
  // metric, "epochs" the training it cost.
  static void read_result(const std::string& output, TrialResult& result) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      try {
        const auto j = nlohmann::json::parse(line);
        if (!j.is_object() || !j.contains("accuracy") || !j.at("accuracy").is_number() ||
            !std::isfinite(j.at("accuracy").get<double>()))
          continue;
        result.ok = true;
        result.metrics.clear();
        for (const auto& [key, value] : j.items())
          if (value.is_number() && std::isfinite(value.get<double>()) && key != "epochs")
            result.metrics[key] = value.get<double>();
        result.cost.epochs =
            j.contains("epochs") && j.at("epochs").is_number_integer() ? j.at("epochs").get<int>() : 0;
        result.details.update(j);
      } catch (const nlohmann::json::exception&) {
      }
    }
  }

  std::string template_;
  double timeout_;
  const SearchSpace& space_;
};

}  // namespace

std::unique_ptr<Objective> make_command_objective(const std::string& command, double timeout_seconds,
                                                  const SearchSpace& space) {
  return std::make_unique<CommandObjective>(command, timeout_seconds, space);
}

}  // namespace tnas
