#include "meta_test/search/run_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "basics/gnuplot.h"

namespace tnas {
namespace fs = std::filesystem;
namespace {

// The configuration without what may legitimately change between a run and its resumption.
nlohmann::json comparable(nlohmann::json config) {
  config.erase("versions");
  config.erase("threads");
  config.erase("budget");            // a finished search continues with a larger budget
  config.erase("max_cost_seconds");  // or a larger cost budget
  config.erase("max_epochs_total");
  config.erase("workers");  // more or fewer workers, elsewhere, continue the same search
  if (!config.contains("space")) config["space"] = "nb201";  // runs from before the space was recorded
  // How long the pool embedding took and whether it came from the cache: a timing, not a setting (runs from
  // before the cache recorded the seconds alone).
  const auto erase_timings = [](nlohmann::json& method) {
    method.erase("pool_embedding");
    method.erase("pool_embedding_seconds");
  };
  if (config.contains("method")) {
    erase_timings(config["method"]);
    if (config["method"].contains("model")) erase_timings(config["method"]["model"]);
  }
  return config;
}

}  // namespace

namespace {

// "method.warm_start_top: 2 now, absent in the run": the first setting that differs, so that a user sees
// which option to give to resume.
std::string first_difference(const nlohmann::json& run, const nlohmann::json& now) {
  const nlohmann::json patch = nlohmann::json::diff(run, now);
  if (patch.empty()) return "no difference";
  const nlohmann::json& change = patch[0];
  std::string key = change.value("path", "");
  std::replace(key.begin(), key.end(), '/', '.');
  if (!key.empty() && key[0] == '.') key.erase(0, 1);
  const nlohmann::json::json_pointer at(change.value("path", ""));
  const std::string before = run.contains(at) ? run.at(at).dump() : "absent";
  const std::string after = now.contains(at) ? now.at(at).dump() : "absent";
  return key + ": " + after + " now, " + before + " in the run";
}

}  // namespace

RunDirectory::RunDirectory(std::string path, const nlohmann::json& config, bool force)
    : path_(std::move(path)), lock_(path_, LockTarget::kDirectory, "search") {
  const std::string config_path = path_ + "/config.json";
  if (fs::exists(config_path)) {
    nlohmann::json old;
    try {
      std::ifstream in(config_path);
      old = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      if (!force) throw Error(config_path + ": corrupt (" + e.what() + "); use --force to start afresh");
    }
    // Another thread count is allowed, but said: it changes the order of floating-point sums, so the resumed
    // trials need not be those of an uninterrupted run.
    const auto threads = [](const nlohmann::json& c) {
      return c.contains("versions") ? c["versions"].value("torch_threads", 0) : 0;
    };
    if (threads(old) != threads(config) && threads(old) > 0)
      resume_note_ = "resuming with " + std::to_string(threads(config)) + " threads where the run used " +
                     std::to_string(threads(old)) +
                     ": floating-point sums run in another order, so later trials may differ from an "
                     "uninterrupted run's";
    if (comparable(old) != comparable(config)) {
      if (!force)
        throw Error(path_ + " holds a run with a different configuration (" + config_path + ": " +
                    first_difference(comparable(old), comparable(config)) +
                    "); use another --out, or --force to replace it");
      for (const char* f : {"trials.jsonl", "trajectory.csv", "summary.json", "incumbent.png"})
        fs::remove(path_ + "/" + f);
      fs::remove_all(path_ + "/queue");  // a parallel search's trials in flight
    }
  }
  write_text_atomically(config_path, config.dump(2) + "\n");
  std::ifstream in(path_ + "/trials.jsonl");
  std::string line, good;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      trials_.push_back(nlohmann::json::parse(line));
      good += line + "\n";
    } catch (const nlohmann::json::exception&) {
      break;  // a torn append: this trial did not finish, it is run again
    }
  }
  write_text_atomically(path_ + "/trials.jsonl",
                        good);  // drop a torn tail so that appends start on a line boundary
}

void RunDirectory::append_trial(const nlohmann::json& trial) {
  const std::string line = trial.dump() + "\n";
  const std::string path = path_ + "/trials.jsonl";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot append (" + std::strerror(errno) + ")");
  const ssize_t written = ::write(fd, line.data(), line.size());
  const bool ok = written == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  const std::string reason = written < 0 || !ok ? std::strerror(errno) : "";
  if (!ok && written > 0) {
    // A torn line would stay behind the next good one: cut the file back to where this append began.
    struct stat info {};
    if (::fstat(fd, &info) == 0) (void)::ftruncate(fd, info.st_size - written);
  }
  ::close(fd);
  if (!ok) throw Error(path + ": append failed (" + (reason.empty() ? "short write" : reason) + ")");
  trials_.push_back(trial);
}

bool Incumbent::offer(const nlohmann::json& t) {
  if (!t.at("ok").get<bool>() || !t.value("feasible", true)) return false;  // never an infeasible trial
  const int f = t.value("fidelity_epochs", 0);
  const double a = t.at("accuracy").get<double>();
  if (trial > 0 && (f < fidelity || (f == fidelity && a <= accuracy))) return false;
  fidelity = f, accuracy = a, trial = t.at("trial").get<int>(), arch = t.at("arch").get<std::string>();
  return true;
}

void RunDirectory::write_outputs(const nlohmann::json& summary, const std::vector<double>& hypervolume) {
  std::ostringstream csv;
  csv << "trial,arch,ok,accuracy,incumbent,fidelity_epochs,cost_seconds,cost_epochs"
      << (hypervolume.empty() ? "" : ",hypervolume") << "\n";
  size_t row = 0;
  Incumbent incumbent;
  double cost = 0;
  long epochs = 0;
  for (const auto& t : trials_) {
    const bool ok = t.at("ok");
    incumbent.offer(t);
    cost += t.value("cost_seconds", t.value("seconds", 0.0));
    epochs += t.value("epochs", 0L);
    csv << t.at("trial") << ",\"" << t.at("arch").get<std::string>() << "\"," << (ok ? 1 : 0) << ","
        << (ok ? std::to_string(t.at("accuracy").get<double>()) : "") << ","
        << (incumbent.trial > 0 ? std::to_string(incumbent.accuracy) : "") << ","
        << t.value("fidelity_epochs", 0) << "," << cost << "," << epochs;
    if (row < hypervolume.size()) csv << "," << hypervolume[row];
    csv << "\n";
    ++row;
  }
  write_text_atomically(path_ + "/trajectory.csv", csv.str());
  write_text_atomically(path_ + "/summary.json", summary.dump(2) + "\n");
}

nlohmann::json RunDirectory::final_training() const {
  const std::string path = path_ + "/final.json";
  if (!std::filesystem::exists(path)) return nullptr;
  try {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": corrupt (" + std::string(e.what()) + "); remove it to train the incumbent again");
  }
}

void RunDirectory::write_final_training(const nlohmann::json& final) {
  write_text_atomically(path_ + "/final.json", final.dump(2) + "\n");
}

std::string RunDirectory::plot() const {
  if (!gnuplot_available()) return "no plot: gnuplot is not installed (apt-get install gnuplot-nox)";
  const std::string script = path_ + "/incumbent.gp";
  write_text_atomically(
      script, "set terminal pngcairo size 800,500\nset output " + gnuplot_quoted(path_ + "/incumbent.png") +
                  "\nset datafile separator ','\nset key bottom right\nset xlabel 'evaluations'\n"
                  "set ylabel 'accuracy (%)'\nset grid\nplot " +
                  gnuplot_quoted(path_ + "/trajectory.csv") +
                  " every ::1 using 1:5 with steps lw 2 title 'incumbent', "
                  "'' every ::1 using 1:4 with points pt 7 ps 0.6 title 'evaluations'\n");
  const bool plotted = run_gnuplot(script);
  fs::remove(script);
  return plotted ? "plot: " + path_ + "/incumbent.png" : "no plot: gnuplot failed";
}

}  // namespace tnas
