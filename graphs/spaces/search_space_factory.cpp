#include "graphs/spaces/search_space_factory.h"

#include "basics/enum_names.h"
#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/joint/joint_space.h"
#include "graphs/spaces/nb201/nb201_space.h"

namespace tnas {

const std::vector<SearchSpaceEntry>& search_space_registry() {
  static const std::vector<SearchSpaceEntry> spaces = {
      {"nb201", "the NAS-Bench-201 cell: 6 edges, each one of 5 operations (15,625 cells)",
       [](const std::string&, const std::string&) { return std::make_unique<Nb201Space>(); }},
      {"jahs",
       "the NB201 cell with its training hyperparameters (activation, learning rate, weight decay, "
       "TrivialAugment), each trained with its own",
       [](const std::string&, const std::string&) { return std::make_unique<JahsSpace>(); }},
      {"hnb201",
       "the hierarchical NAS-Bench-201 space of the seed talk as a grammar (7.03e375 architectures; trained "
       "by the train objective, graphs/spaces/grammar/grammar_network.h); hnb201?shared=CL: one cell "
       "everywhere (regularity); ?sampling=uniform: draw every derivation as likely, not each rule",
       [](const std::string&, const std::string& options) {
         return make_grammar_space(
             options.empty() ? "hnb201" : "hnb201?" + options,
             Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201.grammar"), options);
       },
       true},
      {"grammar:FILE",
       "the architectures of a context-free grammar in FILE (docs/spaces.md); "
       "grammar:FILE?shared=NONTERMINAL: one derivation for all its occurrences; ?sampling=rules (each "
       "alternative as likely, the default) or uniform (each derivation)",
       [](const std::string& file, const std::string& options) {
         return make_grammar_space("grammar:" + file + (options.empty() ? "" : "?" + options),
                                   Grammar::read(file), options);
       },
       true},
      {"joint:FILE",
       "an architecture space joined with typed, conditional hyperparameters from FILE (ConfigSpace's pcs "
       "notation, docs/spaces.md), or a shipped one: joint:jahs, joint:optimizers (optimizer with its own "
       "learning rates, loss, batch size)",
       [](const std::string& file, const std::string&) { return make_joint_space(file); }},
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

std::unique_ptr<SearchSpace> make_search_space(const std::string& spec) {
  const size_t query = spec.find('?');
  const std::string name = spec.substr(0, query),
                    options = query == std::string::npos ? "" : spec.substr(query + 1);
  for (const SearchSpaceEntry& space : search_space_registry()) {
    const size_t file = space.name.find(":FILE");
    const bool matches =
        file == std::string::npos
            ? space.name == name
            : name.size() > file + 1 && name.compare(0, file + 1, space.name, 0, file + 1) == 0;
    if (!matches) continue;
    if (query != std::string::npos && !space.takes_options)
      throw Error("search space '" + name + "' takes no options (got '?" + options + "')");
    return space.make(file == std::string::npos ? "" : name.substr(file + 1), options);
  }
  throw Error("unknown search space '" + spec + "' (known: " + search_spaces_help() + ")");
}

}  // namespace tnas
