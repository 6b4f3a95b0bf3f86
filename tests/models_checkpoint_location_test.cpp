#include "models/surrogate/checkpoint_location.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "basics/error.h"
#include "models/surrogate/surrogate.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

namespace fs = std::filesystem;

// Runs the test body from `dir` with $TNAS_HOME set to `home` ("" = unset); both restored after.
class WorkingDirectory {
 public:
  WorkingDirectory(const fs::path& dir, const std::string& home) : previous_(fs::current_path()) {
    const char* old = std::getenv("TNAS_HOME");
    had_home_ = old != nullptr;
    if (had_home_) old_home_ = old;
    if (home.empty())
      ::unsetenv("TNAS_HOME");
    else
      ::setenv("TNAS_HOME", home.c_str(), 1);
    fs::current_path(dir);
  }
  ~WorkingDirectory() {
    fs::current_path(previous_);
    if (had_home_)
      ::setenv("TNAS_HOME", old_home_.c_str(), 1);
    else
      ::unsetenv("TNAS_HOME");
  }

 private:
  fs::path previous_;
  bool had_home_ = false;
  std::string old_home_;
};

const fs::path kShippedDefault = fs::path(TNAS_SOURCE_DIR) / "checkpoints" / "default";

// Outside the checkout, the default --checkpoint (`checkpoints/default`) is the source tree's shipped one.
TEST(CheckpointLocation, TheDefaultIsFoundOutsideTheCheckout) {
  if (!fs::exists(kShippedDefault / "manifest.json")) GTEST_SKIP() << kShippedDefault << " is absent";
  const fs::path elsewhere = test::scratch_dir("checkpoint_elsewhere");
  WorkingDirectory cwd(elsewhere, "");
  ASSERT_FALSE(fs::exists("checkpoints/default"));
  EXPECT_TRUE(fs::equivalent(locate_checkpoint("checkpoints/default"), kShippedDefault));
  EXPECT_NO_THROW(Surrogate::load("checkpoints/default"));
}

// A path that exists here wins over every shipped root; $TNAS_HOME comes before the source tree.
TEST(CheckpointLocation, TheWorkingDirectoryThenTnasHomeComeFirst) {
  const fs::path elsewhere = test::scratch_dir("checkpoint_order");
  fs::create_directories(elsewhere / "cwd" / "checkpoints" / "default");
  fs::create_directories(elsewhere / "home" / "checkpoints" / "default");
  fs::create_directories(elsewhere / "home" / "checkpoints" / "mine");
  {
    WorkingDirectory cwd(elsewhere / "cwd", (elsewhere / "home").string());
    EXPECT_EQ(locate_checkpoint("checkpoints/default"), "checkpoints/default");
    EXPECT_TRUE(fs::equivalent(locate_checkpoint("checkpoints/mine"), elsewhere / "home/checkpoints/mine"));
    EXPECT_EQ(shipped_data_roots().front(), (elsewhere / "home").string());
  }
  WorkingDirectory cwd(elsewhere, (elsewhere / "home").string());
  EXPECT_TRUE(
      fs::equivalent(locate_checkpoint("checkpoints/default"), elsewhere / "home/checkpoints/default"));
}

// Not found anywhere: one error naming the path and every place tried; an absolute path is never looked up.
TEST(CheckpointLocation, AMissingCheckpointNamesEveryPlaceTried) {
  const fs::path elsewhere = test::scratch_dir("checkpoint_missing");
  WorkingDirectory cwd(elsewhere, elsewhere.string());
  try {
    locate_checkpoint("checkpoints/no-such-checkpoint");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("checkpoint 'checkpoints/no-such-checkpoint' not found"), std::string::npos)
        << message;
    EXPECT_NE(message.find((elsewhere / "checkpoints/no-such-checkpoint").string()), std::string::npos)
        << message;
    EXPECT_NE(message.find("TNAS_HOME"), std::string::npos) << message;
  }
  EXPECT_EQ(locate_checkpoint("/no/such/checkpoint"), "/no/such/checkpoint");
  EXPECT_THROW(Surrogate::load("/no/such/checkpoint"), Error);
  EXPECT_THROW(locate_checkpoint(""), Error);
}

}  // namespace
}  // namespace tnas
