#pragma once
// Where the tests find ../shared/data (reference data that is never committed) and scratch space.
#include <unistd.h>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace tnas::test {

// $TNAS_SHARED_DATA, else ../shared/data beside the source checkout.
inline std::string shared_data_dir() {
  if (const char* env = std::getenv("TNAS_SHARED_DATA"); env && *env) return env;
  return std::string(TNAS_SOURCE_DIR) + "/../shared/data";
}

// Full path of a reference file, or "" when it is absent.
inline std::string shared_data_file(const std::string& relative) {
  const std::string path = shared_data_dir() + "/" + relative;
  return std::filesystem::exists(path) ? path : "";
}

// The seed of this test run, for tests whose random draws only choose what to try (kill moments, corrupted
// bytes): 0 unless test_main got --seed=N or TNAS_TEST_SEED=N, so a failure seen with another seed can be
// reproduced exactly. test_main prints it.
inline uint64_t& test_seed_storage() {
  static uint64_t seed = [] {
    const char* env = std::getenv("TNAS_TEST_SEED");
    return env && *env ? std::strtoull(env, nullptr, 10) : 0ULL;
  }();
  return seed;
}
inline uint64_t test_seed() { return test_seed_storage(); }

// A fresh, empty directory for one test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("tnas_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace tnas::test

// Skips the current test with a message naming the missing reference file.
#define TNAS_REQUIRE_SHARED_FILE(var, relative)                                           \
  const std::string var = ::tnas::test::shared_data_file(relative);                       \
  if (var.empty())                                                                        \
  GTEST_SKIP() << "reference file " << ::tnas::test::shared_data_dir() << "/" << relative \
               << " is absent (set TNAS_SHARED_DATA to the folder holding nb201/, cifar10/, metad2a/)"
