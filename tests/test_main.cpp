// Shared GoogleTest entry point: prints where reference data is looked for.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/shared_data.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::printf("tnas tests: reference data from %s\n", tnas::test::shared_data_dir().c_str());
  return RUN_ALL_TESTS();
}
