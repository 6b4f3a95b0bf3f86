#pragma once
// The search spaces by name (--space): each lives in its own folder behind graphs/spaces/search_space.h and
// has one row in the registry (search_space_factory.cpp). --help, --list-spaces, the error for an unknown
// name and the README's space table are written from it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graphs/spaces/search_space.h"

namespace tnas {

struct SearchSpaceEntry {
  std::string name;  // what --space takes; "PREFIX:FILE" for a space made from a file (grammar:FILE)
  std::string help;  // one line
  // `argument`: what follows PREFIX: (the file), "" for a plain name; `options`: what follows `?` in the
  // name ("" when none), for a space that takes options (below).
  std::function<std::unique_ptr<SearchSpace>(const std::string& argument, const std::string& options)> make;
  bool takes_options = false;  // NAME?OPTIONS is refused unless set
};
const std::vector<SearchSpaceEntry>& search_space_registry();

// Throws tnas::Error naming every registered space for an unknown name.
std::unique_ptr<SearchSpace> make_search_space(const std::string& spec);
// "nb201 (the NAS-Bench-201 cell) or jahs (...)"
std::string search_spaces_help();
// The markdown table `meta_test search --list-spaces` prints (and the README holds).
std::string search_spaces_markdown();

}  // namespace tnas
