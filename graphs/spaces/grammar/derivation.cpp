#include "graphs/spaces/grammar/derivation.h"

#include <cctype>
#include <functional>
#include <set>

#include "basics/error.h"

namespace tnas {
namespace {

// A parsed string: a name applied to arguments (none for a leaf).
struct Term {
  std::string name;
  std::vector<Term> arguments;
};

class TermParser {
 public:
  explicit TermParser(const std::string& text) : text_(text) {}
  Term parse() {
    Term term = parse_term();
    skip_space();
    if (at_ != text_.size()) fail("unexpected '" + text_.substr(at_, 20) + "'");
    return term;
  }

 private:
  Term parse_term() {
    skip_space();
    Term term;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_' ||
                                  text_[at_] == '-' || text_[at_] == '.'))
      term.name += text_[at_++];
    if (term.name.empty()) fail("a name expected at character " + std::to_string(at_ + 1));
    skip_space();
    if (at_ < text_.size() && text_[at_] == '(') {
      ++at_;
      for (;;) {
        term.arguments.push_back(parse_term());
        skip_space();
        if (at_ < text_.size() && text_[at_] == ',') {
          ++at_;
          continue;
        }
        if (at_ < text_.size() && text_[at_] == ')') {
          ++at_;
          break;
        }
        fail("',' or ')' expected at character " + std::to_string(at_ + 1));
      }
    }
    return term;
  }
  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("architecture '" + text_ + "': " + what);
  }
  const std::string& text_;
  size_t at_ = 0;
};

std::optional<Derivation> match(const Grammar& grammar, int nonterminal, const Term& term,
                                std::set<std::pair<int, const Term*>>& open) {
  if (!open.insert({nonterminal, &term}).second) return std::nullopt;  // a cycle of unit productions
  const auto& alternatives = grammar.productions()[nonterminal].alternatives;
  std::optional<Derivation> found;
  for (size_t a = 0; a < alternatives.size() && !found; ++a) {
    const GrammarAlternative& alternative = alternatives[a];
    Derivation derivation{nonterminal, static_cast<int>(a), {}};
    if (alternative.unit >= 0) {
      if (auto child = match(grammar, alternative.unit, term, open)) {
        derivation.children.push_back(std::move(*child));
        found = std::move(derivation);
      }
      continue;
    }
    if (alternative.terminal != term.name || alternative.arguments.size() != term.arguments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < term.arguments.size() && ok; ++i) {
      const GrammarArgument& argument = alternative.arguments[i];
      const Term& given = term.arguments[i];
      if (argument.nonterminal < 0) {
        ok = given.arguments.empty() && given.name == argument.terminal;
      } else if (auto child = match(grammar, argument.nonterminal, given, open)) {
        derivation.children.push_back(std::move(*child));
      } else {
        ok = false;
      }
    }
    if (ok) found = std::move(derivation);
  }
  open.erase({nonterminal, &term});
  return found;
}

// A uniform integer in [0, n), n > 0: random bits of n's length, rejected until below n.
BigCount uniform_below(const BigCount& n, Rng& rng) {
  const unsigned bits = boost::multiprecision::msb(n) + 1;
  for (;;) {
    BigCount value = 0;
    for (unsigned done = 0; done < bits; done += 64) value = (value << 64) | BigCount(rng.next_u64());
    value &= (BigCount(1) << bits) - 1;
    if (value < n) return value;
  }
}

// Every node of a derivation with the depth it sits at (the root at 0).
void collect_nodes(Derivation& node, int level, std::vector<std::pair<Derivation*, int>>& out) {
  out.emplace_back(&node, level);
  for (Derivation& child : node.children) collect_nodes(child, level + 1, out);
}

}  // namespace

TermTree term_tree(const Grammar& grammar, const Derivation& derivation) {
  const GrammarAlternative& alternative =
      grammar.productions().at(derivation.nonterminal).alternatives.at(derivation.alternative);
  if (alternative.unit >= 0) return term_tree(grammar, derivation.children.at(0));
  TermTree term{alternative.terminal, {}};
  size_t child = 0;
  for (const GrammarArgument& argument : alternative.arguments)
    term.arguments.push_back(argument.nonterminal < 0 ? TermTree{argument.terminal, {}}
                                                      : term_tree(grammar, derivation.children.at(child++)));
  return term;
}

std::string to_string(const TermTree& term) {
  if (term.arguments.empty()) return term.name;
  std::string text = term.name + "(";
  for (size_t i = 0; i < term.arguments.size(); ++i)
    text += (i > 0 ? ", " : "") + to_string(term.arguments[i]);
  return text + ")";
}

std::string to_string(const Grammar& grammar, const Derivation& derivation) {
  return to_string(term_tree(grammar, derivation));
}

Derivation parse_derivation(const Grammar& grammar, const std::string& text, int nonterminal) {
  const Term term = TermParser(text).parse();
  std::set<std::pair<int, const Term*>> open;
  std::optional<Derivation> derivation = match(grammar, nonterminal, term, open);
  if (!derivation)
    throw Error("architecture '" + text.substr(0, 200) + "' is not derived by " + grammar.source() +
                " from " + grammar.productions().at(nonterminal).name);
  return *derivation;
}

int derivation_depth(const Derivation& derivation) {
  int deepest = 0;
  for (const Derivation& child : derivation.children) deepest = std::max(deepest, derivation_depth(child));
  return deepest + 1;
}

Derivation unrank_derivation(const Grammar& grammar, int nonterminal, int max_depth, BigCount index) {
  const auto& alternatives = grammar.productions().at(nonterminal).alternatives;
  for (size_t a = 0; a < alternatives.size(); ++a) {
    const std::vector<int> children = alternatives[a].children();
    BigCount ways = 1;
    for (int child : children) ways *= grammar.count(child, max_depth - 1);
    if (index >= ways) {
      index -= ways;
      continue;
    }
    Derivation derivation{nonterminal, static_cast<int>(a), {}};
    for (int child : children) {  // mixed radix: the first child varies fastest
      const BigCount radix = grammar.count(child, max_depth - 1);
      derivation.children.push_back(unrank_derivation(grammar, child, max_depth - 1, index % radix));
      index /= radix;
    }
    return derivation;
  }
  throw Error("unrank_derivation: rank beyond the " + grammar.productions().at(nonterminal).name +
              " derivations");
}

template <>
const EnumNames<DerivationSampling>& enum_names<DerivationSampling>() {
  static const EnumNames<DerivationSampling> names = {{DerivationSampling::kRules, "rules"},
                                                      {DerivationSampling::kUniform, "uniform"}};
  return names;
}

Derivation sample_derivation(const Grammar& grammar, int nonterminal, int max_depth, Rng& rng,
                             DerivationSampling sampling) {
  const BigCount total = grammar.count(nonterminal, max_depth);
  if (total == 0)
    throw Error(grammar.source() + ": " + grammar.productions().at(nonterminal).name +
                " has no derivation within depth " + std::to_string(max_depth));
  if (sampling == DerivationSampling::kUniform)
    return unrank_derivation(grammar, nonterminal, max_depth, uniform_below(total, rng));
  // By the rules: one of the alternatives whose every child still has a derivation one level deeper.
  const auto& alternatives = grammar.productions().at(nonterminal).alternatives;
  std::vector<int> fitting;
  for (size_t a = 0; a < alternatives.size(); ++a) {
    bool fits = true;
    for (int child : alternatives[a].children()) fits = fits && grammar.count(child, max_depth - 1) > 0;
    if (fits) fitting.push_back(static_cast<int>(a));
  }
  Derivation derivation{nonterminal, fitting[rng.uniform_int(fitting.size())], {}};
  for (int child : alternatives[derivation.alternative].children())
    derivation.children.push_back(sample_derivation(grammar, child, max_depth - 1, rng, sampling));
  return derivation;
}

Derivation mutate_derivation(const Grammar& grammar, const Derivation& parent, int max_depth, Rng& rng,
                             DerivationSampling sampling) {
  const std::string before = to_string(grammar, parent);
  for (int attempt = 0; attempt < 32; ++attempt) {
    Derivation child = parent;
    std::vector<std::pair<Derivation*, int>> nodes;
    collect_nodes(child, 0, nodes);
    const auto [node, level] = nodes[rng.uniform_int(nodes.size())];
    *node = sample_derivation(grammar, node->nonterminal, max_depth - level, rng, sampling);
    if (to_string(grammar, child) != before) return child;
  }
  return parent;
}

std::optional<Derivation> crossover_derivations(const Grammar& grammar, const Derivation& first,
                                                const Derivation& second, int max_depth, Rng& rng) {
  Derivation child = first, donor = second;
  std::vector<std::pair<Derivation*, int>> nodes, donor_nodes;
  collect_nodes(child, 0, nodes);
  collect_nodes(donor, 0, donor_nodes);
  const auto [node, level] = nodes[rng.uniform_int(nodes.size())];
  std::vector<const Derivation*> fitting;
  for (const auto& [candidate, _] : donor_nodes)
    if (candidate->nonterminal == node->nonterminal && level + derivation_depth(*candidate) <= max_depth)
      fitting.push_back(candidate);
  if (fitting.empty()) return std::nullopt;
  *node = *fitting[rng.uniform_int(fitting.size())];
  return child;
}

}  // namespace tnas
