#pragma once
// Closed sets of choices that users and records name in text (command-line options, config.json): each enum
// has one table of (value, name) pairs, a specialization of enum_names<Enum>() next to the enum; parsing is
// strict, with an error that lists the names, and a value is written back by the same name.
#include <string>
#include <utility>
#include <vector>

#include "basics/error.h"

namespace tnas {

template <typename Enum>
using EnumNames = std::vector<std::pair<Enum, const char*>>;

// Specialized for each enum that has names.
template <typename Enum>
const EnumNames<Enum>& enum_names();

// "a, b or c"
template <typename Enum>
std::string enum_choices() {
  const EnumNames<Enum>& names = enum_names<Enum>();
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i].second;
  return text;
}

// Throws tnas::Error "OPTION must be a, b or c, got 'TEXT'".
template <typename Enum>
Enum parse_enum(const std::string& text, const std::string& option) {
  for (const auto& [value, name] : enum_names<Enum>())
    if (text == name) return value;
  throw Error(option + " must be " + enum_choices<Enum>() + ", got '" + text + "'");
}

template <typename Enum>
std::string enum_name(Enum value) {
  for (const auto& [candidate, name] : enum_names<Enum>())
    if (candidate == value) return name;
  return "?";  // unreachable for a value of the table
}

}  // namespace tnas
