#include "meta_test/objective.h"

#include "graphs/error.h"

namespace tnas {

std::unique_ptr<Objective> make_objective(const ObjectiveSettings& s, const SearchSpace& space) {
  if (s.spec == "train") return make_train_objective(s, space);
  if (s.spec.rfind("table:", 0) == 0) {
    std::string rest = s.spec.substr(6), column = "test_acc";
    const size_t colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find('/', colon) == std::string::npos && colon + 1 < rest.size()) {
      column = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    return make_table_objective(rest, column, space);
  }
  if (s.spec.rfind("command:", 0) == 0) return make_command_objective(s.spec.substr(8), s.timeout_seconds, space);
  throw Error("--objective must be train, table:FILE[:COLUMN] or command:'CMD {arch}', got '" + s.spec + "'");
}

}  // namespace tnas
