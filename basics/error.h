#pragma once
// User-facing errors: bad input, bad file, bad option. The message is one line that names the
// thing (file, option, token) and the problem; executables print it and exit non-zero.
#include <stdexcept>
#include <string>

namespace tnas {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace tnas
