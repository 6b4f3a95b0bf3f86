#pragma once
// Shared by the benchmark programs: timing, machine description, output files.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "basics/blas_kernels.h"
#include "models/runtime/runtime.h"

namespace tnas::bench {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

inline nlohmann::json machine() {
  return {{"cpu", cpu_model()}, {"cores", available_cores()}, {"versions", runtime_versions()}};
}

// The q-quantile of `values` with linear interpolation between order statistics (0 for none).
inline double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(position), high = std::min(values.size() - 1, low + 1);
  return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

inline std::string shared_data_dir() {
  const char* env = std::getenv("TNAS_SHARED_DATA");
  return env && *env ? env : "../shared/data";
}

// Every benchmark's main: a bad option, a missing file or any other failure is one line on stderr and exit
// status 1, never an uncaught exception (std::terminate's core dump says nothing useful). OpenBLAS runs the
// CPU's kernels (basics/blas_kernels.h) before anything is measured.
inline int guarded_main(const char* program, int (*run)(int, char**), int argc, char** argv) {
  restart_with_the_cpus_blas_kernels(argv);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  }
}

inline void write_json(const std::string& path, const nlohmann::json& j) {
  std::ofstream(path) << j.dump(2) << "\n";
}

}  // namespace tnas::bench
