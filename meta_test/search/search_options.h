#pragma once
// `meta_test search`'s options and the settings they make: the search command parses its command line with
// them, and each worker of a parallel search parses the same command line again (from the run directory's
// workers/command.json), so that both build exactly the same blackbox.
#include <string>

#include <cxxopts.hpp>

#include "meta_test/search/search_loop.h"

namespace tnas {

cxxopts::Options search_options(const std::string& program);
SearchSettings search_settings(const cxxopts::ParseResult& args);

}  // namespace tnas
