#pragma once
// Reading a search's run directory in tests: its trials.jsonl records and any file as text; killing a search
// after a given number of its trials.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tnas::test {

inline std::vector<nlohmann::json> read_trials(const std::string& run_dir) {
  std::vector<nlohmann::json> trials;
  std::ifstream in(run_dir + "/trials.jsonl");
  for (std::string line; std::getline(in, line);) trials.push_back(nlohmann::json::parse(line));
  return trials;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  return static_cast<size_t>(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
}

// Runs `search` in a forked child process (exit status 0, or 1 when it threw); returns the child's pid.
inline pid_t start_in_child(const std::function<void()>& search) {
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    try {
      search();
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  return child;
}

// Runs `search` in a child process and SIGKILLs it as soon as `run_dir`/trials.jsonl holds `target` trials:
// a kill placed by counting events, not seconds, so that a loaded machine kills at the same point. Returns
// the trials recorded when it died (the caller asserts that the kill landed while trials were still to run).
inline size_t kill_search_after_trials(const std::function<void()>& search, const std::string& run_dir,
                                       size_t target) {
  const std::string trials = run_dir + "/trials.jsonl";
  const size_t before = count_lines(trials);
  const pid_t child = start_in_child(search);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (count_lines(trials) < before + target && std::chrono::steady_clock::now() < deadline &&
         waitpid(child, nullptr, WNOHANG) == 0)
    usleep(200);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return count_lines(trials);
}

}  // namespace tnas::test
