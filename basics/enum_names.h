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

// "a, b or c": how help texts and errors list a closed set's names.
inline std::string list_with_or(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return text;
}

template <typename Enum>
std::string enum_choices() {
  std::vector<std::string> names;
  for (const auto& entry : enum_names<Enum>()) names.push_back(entry.second);
  return list_with_or(names);
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
