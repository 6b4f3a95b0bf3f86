// Shared GoogleTest entry point: prints where reference data is looked for and the seed of this run
// (tests/shared_data.h: test_seed()); --seed=N (or TNAS_TEST_SEED=N) gives a run's seed again.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "basics/blas_kernels.h"
#include "tests/shared_data.h"

int main(int argc, char** argv) {
  tnas::restart_with_the_cpus_blas_kernels(argv);  // before any result depends on them
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--seed=", 7) == 0)
      tnas::test::test_seed_storage() = std::strtoull(argv[i] + 7, nullptr, 10);
  std::printf("tnas tests: reference data from %s; seed %llu (rerun with --seed=%llu or TNAS_TEST_SEED)\n",
              tnas::test::shared_data_dir().c_str(), static_cast<unsigned long long>(tnas::test::test_seed()),
              static_cast<unsigned long long>(tnas::test::test_seed()));
  return RUN_ALL_TESTS();
}
