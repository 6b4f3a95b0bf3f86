#include "graphs/spaces/search_space_factory.h"

#include "basics/error.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"

namespace tnas {

std::unique_ptr<SearchSpace> make_search_space(const std::string& name) {
  if (name == "nb201") return std::make_unique<Nb201Space>();
  if (name == "jahs") return std::make_unique<JahsSpace>();
  throw Error("unknown search space '" + name + "' (known: nb201, jahs)");
}

}  // namespace tnas
