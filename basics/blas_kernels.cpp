#include "basics/blas_kernels.h"

#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <cstdlib>
#include <initializer_list>

namespace tnas {
namespace {

using GetCorenameFn = char* (*)();

// OpenBLAS's kernel sets without AVX, the ones it falls back to on an x86 CPU it does not know.
bool is_pre_avx(const char* core) {
  for (const char* name : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai",
                           "Coppermine", "Northwood", "Banias", "Opteron", "Barcelona"})
    if (strcasecmp(core, name) == 0) return true;
  return false;
}

// The kernel set this CPU can run best of those OpenBLAS 0.3.21 has ("" when none better than its own).
const char* kernels_for_this_cpu() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

}  // namespace

const char* blas_kernels() {
  auto corename = reinterpret_cast<GetCorenameFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* core = corename ? corename() : nullptr;
  return core ? core : "";
}

void restart_with_the_cpus_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr || argv == nullptr || argv[0] == nullptr) return;
  const char* core = blas_kernels();
  const char* better = kernels_for_this_cpu();
  if (*core == '\0' || *better == '\0' || !is_pre_avx(core)) return;
  if (setenv("OPENBLAS_CORETYPE", better, 1) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: then go on with the kernels there are
  unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace tnas
