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
#include "meta_test/objectives/objective.h"

namespace tnas {
namespace {

constexpr size_t kKeptOutputBytes = 1 << 20;  // of a command's output: its last MiB

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class CommandObjective final : public Objective {
 public:
  CommandObjective(std::string command, double timeout, const SearchSpace& space)
      : template_(std::move(command)), timeout_(timeout), space_(space) {
    if (template_.find("{arch}") == std::string::npos)
      throw Error("command objective: the command must contain {arch}");
  }
  TrialResult evaluate(const TrialRequest& request) override {
    std::string cmd = template_;
    for (size_t p; (p = cmd.find("{arch}")) != std::string::npos;)
      cmd.replace(p, 6, shell_quote(space_.format(request.config)));
    for (size_t p; (p = cmd.find("{seed}")) != std::string::npos;)
      cmd.replace(p, 6, std::to_string(request.seed));
    const Fidelity& f = request.fidelity;
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{epochs}", std::to_string(f.epochs)},
          {"{depth}", std::to_string(f.depth)},
          {"{width}", std::to_string(f.width)},
          {"{resolution}", std::to_string(f.resolution)},
          {"{images_per_class}", std::to_string(f.images_per_class)},
          {"{previous_epochs}", std::to_string(request.previous_epochs)}})
      for (size_t p; (p = cmd.find(key)) != std::string::npos;) cmd.replace(p, key.size(), value);
    TrialResult o;
    int out[2];
    if (pipe(out) != 0) throw Error("command objective: pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw Error("command objective: fork failed");
    if (pid == 0) {
      setpgid(0, 0);
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string text;
    const auto start = std::chrono::steady_clock::now();
    bool timed_out = false;
    char buf[4096];
    while (true) {
      const double left =
          timeout_ - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1) <= 0) continue;
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
      // Only the last lines matter (the result is the last JSON line): a command printing gigabytes of logs
      // costs a bounded tail, not their size in memory.
      if (text.size() > 2 * kKeptOutputBytes) text.erase(0, text.size() - kKeptOutputBytes);
    }
    close(out[0]);
    if (timed_out) kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    o.details = {
        {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
    if (timed_out) {
      o.error = "timed out after " + std::to_string(timeout_) + " s";
      return o;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      o.error = "command exited with status " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
      return o;
    }
    // The last line that parses as a JSON object with a finite "accuracy": each of its finite numbers is a
    // metric, "epochs" the training it cost.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      try {
        const auto j = nlohmann::json::parse(line);
        if (!j.is_object() || !j.contains("accuracy") || !j.at("accuracy").is_number() ||
            !std::isfinite(j.at("accuracy").get<double>()))
          continue;
        o.ok = true;
        o.metrics.clear();
        for (const auto& [key, value] : j.items())
          if (value.is_number() && std::isfinite(value.get<double>()) && key != "epochs")
            o.metrics[key] = value.get<double>();
        o.cost.epochs =
            j.contains("epochs") && j.at("epochs").is_number_integer() ? j.at("epochs").get<int>() : 0;
        o.details.update(j);
      } catch (const nlohmann::json::exception&) {
      }
    }
    if (!o.ok) o.error = "command printed no JSON line with a finite \"accuracy\"";
    return o;
  }
  nlohmann::json describe() const override {
    return {{"kind", "command"}, {"command", template_}, {"timeout_seconds", timeout_}};
  }
  bool reports_epochs() const override { return true; }  // when the command prints "epochs"

 private:
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
