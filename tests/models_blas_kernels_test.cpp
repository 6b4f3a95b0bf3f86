// OpenBLAS's kernels in a program that loads it through LibTorch (basics/blas_kernels.h): on a CPU with AVX2,
// never the SSE3 set that Debian's OpenBLAS falls back to on CPUs newer than itself, whose rounding moved two
// golden values and whose speed is a fraction of the CPU's.
#include "basics/blas_kernels.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "models/runtime/runtime.h"

namespace tnas {
namespace {

TEST(BlasKernels, OpenBlasRunsTheCpusVectorKernelsAndTheVersionsSayWhich) {
  const std::string kernels = blas_kernels();
  if (kernels.empty()) GTEST_SKIP() << "OpenBLAS is not loaded (LibTorch on another BLAS)";
  const char* chosen = std::getenv("OPENBLAS_CORETYPE");
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2") && (chosen == nullptr || strcasecmp(chosen, "Prescott") != 0))
    EXPECT_NE(strcasecmp(kernels.c_str(), "Prescott"), 0)
        << "OpenBLAS runs its SSE3 kernels on a CPU with AVX2 (test_main restarts with the CPU's)";
#endif
  const std::string described = runtime_versions()["blas"];
  EXPECT_NE(described.find(" " + kernels + " "), std::string::npos) << described;  // openblas_get_config
}

}  // namespace
}  // namespace tnas
