#pragma once
// Plots through gnuplot, started without a shell; paths inside its scripts are quoted for gnuplot (a path
// holding a quote must not end the string and run the rest, e.g. a `system(...)` call, as gnuplot code).
#include <string>

#include "basics/process.h"

namespace tnas {

// `text` as a gnuplot single-quoted string: nothing is special inside but the quote, written twice.
inline std::string gnuplot_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

inline bool gnuplot_available() { return program_on_path("gnuplot"); }

// Runs gnuplot on `script`; true when it succeeded.
inline bool run_gnuplot(const std::string& script) {
  return run_program({"gnuplot", script}).exit_status == 0;
}

}  // namespace tnas
