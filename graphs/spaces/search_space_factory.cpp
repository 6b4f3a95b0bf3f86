#include "graphs/spaces/search_space_factory.h"

#include "basics/enum_names.h"
#include "basics/error.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"

namespace tnas {

const std::vector<SearchSpaceEntry>& search_space_registry() {
  static const std::vector<SearchSpaceEntry> spaces = {
      {"nb201", "the NAS-Bench-201 cell: 6 edges, each one of 5 operations (15,625 cells)",
       [] { return std::make_unique<Nb201Space>(); }},
      {"jahs",
       "the NB201 cell with its training hyperparameters (activation, learning rate, weight decay, "
       "TrivialAugment), each trained with its own",
       [] { return std::make_unique<JahsSpace>(); }},
  };
  return spaces;
}

std::string search_spaces_help() {
  std::vector<std::string> names;
  for (const SearchSpaceEntry& space : search_space_registry()) names.push_back(space.name);
  return list_with_or(names);
}

std::string search_spaces_markdown() {
  std::string table = "| space | what it is |\n| --- | --- |\n";
  for (const SearchSpaceEntry& space : search_space_registry())
    table += "| `" + space.name + "` | " + space.help + " |\n";
  return table;
}

std::unique_ptr<SearchSpace> make_search_space(const std::string& name) {
  for (const SearchSpaceEntry& space : search_space_registry())
    if (space.name == name) return space.make();
  throw Error("unknown search space '" + name + "' (known: " + search_spaces_help() + ")");
}

}  // namespace tnas
