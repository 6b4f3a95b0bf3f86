#pragma once
// A user-defined joint space as a text file (issue 30 item 4): an architecture space joined with typed
// hyperparameters, conditions and forbidden combinations. The notation is ConfigSpace's `pcs` (the one SMAC
// users write), plus an `architecture` line and a `grid` count:
//
//   architecture nb201                                   # any registered space (meta_test search --help)
//   optimizer categorical {sgd, adam, adamw} [sgd]
//   epochs ordinal {5, 10, 20} [10]
//   learning_rate_sgd real [0.01, 1] [0.1] log grid 9    # searched on 9 log-spaced values
//   batch_size integer [32, 256] [64] log
//   learning_rate_sgd | optimizer == sgd                 # active only then (==, !=, <, >, in {..}; && joins)
//   {optimizer=adamw, batch_size=32}                     # forbidden when every named one is active and equal
//
// The BO loop works on discrete choices, so `real` and `integer` are searched on a grid of values: `grid N`
// points, linear or log-spaced (default 10 for real; every integer up to 16 of them, else 10 rounded points).
// A default, where given, must be one of those values; without one it is a categorical's first value and the
// middle of an ordered one. A hyperparameter is active when all its conditions hold and all its parents are
// active (ConfigSpace's semantics); a condition may only name a hyperparameter of the file. Every problem is
// a tnas::Error "FILE:LINE: what is wrong".
#include <string>
#include <string_view>
#include <vector>

#include "basics/enum_names.h"

namespace tnas {

enum class HyperparameterKind {
  kReal,
  kInteger,
  kCategorical,
  kOrdinal
};  // real, integer, categorical, ordinal
template <>
const EnumNames<HyperparameterKind>& enum_names<HyperparameterKind>();

struct Hyperparameter {
  std::string name;
  HyperparameterKind kind = HyperparameterKind::kCategorical;
  std::vector<std::string> values;  // its grid or categories, as a configuration's text writes them
  std::vector<double> numbers;      // each value's number, where every value is one (real, integer, ordinal)
  int default_index = 0;
  bool log_scale = false;
  int line = 0;

  bool ordered() const { return kind != HyperparameterKind::kCategorical; }
  // Index of `text` among the values (a number also matches its grid value numerically); -1 if none.
  int index_of(std::string_view text) const;
};

enum class ConditionOperator { kEquals, kNotEquals, kLess, kGreater, kIn };

// `parent OP value(s)`, the values as indices into the parent's values (ordered kinds compare by index).
struct Condition {
  int parent = 0;
  ConditionOperator op = ConditionOperator::kEquals;
  std::vector<int> values;
  bool holds(int parent_value) const;
};

// Forbidden when each (hyperparameter, value index) pair is active and set.
struct ForbiddenCombination {
  std::vector<std::pair<int, int>> assignments;
  int line = 0;
};

struct JointSpaceFile {
  std::string path;  // as the user named it (or "shipped:NAME")
  std::string architecture;
  std::vector<Hyperparameter> hyperparameters;
  std::vector<std::vector<Condition>> conditions;  // per hyperparameter: all must hold
  std::vector<ForbiddenCombination> forbidden;
  std::vector<int> order;  // hyperparameters with their parents first (declaration order where free)

  static JointSpaceFile parse(std::string_view text, const std::string& path);
  static JointSpaceFile read(const std::string& path);  // "PATH: cannot read" when it cannot
  int find(std::string_view name) const;                // -1 if none
};

}  // namespace tnas
