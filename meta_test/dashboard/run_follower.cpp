#include "meta_test/dashboard/run_follower.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "basics/liveness_lock.h"

namespace tnas {
namespace fs = std::filesystem;

namespace {

// A JSON file rewritten atomically by the search (config.json, summary.json): null when absent; the error
// text when it cannot be parsed.
nlohmann::json read_json_file(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    if (error) *error = path + ": not valid JSON";
    return nullptr;
  }
}

// A number of a record, or `fallback` when the key is missing or not a number (null in a failed trial).
double number_or(const nlohmann::json& record, const char* key, double fallback) {
  const auto found = record.find(key);
  return found != record.end() && found->is_number() ? found->get<double>() : fallback;
}

// A text of a record, or `fallback` when the key is missing or not a string.
std::string text_or(const nlohmann::json& record, const char* key, const std::string& fallback) {
  const auto found = record.find(key);
  return found != record.end() && found->is_string() ? found->get<std::string>() : fallback;
}

// The hypervolume column of trajectory.csv (multi-objective searches), one value per trial.
std::vector<double> read_hypervolume(const std::string& path) {
  std::ifstream in(path);
  std::string header;
  if (!in || !std::getline(in, header)) return {};
  const std::string column = ",hypervolume";
  if (header.size() < column.size() ||
      header.compare(header.size() - column.size(), column.size(), column) != 0)
    return {};
  std::vector<double> values;
  for (std::string line; std::getline(in, line);) {
    const size_t comma = line.rfind(',');
    if (comma == std::string::npos) break;
    try {
      values.push_back(std::stod(line.substr(comma + 1)));
    } catch (const std::exception&) {
      break;
    }
  }
  return values;
}

// Whether the search stopped where its settings stop it: the trial budget, or its cost or epoch limit.
bool reached_limits(const nlohmann::json& config, const std::vector<nlohmann::json>& trials) {
  double seconds = 0;
  long epochs = 0;
  for (const auto& t : trials) {
    seconds += number_or(t, "cost_seconds", number_or(t, "seconds", 0));
    epochs += static_cast<long>(number_or(t, "epochs", 0));
  }
  const double max_seconds = number_or(config, "max_cost_seconds", 0);
  const long max_epochs = static_cast<long>(number_or(config, "max_epochs_total", 0));
  return static_cast<double>(trials.size()) >= number_or(config, "budget", 0) ||
         (max_seconds > 0 && seconds >= max_seconds) || (max_epochs > 0 && epochs >= max_epochs);
}

// What the page says the objective is: its kind and the file, dataset or command it reads.
std::string objective_text(const nlohmann::json& objective) {
  if (!objective.is_object()) return "";
  std::string text = text_or(objective, "kind", "?");
  if (objective.contains("path")) text += ": " + fs::path(text_or(objective, "path", "")).filename().string();
  if (objective.contains("dataset")) text += ": " + objective["dataset"].dump();
  if (objective.contains("command")) text += ": " + objective["command"].dump();
  if (objective.contains("preset")) text += " (preset " + objective["preset"].dump() + ")";
  return text;
}

}  // namespace

bool is_run_directory(const std::string& directory) {
  return fs::is_regular_file(fs::path(directory) / "config.json");
}

RunFollower::RunFollower(std::string directory, std::string name)
    : directory_(std::move(directory)), name_(std::move(name)) {
  refresh();
}

void RunFollower::refresh() {
  read_state();
  read_appended_trials();
}

void RunFollower::read_state() {
  config_error_.clear();
  config_ = read_json_file(directory_ + "/config.json", &config_error_);
  summary_ = read_json_file(directory_ + "/summary.json", nullptr);
  hypervolume_ = read_hypervolume(directory_ + "/trajectory.csv");
  const std::string lock = directory_ + "/.lock";
  holder_pid_.clear();
  if (is_alive(lock)) {
    std::ifstream in(lock);
    std::getline(in, holder_pid_);
    state_ = RunState::kRunning;
  } else {
    state_ = RunState::kStopped;  // decided against the limits once the trials are read
  }
}

void RunFollower::read_appended_trials() {
  const std::string path = directory_ + "/trials.jsonl";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    trials_.clear(), trials_offset_ = 0;
    return;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  if (size < trials_offset_) {  // replaced by a new run (--force): read it from the start
    trials_.clear(), trials_offset_ = 0, skipped_lines_ = 0;
    ++generation_;
  }
  in.seekg(static_cast<std::streamoff>(trials_offset_));
  std::string appended(size - trials_offset_, '\0');
  in.read(appended.data(), static_cast<std::streamsize>(appended.size()));
  appended.resize(static_cast<size_t>(in.gcount()));
  const size_t end = appended.rfind('\n');
  if (end == std::string::npos) return;  // no complete line yet
  std::istringstream lines(appended.substr(0, end + 1));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    try {
      nlohmann::json trial = nlohmann::json::parse(line);
      if (trial.is_object() && trial.contains("trial")) {
        trials_.push_back(std::move(trial));
        continue;
      }
    } catch (const nlohmann::json::exception&) {
    }
    ++skipped_lines_;
  }
  trials_offset_ += end + 1;
}

nlohmann::json RunFollower::overview() const {
  nlohmann::json o = {{"kind", "run"},
                      {"name", name_},
                      {"path", directory_},
                      {"trials", trials_.size()},
                      {"generation", generation_},
                      {"skipped_lines", skipped_lines_}};
  if (!config_error_.empty()) o["error"] = config_error_;
  if (config_.is_object()) {
    o["space"] = text_or(config_, "space", "nb201");
    o["method"] = config_.contains("method") && config_["method"].is_object()
                      ? text_or(config_["method"], "method", "?")
                      : "?";
    o["objective"] = config_.contains("objective") ? objective_text(config_["objective"]) : "";
    // The limits the search stops at: trials, and a multi-fidelity search's epochs or a cost budget.
    if (number_or(config_, "budget", 0) > 0) o["budget"] = number_or(config_, "budget", 0);
    if (number_or(config_, "max_epochs_total", 0) > 0)
      o["max_epochs"] = number_or(config_, "max_epochs_total", 0);
    if (number_or(config_, "max_cost_seconds", 0) > 0)
      o["max_seconds"] = number_or(config_, "max_cost_seconds", 0);
    if (config_.contains("seed")) o["seed"] = config_["seed"];
    if (config_.contains("objectives")) o["objectives"] = config_["objectives"];
    if (config_.contains("constraints")) o["constraints"] = config_["constraints"];
    if (config_.contains("workers")) o["workers"] = config_["workers"];
    // Runs that differ only by seed (and versions) are one group: the page draws their median and quartiles.
    nlohmann::json setting = config_;
    setting.erase("seed"), setting.erase("versions");
    o["group"] = setting.dump();
  }
  int failed = 0, infeasible = 0;
  double elapsed = 0, cost = 0;
  long epochs = 0;
  for (const auto& t : trials_) {
    if (!(t.contains("ok") && t["ok"].is_boolean() && t["ok"].get<bool>())) ++failed;
    if (t.contains("feasible") && t["feasible"] == false) ++infeasible;
    elapsed += number_or(t, "seconds", 0) + number_or(t, "propose_seconds", 0);
    cost += number_or(t, "cost_seconds", number_or(t, "seconds", 0));
    epochs += static_cast<long>(number_or(t, "epochs", 0));
  }
  o["failed"] = failed, o["infeasible"] = infeasible;
  o["elapsed_seconds"] = elapsed, o["cost_seconds"] = cost, o["cost_epochs"] = epochs;
  std::string status = "running";
  if (state_ == RunState::kRunning) {
    o["pid"] = holder_pid_;
  } else if (config_.is_object() && reached_limits(config_, trials_)) {
    status = failed == static_cast<int>(trials_.size()) ? "failed" : "finished";
  } else {
    status = "stopped";
  }
  o["status"] = status;
  if (summary_.is_object() && summary_.contains("best_arch")) {
    o["best"] = {{"value", summary_.value("best_accuracy", nlohmann::json())},
                 {"trial", summary_.value("best_trial", nlohmann::json())},
                 {"arch", summary_["best_arch"]}};
    if (summary_.contains("final")) o["final"] = summary_["final"];
  }
  return o;
}

nlohmann::json RunFollower::trials_from(size_t first) const {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = first; i < trials_.size(); ++i) out.push_back(trials_[i]);
  return out;
}

}  // namespace tnas
