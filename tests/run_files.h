#pragma once
// Reading a search's run directory in tests: its trials.jsonl records and any file as text.
#include <fstream>
#include <iterator>
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

}  // namespace tnas::test
