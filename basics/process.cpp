#include "basics/process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "basics/error.h"

extern char** environ;

namespace tnas {
namespace {

// Appends `chunk` to `tail`, keeping only the last `keep_bytes` (a program printing gigabytes costs none).
void append_bounded(std::string& tail, const char* chunk, size_t size, size_t keep_bytes, bool& truncated) {
  tail.append(chunk, size);
  if (tail.size() > 2 * keep_bytes + 4096) {
    tail.erase(0, tail.size() - keep_bytes);
    truncated = true;
  }
}

}  // namespace

ProgramRun run_program(const std::vector<std::string>& argv, size_t keep_bytes) {
  if (argv.empty()) throw Error("run_program: no program given");
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0)
    throw Error("cannot create a pipe to run " + argv[0] + ": " + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 2);
  std::vector<std::string> words = argv;
  std::vector<char*> pointers;
  for (auto& word : words) pointers.push_back(word.data());
  pointers.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, words[0].c_str(), &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_ends[1]);
  if (rc != 0) {
    close(pipe_ends[0]);
    throw Error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  ProgramRun run;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_ends[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    append_bounded(run.output, buffer, static_cast<size_t>(n), keep_bytes, run.truncated);
  }
  close(pipe_ends[0]);
  if (run.output.size() > keep_bytes)
    run.output.erase(0, run.output.size() - keep_bytes), run.truncated = true;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  while (!run.output.empty() && (run.output.back() == '\n' || run.output.back() == '\r'))
    run.output.pop_back();
  return run;
}

bool program_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream folders(path ? path : "/usr/bin:/bin");
  for (std::string folder; std::getline(folders, folder, ':');) {
    const std::string candidate = (folder.empty() ? "." : folder) + "/" + name;
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return true;
  }
  return false;
}

std::vector<std::string> split_arguments(const std::string& text, const std::string& option) {
  require_one_line(text, option);
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word), word.clear(), in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) throw Error(option + ": unbalanced ' in '" + text + "'");
      word += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() && std::strchr("\"\\$`", text[j + 1])) ++j;
        word += text[j];
      }
      if (j >= text.size()) throw Error(option + ": unbalanced \" in '" + text + "'");
      i = j;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void require_one_line(const std::string& value, const std::string& what) {
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
      throw Error(
          what +
          " holds a control character (e.g. a newline), which cannot be written safely into a script: '" +
          value.substr(0, value.find_first_of("\r\n")) + "...'");
}

}  // namespace tnas
