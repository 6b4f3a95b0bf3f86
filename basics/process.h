#pragma once
// Starting other programs without a shell. The argument vector goes to posix_spawnp as it is, so no value a
// user gave (a path, an sbatch option) is ever read as shell code; generated scripts quote every value.
#include <cstddef>
#include <string>
#include <vector>

namespace tnas {

struct ProgramRun {
  int exit_status = 0;  // the program's exit status; 128 + the signal when a signal ended it
  std::string
      output;  // what it printed (stdout and stderr), at most the last `keep_bytes`, trailing newlines cut
  bool truncated = false;  // more was printed than was kept
};

// Runs `argv` (argv[0] looked up on PATH) to its end. Throws tnas::Error when it cannot be started.
ProgramRun run_program(const std::vector<std::string>& argv, size_t keep_bytes = 64 * 1024);

// Whether `name` is an executable file in one of PATH's folders (what posix_spawnp would start).
bool program_on_path(const std::string& name);

// Splits an option's text into arguments as a shell would split words, without running or expanding
// anything: whitespace separates, '...' and "..." group (backslash escapes in "..." and outside quotes).
// Throws tnas::Error naming `option` for an unbalanced quote or a control character (a newline).
std::vector<std::string> split_arguments(const std::string& text, const std::string& option);

// `text` as one single-quoted shell word, for generated scripts.
std::string shell_quoted(const std::string& text);

// Refuses, naming `what`, a value that a generated script line cannot hold safely: a newline, carriage return
// or other control character (it would end the line, e.g. of an #SBATCH directive, and start another).
void require_one_line(const std::string& value, const std::string& what);

}  // namespace tnas
