#include "graphs/spaces/grammar/grammar.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "basics/error.h"

namespace tnas {
namespace {

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool is_identifier(const std::string& text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// Splits at `separator` outside quotes and parentheses.
std::vector<std::string> split_outside(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')') --depth;
    if (!quoted && depth == 0 && c == separator)
      parts.emplace_back();
    else
      parts.back() += c;
  }
  return parts;
}

std::string without_comment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (!quoted && line[i] == '#') return line.substr(0, i);
  }
  return line;
}

struct RawProduction {
  std::string name, body;
  bool published = false;  // `->` with quoted terminals, else the talk's `::=`
  int line = 0;
};

class AlternativeParser {
 public:
  AlternativeParser(const std::map<std::string, int>& index, const std::string& where)
      : index_(index), where_(where) {}

  GrammarAlternative talk(const std::string& text) const {
    GrammarAlternative alternative;
    const size_t open = text.find('(');
    const std::string head = unquote(trim(text.substr(0, open)));
    if (!is_identifier(head)) fail("'" + text + "' is not a symbol or Name(arguments)");
    if (open == std::string::npos) {
      if (const auto it = index_.find(head); it != index_.end())
        alternative.unit = it->second;
      else
        alternative.terminal = head;
      return alternative;
    }
    if (text.back() != ')') fail("'" + text + "' does not end with ')'");
    if (index_.count(head)) fail("'" + head + "' is a nonterminal: only terminals take arguments");
    alternative.terminal = head;
    for (const std::string& item : split_outside(text.substr(open + 1, text.size() - open - 2), ',')) {
      const std::string name = unquote(trim(item));
      if (!is_identifier(name)) fail("argument '" + trim(item) + "' of " + head + " is not a symbol");
      const auto it = index_.find(name);
      alternative.arguments.push_back(it == index_.end() ? GrammarArgument{name, -1}
                                                         : GrammarArgument{"", it->second});
    }
    return alternative;
  }

  GrammarAlternative published(const std::string& text) const {
    std::vector<std::string> tokens;
    std::stringstream in(text);
    for (std::string token; in >> token;) tokens.push_back(token);
    if (tokens.empty()) fail("an empty alternative");
    GrammarAlternative alternative;
    if (!quoted(tokens[0])) {
      if (tokens.size() > 1)
        fail("'" + text + "': an alternative of several symbols starts with its terminal");
      alternative.unit = nonterminal(tokens[0]);
      return alternative;
    }
    alternative.terminal = unquote(tokens[0]);
    for (size_t i = 1; i < tokens.size(); ++i)
      alternative.arguments.push_back(quoted(tokens[i]) ? GrammarArgument{unquote(tokens[i]), -1}
                                                        : GrammarArgument{"", nonterminal(tokens[i])});
    return alternative;
  }

 private:
  static bool quoted(const std::string& token) {
    return token.size() >= 2 && token.front() == '"' && token.back() == '"';
  }
  static std::string unquote(const std::string& token) {
    return quoted(token) ? token.substr(1, token.size() - 2) : token;
  }
  int nonterminal(const std::string& name) const {
    const auto it = index_.find(name);
    if (it == index_.end()) fail("undefined nonterminal '" + name + "' (quote a terminal: \"" + name + "\")");
    return it->second;
  }
  [[noreturn]] void fail(const std::string& what) const { throw Error(where_ + ": " + what); }

  const std::map<std::string, int>& index_;
  std::string where_;
};

std::vector<RawProduction> split_productions(const std::string& text, const std::string& source) {
  std::vector<RawProduction> raw;
  std::stringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::string content = trim(without_comment(line));
    if (content.empty()) continue;
    const std::string where = source + ":" + std::to_string(number);
    const size_t talk = content.find("::="), published = content.find("->");
    if (talk == std::string::npos && published == std::string::npos)
      throw Error(where + ": expected 'NAME ::= ...' or 'NAME -> ...'");
    const bool is_talk = talk != std::string::npos && (published == std::string::npos || talk < published);
    const size_t at = is_talk ? talk : published;
    RawProduction production{trim(content.substr(0, at)), trim(content.substr(at + (is_talk ? 3 : 2))),
                             !is_talk, number};
    if (!is_identifier(production.name)) throw Error(where + ": '" + production.name + "' is not a name");
    if (production.body.empty()) throw Error(where + ": " + production.name + " has no alternatives");
    raw.push_back(production);
  }
  if (raw.empty()) throw Error(source + ": no productions");
  return raw;
}

}  // namespace

std::vector<int> GrammarAlternative::children() const {
  if (unit >= 0) return {unit};
  std::vector<int> out;
  for (const GrammarArgument& argument : arguments)
    if (argument.nonterminal >= 0) out.push_back(argument.nonterminal);
  return out;
}

Grammar Grammar::parse(const std::string& text, const std::string& source) {
  const std::vector<RawProduction> raw = split_productions(text, source);
  std::map<std::string, int> index;
  for (const RawProduction& production : raw)
    if (!index.emplace(production.name, static_cast<int>(index.size())).second)
      throw Error(source + ":" + std::to_string(production.line) + ": " + production.name +
                  " is defined twice (give it one line with all its alternatives)");
  Grammar grammar;
  grammar.source_ = source;
  std::vector<int> lines;
  for (const RawProduction& production : raw) {
    const AlternativeParser parser(index, source + ":" + std::to_string(production.line));
    GrammarProduction parsed{production.name, {}, production.line};
    for (const std::string& item : split_outside(production.body, '|')) {
      const std::string alternative = trim(item);
      if (alternative.empty())
        throw Error(source + ":" + std::to_string(production.line) + ": an empty alternative");
      parsed.alternatives.push_back(production.published ? parser.published(alternative)
                                                         : parser.talk(alternative));
    }
    grammar.productions_.push_back(parsed);
    lines.push_back(production.line);
  }
  grammar.check(lines);
  return grammar;
}

Grammar Grammar::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot read the grammar");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Grammar Grammar::with_opaque(int nonterminal) const {
  Grammar outer = *this;
  GrammarProduction& production = outer.productions_.at(static_cast<size_t>(nonterminal));
  production.alternatives = {GrammarAlternative{"<" + production.name + ">", {}, -1}};
  outer.counts_.clear();
  outer.measure_nesting();
  return outer;
}

int Grammar::find(const std::string& nonterminal) const {
  for (size_t i = 0; i < productions_.size(); ++i)
    if (productions_[i].name == nonterminal) return static_cast<int>(i);
  return -1;
}

void Grammar::check(const std::vector<int>& lines) {
  const size_t n = productions_.size();
  const auto where = [&](size_t i) { return source_ + ":" + std::to_string(lines[i]) + ": "; };
  // Reached from the start symbol.
  std::vector<bool> reached(n, false);
  std::vector<int> to_visit = {0};
  reached[0] = true;
  while (!to_visit.empty()) {
    const int at = to_visit.back();
    to_visit.pop_back();
    for (const GrammarAlternative& alternative : productions_[at].alternatives)
      for (int child : alternative.children())
        if (!reached[child]) reached[child] = true, to_visit.push_back(child);
  }
  for (size_t i = 0; i < n; ++i)
    if (!reached[i])
      throw Error(where(i) + productions_[i].name + " is never reached from the start symbol " +
                  productions_[0].name);
  // Derives a finite architecture: some alternative whose every child does (a fixpoint).
  std::vector<bool> finite(n, false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (finite[i]) continue;
      for (const GrammarAlternative& alternative : productions_[i].alternatives) {
        const std::vector<int> children = alternative.children();
        if (std::all_of(children.begin(), children.end(), [&](int c) { return finite[c]; })) {
          finite[i] = changed = true;
          break;
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!finite[i])
      throw Error(where(i) + productions_[i].name +
                  " never derives a finite architecture (every alternative recurses without a way out)");
  measure_nesting();
}

void Grammar::measure_nesting() {
  // Recursion (a cycle among the nonterminals) and, without it, the deepest nesting.
  const size_t n = productions_.size();
  recursive_ = false;
  std::vector<int> state(n, 0), depth(n, 0);  // state: 0 new, 1 on the stack, 2 done
  std::function<void(int)> visit = [&](int at) {
    state[at] = 1;
    for (const GrammarAlternative& alternative : productions_[at].alternatives)
      for (int child : alternative.children()) {
        if (state[child] == 1) recursive_ = true;
        if (state[child] == 0) visit(child);
        depth[at] = std::max(depth[at], depth[child]);
      }
    depth[at] += 1;
    state[at] = 2;
  };
  visit(0);
  max_depth_ = recursive_ ? 0 : depth[0];
}

BigCount Grammar::count(int nonterminal, int max_depth) const {
  if (max_depth < 0) {
    if (recursive_)
      throw Error(source_ + ": the grammar is recursive (its space is infinite): give a depth limit");
    max_depth = max_depth_;
  }
  if (max_depth == 0) return 0;
  const auto key = std::make_pair(nonterminal, max_depth);
  if (const auto it = counts_.find(key); it != counts_.end()) return it->second;
  BigCount total = 0;
  for (const GrammarAlternative& alternative : productions_.at(nonterminal).alternatives) {
    BigCount ways = 1;
    for (int child : alternative.children()) ways *= count(child, max_depth - 1);
    total += ways;
  }
  counts_[key] = total;
  return total;
}

namespace {

// The vocabulary's names, a family of more than three numbered names (Sequential1, Sequential2, ...) as one
// (SequentialN).
std::string vocabulary_names(const TerminalVocabulary& vocabulary) {
  std::map<std::string, int> numbered;  // stem -> names
  const auto stem_of = [](const std::string& name) {
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1]))) --end;
    return end < name.size() ? name.substr(0, end) : std::string();
  };
  for (const auto& [name, _] : vocabulary)
    if (const std::string stem = stem_of(name); !stem.empty()) ++numbered[stem];
  std::string known;
  std::set<std::string> said;
  for (const auto& [name, _] : vocabulary) {
    const std::string stem = stem_of(name);
    std::string shown = !stem.empty() && numbered[stem] > 3 ? stem + "N" : name;
    if (said.insert(shown).second) known += (known.empty() ? "" : ", ") + shown;
  }
  return known;
}

}  // namespace

void check_terminals(const Grammar& grammar, const TerminalVocabulary& vocabulary) {
  const auto check = [&](const GrammarProduction& production, const std::string& terminal, int arity) {
    const auto it = vocabulary.find(terminal);
    const std::string where = grammar.source() + ":" + std::to_string(production.line) + ": ";
    if (it == vocabulary.end())
      throw Error(where + "unknown terminal '" + terminal + "' (the network builder knows " +
                  vocabulary_names(vocabulary) + ")");
    if (it->second >= 0 && it->second != arity)
      throw Error(where + terminal + " takes " + std::to_string(it->second) + " arguments, given " +
                  std::to_string(arity));
  };
  for (const GrammarProduction& production : grammar.productions())
    for (const GrammarAlternative& alternative : production.alternatives) {
      if (alternative.unit >= 0) continue;
      check(production, alternative.terminal, static_cast<int>(alternative.arguments.size()));
      for (const GrammarArgument& argument : alternative.arguments)
        if (argument.nonterminal < 0) check(production, argument.terminal, 0);
    }
}

}  // namespace tnas
