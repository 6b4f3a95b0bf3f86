#pragma once
// Compute runtime settings shared by every executable: thread counts, BLAS, versions.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tnas {

// Number of cores this process may use (sched_getaffinity; falls back to hardware_concurrency).
int available_cores();

// Sets LibTorch intra-op threads and OpenBLAS threads to `threads` (>= 1, else throws tnas::Error).
void set_compute_threads(int threads);

// Name of the BLAS library that LibTorch calls ("OpenBLAS ..." or "reference BLAS (slow)").
std::string blas_description();

// Versions and settings to record next to every output: tnas, LibTorch, compiler, BLAS, threads.
nlohmann::json runtime_versions();

}  // namespace tnas
