#pragma once
// Strict number parsing: the whole text must be the number (no trailing characters, no empty text), and a
// double must be finite. nullopt otherwise, so that each caller names its own option or file in the error.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace tnas {

inline std::optional<long long> parse_integer(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

inline std::optional<int> parse_int(const std::string& text) {
  const auto value = parse_integer(text);
  if (!value || *value < -2147483647LL - 1 || *value > 2147483647LL) return std::nullopt;
  return static_cast<int>(*value);
}

inline std::optional<double> parse_finite_double(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace tnas
