#include "graphs/spaces/joint/joint_space_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "basics/strict_number.h"

namespace tnas {

template <>
const EnumNames<HyperparameterKind>& enum_names<HyperparameterKind>() {
  static const EnumNames<HyperparameterKind> names = {{HyperparameterKind::kReal, "real"},
                                                      {HyperparameterKind::kInteger, "integer"},
                                                      {HyperparameterKind::kCategorical, "categorical"},
                                                      {HyperparameterKind::kOrdinal, "ordinal"}};
  return names;
}

int Hyperparameter::index_of(std::string_view text) const {
  for (size_t v = 0; v < values.size(); ++v)
    if (values[v] == text) return static_cast<int>(v);
  if (numbers.size() != values.size()) return -1;
  const std::optional<double> number = parse_finite_double(std::string(text));
  if (!number) return -1;
  for (size_t v = 0; v < numbers.size(); ++v)
    if (std::abs(numbers[v] - *number) <= 1e-9 * std::max(1.0, std::abs(numbers[v])))
      return static_cast<int>(v);
  return -1;
}

bool Condition::holds(int parent_value) const {
  switch (op) {
    case ConditionOperator::kEquals:
      return parent_value == values[0];
    case ConditionOperator::kNotEquals:
      return parent_value != values[0];
    case ConditionOperator::kLess:
      return parent_value < values[0];
    case ConditionOperator::kGreater:
      return parent_value > values[0];
    case ConditionOperator::kIn:
      return std::find(values.begin(), values.end(), parent_value) != values.end();
  }
  return false;
}

namespace {

// One line's tokens: words, and the punctuation { } [ ] , | = == != < > && as tokens of their own.
std::vector<std::string> tokenize(const std::string& line) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (line.compare(i, 2, "==") == 0 || line.compare(i, 2, "!=") == 0 ||
               line.compare(i, 2, "&&") == 0 || line.compare(i, 2, "||") == 0) {
      tokens.push_back(line.substr(i, 2));
      i += 2;
    } else if (std::string("{}[],|=<>").find(c) != std::string::npos) {
      tokens.emplace_back(1, c);
      ++i;
    } else {
      const size_t end = line.find_first_of(" \t\r{}[],|=<>!&", i);
      const size_t stop = end == std::string::npos ? line.size() : std::max(end, i + 1);
      tokens.push_back(line.substr(i, stop - i));
      i = stop;
    }
  }
  return tokens;
}

bool is_name(const std::string& text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// A value a configuration's text can hold: no separator of that text, no punctuation of this file.
bool is_value(const std::string& text) {
  return !text.empty() && text.find_first_of(";= \t{}[],|<>!&#") == std::string::npos;
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

// Reads one line's tokens left to right; every complaint names the file and line.
class LineReader {
 public:
  LineReader(std::vector<std::string> tokens, std::string where)
      : tokens_(std::move(tokens)), where_(std::move(where)) {}
  bool done() const { return next_ == tokens_.size(); }
  const std::string& peek() const {
    static const std::string end;
    return done() ? end : tokens_[next_];
  }
  std::string take(const std::string& what) {
    if (done()) fail("expected " + what + " at the end of the line");
    return tokens_[next_++];
  }
  void expect(const std::string& token) {
    const std::string got = take("'" + token + "'");
    if (got != token) fail("expected '" + token + "', got '" + got + "'");
  }
  bool accept(const std::string& token) {
    if (peek() != token || done()) return false;
    ++next_;
    return true;
  }
  // { a, b, c }
  std::vector<std::string> braced_list(const std::string& what) {
    expect("{");
    std::vector<std::string> items;
    do {
      items.push_back(take(what));
      if (!is_value(items.back())) fail(what + " '" + items.back() + "' holds a character a value cannot");
    } while (accept(","));
    expect("}");
    return items;
  }
  double number(const std::string& what) {
    const std::string text = take(what);
    const std::optional<double> value = parse_finite_double(text);
    if (!value) fail(what + " '" + text + "' is not a number");
    return *value;
  }
  void end() {
    if (!done()) fail("unexpected '" + peek() + "'");
  }
  [[noreturn]] void fail(const std::string& problem) const { throw Error(where_ + ": " + problem); }

 private:
  std::vector<std::string> tokens_;
  size_t next_ = 0;
  std::string where_;
};

// The grid of a real or integer range.
std::vector<double> numeric_grid(HyperparameterKind kind, double low, double high, bool log_scale, int points,
                                 LineReader& line) {
  if (!(low < high)) line.fail("the range's low end must be below its high end");
  if (log_scale && low <= 0) line.fail("a log-scaled range must be positive");
  if (kind == HyperparameterKind::kInteger && (low != std::floor(low) || high != std::floor(high)))
    line.fail("an integer range's ends must be integers");
  const double span = high - low + 1;
  if (points == 0) points = kind == HyperparameterKind::kInteger && span <= 16 ? static_cast<int>(span) : 10;
  if (points < 2) line.fail("grid must have at least 2 points");
  std::vector<double> grid;
  for (int k = 0; k < points; ++k) {
    const double t = static_cast<double>(k) / (points - 1);
    double value =
        log_scale ? std::exp(std::log(low) + t * (std::log(high) - std::log(low))) : low + t * (high - low);
    if (kind == HyperparameterKind::kInteger) value = std::round(value);
    if (grid.empty() || value != grid.back()) grid.push_back(value);
  }
  return grid;
}

Hyperparameter parse_hyperparameter(const std::string& name, LineReader& line) {
  Hyperparameter h;
  h.name = name;
  const std::string type = line.take("a type");
  try {
    h.kind = parse_enum<HyperparameterKind>(type, "the type of '" + name + "'");
  } catch (const Error& e) {
    line.fail(e.what());
  }
  if (h.kind == HyperparameterKind::kCategorical || h.kind == HyperparameterKind::kOrdinal) {
    h.values = line.braced_list("a value");
    std::set<std::string> distinct(h.values.begin(), h.values.end());
    if (distinct.size() != h.values.size()) line.fail("'" + name + "' lists a value twice");
    for (const std::string& value : h.values)
      if (const std::optional<double> number = parse_finite_double(value)) h.numbers.push_back(*number);
    if (h.numbers.size() != h.values.size()) h.numbers.clear();
  } else {
    line.expect("[");
    const double low = line.number("the range's low end");
    line.expect(",");
    const double high = line.number("the range's high end");
    line.expect("]");
    h.numbers = {low, high};  // replaced by the grid below, once log and grid are read
  }
  std::string default_text;
  if (line.accept("[")) {
    default_text = line.take("a default");
    line.expect("]");
  }
  int points = 0;
  while (!line.done()) {
    const std::string option = line.take("an option");
    const bool numeric_range = h.kind == HyperparameterKind::kReal || h.kind == HyperparameterKind::kInteger;
    if ((option == "log" || option == "grid") && !numeric_range)
      line.fail("'" + option + "' is for real and integer ranges, not a " + type + " hyperparameter");
    if (option == "log") {
      h.log_scale = true;
    } else if (option == "grid") {
      const double count = line.number("the grid's number of points");
      if (count != std::floor(count) || count < 2 || count > 1000)
        line.fail("grid must be a whole number in 2..1000");
      points = static_cast<int>(count);
    } else {
      line.fail("unknown option '" + option + "' (log, grid N for real and integer)");
    }
  }
  if (h.kind == HyperparameterKind::kReal || h.kind == HyperparameterKind::kInteger) {
    h.numbers = numeric_grid(h.kind, h.numbers[0], h.numbers[1], h.log_scale, points, line);
    for (double value : h.numbers) h.values.push_back(number_text(value));
    if (std::set<std::string>(h.values.begin(), h.values.end()).size() != h.values.size())
      line.fail("the grid of '" + name + "' is finer than 4 significant digits can tell apart");
  }
  h.default_index = h.ordered() ? static_cast<int>(h.values.size() - 1) / 2 : 0;
  if (!default_text.empty()) {
    h.default_index = h.index_of(default_text);
    std::string known;
    for (const std::string& value : h.values) known += (known.empty() ? "" : ", ") + value;
    if (h.default_index < 0)
      line.fail("default '" + default_text + "' of '" + name + "' is not one of its values (" + known + ")");
  }
  return h;
}

}  // namespace

int JointSpaceFile::find(std::string_view name) const {
  for (size_t i = 0; i < hyperparameters.size(); ++i)
    if (hyperparameters[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

int value_index(const JointSpaceFile& file, int hyperparameter, const std::string& text, LineReader& line) {
  const int index = file.hyperparameters[static_cast<size_t>(hyperparameter)].index_of(text);
  if (index < 0)
    line.fail("'" + text + "' is not a value of '" +
              file.hyperparameters[static_cast<size_t>(hyperparameter)].name + "'");
  return index;
}

int known_hyperparameter(const JointSpaceFile& file, const std::string& name, LineReader& line) {
  const int index = file.find(name);
  if (index < 0) line.fail("unknown hyperparameter '" + name + "' (declare it on a line of its own first)");
  return index;
}

// child | parent OP value [&& parent OP value ...]
void parse_condition(JointSpaceFile& file, const std::string& child_name, LineReader& line) {
  const int child = known_hyperparameter(file, child_name, line);
  do {
    Condition condition;
    condition.parent = known_hyperparameter(file, line.take("a parent hyperparameter"), line);
    if (condition.parent == child) line.fail("'" + child_name + "' cannot depend on itself");
    const Hyperparameter& parent = file.hyperparameters[static_cast<size_t>(condition.parent)];
    const std::string op = line.take("==, !=, <, > or in");
    if (op == "in") {
      condition.op = ConditionOperator::kIn;
      for (const std::string& value : line.braced_list("a value"))
        condition.values.push_back(value_index(file, condition.parent, value, line));
    } else {
      const std::map<std::string, ConditionOperator> operators = {{"==", ConditionOperator::kEquals},
                                                                  {"!=", ConditionOperator::kNotEquals},
                                                                  {"<", ConditionOperator::kLess},
                                                                  {">", ConditionOperator::kGreater}};
      const auto found = operators.find(op);
      if (found == operators.end()) line.fail("expected ==, !=, <, > or in, got '" + op + "'");
      condition.op = found->second;
      if ((op == "<" || op == ">") && !parent.ordered())
        line.fail("'" + parent.name + "' is categorical: it has no order for '" + op + "'");
      condition.values.push_back(value_index(file, condition.parent, line.take("a value"), line));
    }
    file.conditions[static_cast<size_t>(child)].push_back(std::move(condition));
  } while (line.accept("&&"));
  if (line.peek() == "||") line.fail("'||' is not supported: write the alternatives with 'in {..}'");
  line.end();
}

// {name=value, name=value}
void parse_forbidden(JointSpaceFile& file, LineReader& line, int line_number) {
  ForbiddenCombination forbidden;
  forbidden.line = line_number;
  line.expect("{");
  do {
    const int hyperparameter = known_hyperparameter(file, line.take("a hyperparameter"), line);
    line.expect("=");
    forbidden.assignments.emplace_back(hyperparameter,
                                       value_index(file, hyperparameter, line.take("a value"), line));
  } while (line.accept(","));
  line.expect("}");
  line.end();
  file.forbidden.push_back(std::move(forbidden));
}

// Parents before children; a cycle is an error naming one hyperparameter on it.
std::vector<int> parents_first(const JointSpaceFile& file) {
  const size_t count = file.hyperparameters.size();
  std::vector<int> order, state(count, 0);  // 0 new, 1 on the path, 2 placed
  std::function<void(int)> place = [&](int h) {
    if (state[static_cast<size_t>(h)] == 2) return;
    if (state[static_cast<size_t>(h)] == 1)
      throw Error(file.path + ":" + std::to_string(file.hyperparameters[static_cast<size_t>(h)].line) +
                  ": the conditions of '" + file.hyperparameters[static_cast<size_t>(h)].name +
                  "' form a cycle");
    state[static_cast<size_t>(h)] = 1;
    for (const Condition& condition : file.conditions[static_cast<size_t>(h)]) place(condition.parent);
    state[static_cast<size_t>(h)] = 2;
    order.push_back(h);
  };
  for (size_t h = 0; h < count; ++h) place(static_cast<int>(h));
  return order;
}

}  // namespace

JointSpaceFile JointSpaceFile::parse(std::string_view text, const std::string& path) {
  JointSpaceFile file;
  file.path = path;
  std::istringstream in{std::string(text)};
  std::string raw;
  for (int line_number = 1; std::getline(in, raw); ++line_number) {
    const std::string content = raw.substr(0, raw.find('#'));
    LineReader line(tokenize(content), path + ":" + std::to_string(line_number));
    if (line.done()) continue;
    if (line.peek() == "{") {
      parse_forbidden(file, line, line_number);
      continue;
    }
    const std::string first = line.take("a name");
    if (first == "architecture") {
      if (!file.architecture.empty()) line.fail("a second 'architecture' line");
      file.architecture = line.take("the architecture's space");
      line.end();
      continue;
    }
    if (!is_name(first)) line.fail("'" + first + "' is not a hyperparameter name (letters, digits, _ - .)");
    if (line.accept("|")) {
      parse_condition(file, first, line);
      continue;
    }
    if (file.find(first) >= 0) line.fail("'" + first + "' is declared twice");
    Hyperparameter h = parse_hyperparameter(first, line);
    h.line = line_number;
    file.hyperparameters.push_back(std::move(h));
    file.conditions.emplace_back();
  }
  if (file.architecture.empty())
    throw Error(path + ": no 'architecture SPACE' line (e.g. 'architecture nb201')");
  file.order = parents_first(file);
  return file;
}

JointSpaceFile JointSpaceFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the joint space file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

}  // namespace tnas
