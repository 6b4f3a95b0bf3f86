#include "meta_test/objective.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "datasets/dataset_spec.h"
#include "datasets/tabular_benchmark.h"
#include "graphs/error.h"
#include "models/cell_trainer.h"

namespace tnas {
namespace {

class TableObjective final : public Objective {
 public:
  TableObjective(const std::string& path, const std::string& column)
      : table_(TabularBenchmark::read(path, column)) {}
  TrialOutcome evaluate(const Nb201Cell& cell, uint64_t) override {
    TrialOutcome o;
    const auto v = table_.lookup_isomorphic(cell.to_string(), cell.iso_key());
    if (!v) {
      o.error = table_.path() + " has no entry for " + cell.to_string() + " (nor an isomorphic cell)";
      return o;
    }
    o.ok = true;
    o.accuracy = *v;
    return o;
  }
  nlohmann::json describe() const override {
    return {{"kind", "table"}, {"path", table_.path()}, {"column", table_.column()}, {"rows", table_.size()},
            {"max", table_.max_value()}, {"best_arch", table_.best_arch()}};
  }

 private:
  TabularBenchmark table_;
};

class TrainObjective final : public Objective {
 public:
  explicit TrainObjective(const ObjectiveSettings& s) : settings_(s), preset_(find_preset(s.preset)) {
    if (s.dataset.empty()) throw Error("the train objective needs --dataset");
    source_ = load_dataset(s.dataset);
    if (source_.num_classes() < 2)
      throw Error(s.dataset + ": a dataset needs at least 2 classes to train a classifier, it has " +
                  std::to_string(source_.num_classes()));
    if (!s.test_dataset.empty()) test_ = load_dataset(s.test_dataset);
    device_ = resolve_device(s.device);
    mode_ = resolve_train_mode(s.mode, device_);
    data_seed_ = s.seed;
  }
  TrialOutcome evaluate(const Nb201Cell& cell, uint64_t seed) override {
    // The same data draw for every cell of a search (seed of the search), a training seed per trial.
    const EvaluationData data = prepare_evaluation_data(source_, settings_.test_dataset.empty() ? nullptr : &test_, preset_, data_seed_);
    TrainOptions o;
    o.seed = seed;
    o.device = device_;
    o.mode = mode_;
    const TrainResult r = train_and_evaluate(cell, data, preset_, o);
    TrialOutcome out;
    out.ok = true;
    out.accuracy = r.valid_acc;  // the search sees validation accuracy; test accuracy is reported
    out.details = to_json(r);
    return out;
  }
  nlohmann::json describe() const override {
    return {{"kind", "train"}, {"dataset", settings_.dataset}, {"test_dataset", settings_.test_dataset},
            {"preset", to_json(preset_)}, {"device", device_}, {"mode", mode_}, {"data_seed", data_seed_}, {"maximizes", "valid_acc"}};
  }
  bool needs_images() const override { return true; }

 private:
  ObjectiveSettings settings_;
  ProxyPreset preset_;
  ImageDataset source_, test_;
  std::string device_, mode_;
  uint64_t data_seed_ = 0;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class CommandObjective final : public Objective {
 public:
  CommandObjective(std::string command, double timeout) : template_(std::move(command)), timeout_(timeout) {
    if (template_.find("{arch}") == std::string::npos) throw Error("command objective: the command must contain {arch}");
  }
  TrialOutcome evaluate(const Nb201Cell& cell, uint64_t seed) override {
    std::string cmd = template_;
    for (size_t p; (p = cmd.find("{arch}")) != std::string::npos;) cmd.replace(p, 6, shell_quote(cell.to_string()));
    for (size_t p; (p = cmd.find("{seed}")) != std::string::npos;) cmd.replace(p, 6, std::to_string(seed));
    TrialOutcome o;
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
      const double left = timeout_ - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1) <= 0) continue;
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    if (timed_out) kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    o.details = {{"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
    if (timed_out) {
      o.error = "timed out after " + std::to_string(timeout_) + " s";
      return o;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      o.error = "command exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
      return o;
    }
    // The last line that parses as a JSON object with a numeric "accuracy".
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      try {
        const auto j = nlohmann::json::parse(line);
        if (j.is_object() && j.contains("accuracy") && j.at("accuracy").is_number() &&
            std::isfinite(j.at("accuracy").get<double>())) {
          o.ok = true;
          o.accuracy = j.at("accuracy");
          o.details.update(j);
        }
      } catch (const nlohmann::json::exception&) {
      }
    }
    if (!o.ok) o.error = "command printed no JSON line with a finite \"accuracy\"";
    return o;
  }
  nlohmann::json describe() const override {
    return {{"kind", "command"}, {"command", template_}, {"timeout_seconds", timeout_}};
  }

 private:
  std::string template_;
  double timeout_;
};

}  // namespace

std::unique_ptr<Objective> make_objective(const ObjectiveSettings& s) {
  if (s.spec == "train") return std::make_unique<TrainObjective>(s);
  if (s.spec.rfind("table:", 0) == 0) {
    std::string rest = s.spec.substr(6), column = "test_acc";
    const size_t colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find('/', colon) == std::string::npos && colon + 1 < rest.size()) {
      column = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    return std::make_unique<TableObjective>(rest, column);
  }
  if (s.spec.rfind("command:", 0) == 0) return std::make_unique<CommandObjective>(s.spec.substr(8), s.timeout_seconds);
  throw Error("--objective must be train, table:FILE[:COLUMN] or command:'CMD {arch}', got '" + s.spec + "'");
}

}  // namespace tnas
