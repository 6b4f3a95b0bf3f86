// Starting programs without a shell (basics/process.h) and quoting for generated scripts and gnuplot.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "basics/error.h"
#include "basics/gnuplot.h"
#include "basics/process.h"

namespace tnas {
namespace {

TEST(SplitArguments, SplitsLikeAShellWithoutRunningAnything) {
  EXPECT_EQ(split_arguments("--time=1:00  --comment='two words'", "--x"),
            (std::vector<std::string>{"--time=1:00", "--comment=two words"}));
  EXPECT_EQ(split_arguments(R"(a"b c"d e\ f "q\"q" '$(x)')", "--x"),
            (std::vector<std::string>{"ab cd", "e f", "q\"q", "$(x)"}));
  EXPECT_EQ(split_arguments("--partition=x; touch PWNED #", "--x"),
            (std::vector<std::string>{"--partition=x;", "touch", "PWNED", "#"}));
  EXPECT_TRUE(split_arguments("   ", "--x").empty());
}

TEST(SplitArguments, RefusesUnbalancedQuotesAndNewlinesNamingTheOption) {
  EXPECT_THROW(split_arguments("--comment='open", "--sbatch-args"), Error);
  try {
    split_arguments("--a\n--b", "--sbatch-args");
    FAIL() << "a newline was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--sbatch-args"), std::string::npos) << e.what();
  }
}

TEST(RunProgram, PassesEveryArgumentAsGivenAndNothingRuns) {
  const auto dir = std::filesystem::temp_directory_path() / "tnas_run_program_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string marker = (dir / "PWNED").string();
  const std::string hostile = "$(touch " + marker + "); `touch " + marker + "` 'q\" \n";
  const ProgramRun run = run_program({"printf", "%s|", hostile, "two words"});
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_EQ(run.output, hostile + "|two words|");
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(run_program({"sh", "-c", "exit 3"}).exit_status, 3);
  EXPECT_THROW(run_program({"/nonexistent/program"}), Error);
  std::filesystem::remove_all(dir);
}

TEST(RunProgram, KeepsABoundedTailOfALargeOutput) {
  const ProgramRun run = run_program({"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x; echo END"}, 1000);
  EXPECT_TRUE(run.truncated);
  EXPECT_EQ(run.output.size(), 1000u - 1);  // the last 1000 bytes without the final newline
  EXPECT_EQ(run.output.substr(run.output.size() - 4), "xEND");
}

TEST(ProgramOnPath, FindsExecutablesOnly) {
  EXPECT_TRUE(program_on_path("sh"));
  EXPECT_FALSE(program_on_path("tnas-no-such-program"));
}

TEST(Quoting, ShellAndGnuplotQuotesKeepEveryCharacter) {
  EXPECT_EQ(shell_quoted("it's $(x)"), "'it'\\''s $(x)'");
  EXPECT_EQ(gnuplot_quoted("a'; system(\"touch x\"); '"), "'a''; system(\"touch x\"); '''");
  EXPECT_THROW(require_one_line("a\nb", "--out"), Error);
  EXPECT_NO_THROW(require_one_line("a b\tc;$`'\"", "--out"));
}

}  // namespace
}  // namespace tnas
