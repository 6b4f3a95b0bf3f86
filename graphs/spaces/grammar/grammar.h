#pragma once
// Context-free grammars as files (issue 28): hierarchical search spaces whose architectures are derivation
// trees. One production per line, alternatives separated by `|`, `#` starts a comment; two notations:
//
//   the talk's:      D1 ::= Sequential3(C, C, D) | Residual3(C, C, D, D)
//                    OP ::= zero | id | CONVBLOCK | avg_pool
//     (an identifier that is some production's left-hand side is a nonterminal, any other a terminal;
//      `Name(args)` applies the terminal Name to its arguments, a lone nonterminal is a unit production)
//   published files': D1 -> "Sequential3" C C D | "Residual3" C C D D
//                    OP -> "zero" | "id" | CONVBLOCK | "avg_pool"
//     (quoted names are terminals, unquoted ones nonterminals; the first terminal of an alternative takes
//      the rest as its arguments)
//
// The first production's left-hand side is the start symbol. A grammar that cannot be a search space is an
// error naming the file and line: a repeated left-hand side, an undefined nonterminal, one the start symbol
// never reaches, one that never derives a finite architecture (recursion without a way out), a syntax error,
// and (check_terminals) a terminal the network builder does not know or applies to the wrong arity.
#include <map>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace tnas {

using BigCount = boost::multiprecision::cpp_int;

// One argument of a terminal application: a terminal leaf (e.g. `down`) or a nonterminal to derive.
struct GrammarArgument {
  std::string terminal;  // the leaf's name, when nonterminal < 0
  int nonterminal = -1;
};

// One alternative of a production: a terminal applied to arguments (`Sequential3(C, C, D)`, or `zero` with
// none), or a unit production (one nonterminal, e.g. OP ::= CONVBLOCK).
struct GrammarAlternative {
  std::string terminal;  // "" for a unit production
  std::vector<GrammarArgument> arguments;
  int unit = -1;  // the nonterminal of a unit production
  // The nonterminals this alternative derives, in order (its arguments' nonterminals, or the unit's).
  std::vector<int> children() const;
};

struct GrammarProduction {
  std::string name;  // the nonterminal
  std::vector<GrammarAlternative> alternatives;
  int line = 0;  // where it is defined
};

class Grammar {
 public:
  // Parses and checks; `source` names the text in errors ("FILE" or "FILE:LINE: ...").
  static Grammar parse(const std::string& text, const std::string& source);
  static Grammar read(const std::string& path);

  const std::vector<GrammarProduction>& productions() const { return productions_; }
  int start() const { return 0; }
  int find(const std::string& nonterminal) const;  // -1 when unknown
  // This grammar with `nonterminal` derived as one opaque leaf `<NAME>`: the rest of an architecture when
  // that nonterminal's derivation is chosen separately (GrammarSpace's shared nonterminal). Its other
  // nonterminals keep their indices; those only `nonterminal` reached stay defined, unused.
  Grammar with_opaque(int nonterminal) const;
  const std::string& source() const { return source_; }
  // Whether some derivation can use a nonterminal again below itself (then the space is infinite and its
  // size and sampling need a depth limit).
  bool recursive() const { return recursive_; }

  // The number of derivation trees of `nonterminal` whose nesting of productions is at most `max_depth`
  // (a production applied below another counts one level deeper); max_depth < 0: unlimited (only for a
  // grammar that is not recursive).
  BigCount count(int nonterminal, int max_depth = -1) const;
  // The number of architectures of the space: count(start(), max_depth).
  BigCount size(int max_depth = -1) const { return count(start(), max_depth); }
  // The largest nesting any derivation of a non-recursive grammar has (the depth that makes count exact).
  int max_depth() const { return max_depth_; }

 private:
  void check(const std::vector<int>& lines);
  void measure_nesting();  // recursive_ and max_depth_
  std::vector<GrammarProduction> productions_;
  std::string source_;
  bool recursive_ = false;
  int max_depth_ = 0;
  mutable std::map<std::pair<int, int>, BigCount> counts_;
};

// What a network builder can make of terminals: each known terminal's number of arguments (-1: any).
using TerminalVocabulary = std::map<std::string, int>;
// Throws tnas::Error naming the grammar's file and line for a terminal `vocabulary` does not know or one
// applied to another number of arguments.
void check_terminals(const Grammar& grammar, const TerminalVocabulary& vocabulary);

}  // namespace tnas
