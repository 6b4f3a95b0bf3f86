#pragma once
// `meta_test search`'s options and the settings they make: the search command parses its command line with
// them, and each worker of a parallel search parses the same command line again (from the run directory's
// workers/command.json), so that both build exactly the same blackbox.
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "meta_test/search/search_loop.h"

namespace tnas {

cxxopts::Options search_options(const std::string& program);
SearchSettings search_settings(const cxxopts::ParseResult& args);
// The settings of a command line given as words (without the program name), parsed as meta_test search
// parses its own; `source` names it in errors ("" for none). Throws tnas::Error for a bad option, and for
// --help (there is no terminal to print it to). With apply_threads false, --threads is applied only when the
// words give it.
struct ParsedSearchCommand {
  SearchSettings settings;
  bool threads_given = false;  // --threads was among the words
};
ParsedSearchCommand parse_search_words(const std::vector<std::string>& words, const std::string& source,
                                       bool apply_threads = true);

}  // namespace tnas
