// Every reader, fed truncated and bit-flipped versions of a valid file, either reads it or throws
// tnas::Error — never crashes, never throws anything else. (Run once under AddressSanitizer too.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "basics/error.h"
#include "basics/rng.h"
#include "datasets/formats/cifar_format.h"
#include "datasets/formats/csv_table.h"
#include "datasets/formats/h5_image_format.h"
#include "datasets/formats/idx_format.h"
#include "datasets/formats/imagenet_downsampled_format.h"
#include "datasets/formats/numpy_npz.h"
#include "datasets/meta/meta_dataset.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

struct Outcome {
  int ok = 0, errors = 0;
};

// Writes each corrupted variant of `good` to `path` and runs `read`.
// TNAS_CORRUPTION_SCALE=k runs k times as many offsets (for the AddressSanitizer run).
Outcome torture(const std::string& path, const std::string& good, const std::function<void()>& read,
                int offsets) {
  if (const char* scale = std::getenv("TNAS_CORRUPTION_SCALE")) offsets *= std::max(1, std::atoi(scale));
  Outcome o;
  Rng rng(1234 + test::test_seed());
  auto attempt = [&](const std::string& bytes, const std::string& what) {
    test::write_bytes(path, bytes);
    try {
      read();
      ++o.ok;
    } catch (const Error&) {
      ++o.errors;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": threw a non-tnas exception: " << e.what();
    }
  };
  for (int k = 0; k < offsets; ++k) {
    // Offsets cover the header densely and the rest of the file at random.
    const size_t at = k < 64 ? static_cast<size_t>(k) % good.size() : rng.uniform_int(good.size());
    attempt(good.substr(0, at), "truncated at " + std::to_string(at));
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ (1 + rng.uniform_int(255)));
    attempt(flipped, "byte " + std::to_string(at) + " flipped");
  }
  test::write_bytes(path, good);
  return o;
}

TEST(Corruption, Idx) {
  const auto dir = test::scratch_dir("corrupt_idx");
  const auto d = test::synthetic_images(6, 1, 4, 4, 3);
  for (bool gz : {false, true}) {
    const std::string im = (dir / "im").string(), lb = (dir / "lb").string();
    test::write_idx(d, im, lb, gz);
    const auto o = torture(
        im, test::read_bytes(im), [&] { read_idx(im, lb); }, 150);
    EXPECT_GT(o.errors, 0);
  }
}

TEST(Corruption, Cifar) {
  const auto dir = test::scratch_dir("corrupt_cifar");
  const std::string path = (dir / "c.bin").string();
  test::write_cifar(test::synthetic_images(3, 3, 32, 32, 10), path, false);
  const auto o = torture(
      path, test::read_bytes(path), [&] { read_cifar(path, CifarVariant::kCifar10); }, 150);
  EXPECT_GT(o.errors, 0);
}

TEST(Corruption, ImageNetPickleAndNpz) {
  const auto dir = test::scratch_dir("corrupt_imagenet");
  const auto d = test::synthetic_images(3, 3, 8, 8, 1000);
  const std::string path = (dir / "batch").string();
  for (const std::string& good : {test::imagenet_pickle(d), test::imagenet_npz(d)}) {
    const auto o = torture(
        path, good, [&] { read_imagenet_downsampled(path, 8); }, 400);
    EXPECT_GT(o.errors, 0);
  }
}

TEST(Corruption, H5ImagesAndMetaDataset) {
  const auto dir = test::scratch_dir("corrupt_h5");
  const std::string path = (dir / "x.h5").string();
  write_h5_images(path, test::synthetic_images(5, 1, 6, 6, 2));
  auto o = torture(
      path, test::read_bytes(path), [&] { read_h5_images(path); }, 300);
  EXPECT_GT(o.errors, 0);

  MetaDataset m;
  m.created_by = "test";
  const int32_t s = m.source_index({"src", "idx", "p", 10, 2, ""});
  m.tasks.push_back({s, {0, 1}, 3, 5});
  m.archs.push_back({{0, 1, 2, 3, 4, 0}, "a"});
  m.results.push_back({0, 0, 50, 49, 1, 2, 3, 4, 0});
  write_meta_dataset(path, m);
  o = torture(
      path, test::read_bytes(path), [&] { read_meta_dataset(path); }, 300);
  EXPECT_GT(o.errors, 0);
}

TEST(Corruption, Csv) {
  const auto dir = test::scratch_dir("corrupt_csv");
  const std::string path = (dir / "t.csv").string();
  const std::string good = "a,b,\"c,d\"\n1,2,3\n4,5,\"x\"\"y\"\n";
  // Most corruptions of a CSV are still CSV; the ones that break its structure must be detected.
  const auto o = torture(
      path, good, [&] { read_csv(path); }, 60);
  EXPECT_GT(o.errors, 0);
  EXPECT_GT(o.ok, 0);
  const auto fails_naming_the_file = [&](const std::string& bytes, const std::string& problem) {
    test::write_bytes(path, bytes);
    try {
      read_csv(path);
      ADD_FAILURE() << "not detected: " << problem;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
    }
  };
  fails_naming_the_file(good.substr(0, 8), "unterminated quoted field");     // cut inside "c,d"
  fails_naming_the_file("a,b,\"c,d\"\n1,2,3,9\n4,5,6\n", "record 2 has 4");  // a stray comma
  fails_naming_the_file("a,b,\"c,d\"\n1,2\n", "record 2 has 2");             // a lost field
}

}  // namespace
}  // namespace tnas
