#include "models/runtime/runtime.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <sched.h>
#include <torch/version.h>
#include <algorithm>

#include <nlohmann/json.hpp>
#include <thread>

#include "basics/error.h"
#include "tnas_version.h"

namespace tnas {
namespace {

// OpenBLAS has its own thread pool that at::set_num_threads does not control; it is reached through
// the libblas.so.3 alternative, so look its symbols up at run time instead of linking it.
using SetThreadsFn = void (*)(int);
using GetConfigFn = char* (*)();

}  // namespace

int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

void set_compute_threads(int threads) {
  if (threads < 1) throw Error("--threads must be >= 1, got " + std::to_string(threads));
  // More threads than 4x the cores only adds contention; a typo like 100000 would spawn threads for minutes.
  const int most = 4 * std::max(1, available_cores());
  if (threads > most)
    throw Error("--threads " + std::to_string(threads) + " exceeds 4 x the " +
                std::to_string(available_cores()) + " available cores (at most " + std::to_string(most) +
                ")");
  at::set_num_threads(threads);
  if (auto fn = reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(threads);
}

std::string blas_description() {
  if (auto fn = reinterpret_cast<GetConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) return fn();
  return "reference BLAS (slow: install libopenblas0-pthread)";
}

nlohmann::json runtime_versions() {
  return {{"tnas", TNAS_VERSION},
          {"libtorch", TORCH_VERSION},
          {"compiler", std::string("g++ ") + __VERSION__},
          {"blas", blas_description()},
          {"torch_threads", at::get_num_threads()}};
}

}  // namespace tnas
