#pragma once
// Subcommand dispatch and error handling shared by the meta_train and meta_test executables.
// A subcommand is a function taking (argc, argv) where argv[0] is "<program> <subcommand>".
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "basics/memory_scope.h"

namespace tnas {

struct Subcommand {
  std::string name;
  std::string summary;
  std::function<int(int, char**)> run;
};

// Runs the subcommand named by argv[1]; prints usage for --help / no arguments; turns any exception into
// a one-line "<program>: error: ..." message and exit status 1 (2 for usage errors).
inline int run_subcommands(const std::string& program, const std::string& description,
                           const std::vector<Subcommand>& commands, int argc, char** argv) {
  auto usage = [&](FILE* out) {
    std::fprintf(out, "%s — %s\n\nUsage: %s <command> [options]   (%s <command> --help for its options)\n\n",
                 program.c_str(), description.c_str(), program.c_str(), program.c_str());
    for (const auto& c : commands) std::fprintf(out, "  %-16s %s\n", c.name.c_str(), c.summary.c_str());
  };
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name != name) continue;
    std::string argv0 = program + " " + name;
    std::vector<char*> args{argv0.data()};
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    try {
      return c.run(static_cast<int>(args.size()), args.data());
    } catch (const std::bad_alloc&) {
      // Not enough memory for what the options asked: say what for, instead of std::terminate's bare
      // "bad_alloc".
      const std::string what = MemoryScope::unwound();
      std::fprintf(stderr,
                   "%s: error: out of memory%s: a size given in the options or the input is too large for "
                   "this machine\n",
                   argv0.c_str(), what.empty() ? "" : (" while " + what).c_str());
      return 1;
    } catch (const std::exception& e) {
      const std::string what = e.what();
      std::fprintf(stderr, "%s: error: %s\n", argv0.c_str(),
                   what.substr(0, what.find('\n')).c_str());  // LibTorch appends a stack trace
      return 1;
    }
  }
  std::fprintf(stderr, "%s: unknown command '%s'\n\n", program.c_str(), name.c_str());
  usage(stderr);
  return 2;
}

}  // namespace tnas
