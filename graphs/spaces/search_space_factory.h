#pragma once
// The search spaces by name (--space): each lives in its own file behind graphs/spaces/search_space.h.
#include <memory>
#include <string>

#include "graphs/spaces/search_space.h"

namespace tnas {

// Known names: "nb201", "jahs". Throws tnas::Error for any other name.
std::unique_ptr<SearchSpace> make_search_space(const std::string& name);

}  // namespace tnas
