#include "basics/binary_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "basics/error.h"

namespace tnas {
namespace {

std::filesystem::path fresh_folder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / ("tnas_basics_" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// Two writers filling one file at once (two fits sharing the features cache) each write whole files: none
// fails, the file ends as one of theirs, and no temporary file is left.
TEST(WriteFileAtomically, ConcurrentWritersOfOneFileNeverCollide) {
  const auto folder = fresh_folder("concurrent");
  const std::string path = (folder / "cache.bin").string();
  const std::vector<uint8_t> first(100000, 1), second(70000, 2);
  const auto write_many = [&](const std::vector<uint8_t>& bytes) {
    for (int k = 0; k < 40; ++k) write_file_atomically(path, bytes);
  };
  std::thread other([&] { EXPECT_NO_THROW(write_many(first)); });
  EXPECT_NO_THROW(write_many(second));
  other.join();
  const std::vector<uint8_t> back = read_file_bytes(path);
  EXPECT_TRUE(back == first || back == second) << back.size() << " bytes";
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    EXPECT_EQ(entry.path().filename(), "cache.bin");
}

TEST(WriteFileAtomically, AMissingFolderIsAnErrorNamingTheFile) {
  const std::string path = (fresh_folder("missing") / "absent" / "x.bin").string();
  try {
    write_file_atomically(path, {1, 2, 3});
    ADD_FAILURE() << "wrote into a folder that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot write (No such file or directory)");
  }
}

}  // namespace
}  // namespace tnas
