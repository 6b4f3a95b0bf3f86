#pragma once
// cxxopts helpers shared by every subcommand: --help, --threads, and strict parsing.
#include <cstdio>
#include <cstdlib>
#include <cxxopts.hpp>
#include <iostream>
#include <optional>

#include "basics/enum_names.h"
#include "basics/error.h"
#include "models/runtime/runtime.h"

namespace tnas {

inline void add_common_options(cxxopts::Options& options) {
  options.add_options("common")("h,help", "Print this help")(
      "threads", "CPU threads for LibTorch and OpenBLAS (the default is every core this process may use)",
      cxxopts::value<int>()->default_value(std::to_string(available_cores())));
}

// Parses strictly (unknown options and stray arguments are errors), prints help and returns nullopt on
// --help, and applies --threads (with apply_threads false, only when it was given: a library call leaves the
// process's thread setting alone unless asked).
inline std::optional<cxxopts::ParseResult> parse_command_line(cxxopts::Options& options, int argc,
                                                              char** argv, bool apply_threads = true) {
  cxxopts::ParseResult result;
  try {
    result = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    // cxxopts names the bad value, not the option: name the option it followed.
    const std::string what = e.what();
    std::string option;
    for (int i = 1; i + 1 < argc; ++i)
      if (argv[i][0] == '-' && what.find("\u2018" + std::string(argv[i + 1]) + "\u2019") != std::string::npos)
        option = argv[i];
    throw Error((option.empty() ? "" : option + ": ") + what + " (see --help)");
  } catch (const cxxopts::exceptions::exception& e) {
    throw Error(std::string(e.what()) + " (see --help)");
  }
  if (!result.unmatched().empty())
    throw Error("unexpected argument '" + result.unmatched()[0] + "' (see --help)");
  if (result.count("help")) {
    std::cout << options.help() << std::endl;
    return std::nullopt;
  }
  if (apply_threads || result.count("threads")) set_compute_threads(result["threads"].as<int>());
  return result;
}

// A number as a default value's text: the shortest that reads back the same ("0.05", not "0.050000").
inline std::string shortest_text(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

// Throws a one-line error naming the missing option.
// The value of option NAME, one of a closed set (basics/enum_names.h): an unknown name is the one-line error
// "--NAME must be a, b or c, got 'x'".
template <typename Enum>
Enum enum_option(const cxxopts::ParseResult& args, const std::string& name) {
  return parse_enum<Enum>(args[name].as<std::string>(), "--" + name);
}

inline void require_option(const cxxopts::ParseResult& args, const std::string& name,
                           const std::string& what) {
  if (!args.count(name)) throw Error("missing --" + name + " " + what + " (see --help)");
}

}  // namespace tnas
