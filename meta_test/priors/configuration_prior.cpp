#include "meta_test/priors/configuration_prior.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"

namespace tnas {

template <>
const EnumNames<PriorConfidence>& enum_names<PriorConfidence>() {
  static const EnumNames<PriorConfidence> names = {
      {PriorConfidence::kLow, "low"}, {PriorConfidence::kMedium, "medium"}, {PriorConfidence::kHigh, "high"}};
  return names;
}

namespace {

// NePS's weight of a categorical default relative to each other value, and the sd (on the 0..1 grid) of an
// ordinal one, per confidence.
double categorical_score(PriorConfidence confidence) {
  return confidence == PriorConfidence::kLow ? 2 : confidence == PriorConfidence::kMedium ? 4 : 6;
}
double ordinal_sd(PriorConfidence confidence) {
  return confidence == PriorConfidence::kLow ? 0.5 : confidence == PriorConfidence::kMedium ? 0.25 : 0.125;
}

std::vector<double> normalized(std::vector<double> weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  for (double& w : weights) w /= sum;
  return weights;
}

// The default's value `at` of a choice with `count` values, believed with `confidence`.
std::vector<double> around_default(const SearchSpace::ChoiceInfo& choice, int at,
                                   PriorConfidence confidence) {
  const int count = static_cast<int>(choice.values.size());
  std::vector<double> weights(static_cast<size_t>(count), 1.0);
  if (count < 2) return normalized(weights);
  if (!choice.ordinal) {
    weights[static_cast<size_t>(at)] = categorical_score(confidence);
    return normalized(weights);
  }
  const double sd = ordinal_sd(confidence);
  for (int v = 0; v < count; ++v) {
    const double distance = static_cast<double>(v - at) / (count - 1);
    weights[static_cast<size_t>(v)] = std::exp(-0.5 * distance * distance / (sd * sd));
  }
  return normalized(weights);
}

double parse_number(const std::string& text, const std::string& where, const std::string& what) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value))
    throw Error(where + what + " '" + text + "' is not a number");
  return value;
}

std::string value_list(const SearchSpace::ChoiceInfo& choice) {
  std::string list;
  for (const auto& value : choice.values) list += (list.empty() ? "" : ", ") + value;
  return list;
}

// "choice NAME ~ normal MEAN SD" / "~ log-normal MEDIAN DECADES": a density at each (numeric) value.
std::vector<double> numeric_distribution(const SearchSpace::ChoiceInfo& choice,
                                         const std::vector<std::string>& words, const std::string& where) {
  if (words.size() != 6)
    throw Error(where + "expected 'choice " + choice.name +
                " ~ normal MEAN SD' or '~ log-normal MEDIAN DECADES'");
  const std::string& family = words[3];
  if (family != "normal" && family != "log-normal")
    throw Error(where + "unknown distribution '" + family + "' (normal or log-normal)");
  const bool logarithmic = family == "log-normal";
  double center = parse_number(words[4], where, "the center");
  const double spread = parse_number(words[5], where, "the spread");
  if (spread <= 0) throw Error(where + "the spread must be > 0, got " + words[5]);
  if (logarithmic && center <= 0) throw Error(where + "a log-normal's median must be > 0, got " + words[4]);
  if (logarithmic) center = std::log10(center);
  std::vector<double> weights;
  for (const auto& value_text : choice.values) {
    const double value = parse_number(value_text, where, choice.name + "'s value");
    if (logarithmic && value <= 0)
      throw Error(where + choice.name + " has a value <= 0: no log-normal over it");
    const double x = logarithmic ? std::log10(value) : value;
    weights.push_back(std::exp(-0.5 * (x - center) * (x - center) / (spread * spread)));
  }
  // Far out in the tails every weight underflows; the nearest value then carries the belief.
  double sum = 0;
  for (double w : weights) sum += w;
  if (!(sum > 0))
    throw Error(where + "the distribution puts no mass on any of " + choice.name + "'s values (" +
                value_list(choice) + ")");
  std::vector<double> probabilities = normalized(weights);
  for (double& p : probabilities) p = std::max(p, 1e-12);  // never 0: a belief, not an exclusion
  return normalized(probabilities);
}

// "choice NAME VALUE=P ...": the listed values' probabilities, the rest shared by the unlisted ones.
std::vector<double> listed_distribution(const SearchSpace::ChoiceInfo& choice,
                                        const std::vector<std::string>& words, const std::string& where) {
  std::vector<double> probabilities(choice.values.size(), -1);
  double listed = 0;
  for (size_t w = 2; w < words.size(); ++w) {
    const size_t equals = words[w].rfind('=');
    if (equals == std::string::npos) throw Error(where + "'" + words[w] + "' is not VALUE=PROBABILITY");
    const std::string value = words[w].substr(0, equals);
    size_t v = 0;
    while (v < choice.values.size() && choice.values[v] != value) ++v;
    if (v == choice.values.size())
      throw Error(where + choice.name + " has no value '" + value + "' (" + value_list(choice) + ")");
    if (probabilities[v] >= 0) throw Error(where + choice.name + "=" + value + " is given twice");
    const double p = parse_number(words[w].substr(equals + 1), where, value + "'s probability");
    if (!(p > 0 && p <= 1))
      throw Error(where + value + "'s probability must be in (0, 1], got " + words[w].substr(equals + 1) +
                  " (a prior may not exclude a value: use --constraint)");
    probabilities[v] = p, listed += p;
  }
  size_t unlisted = 0;
  for (double p : probabilities) unlisted += p < 0;
  const double rest = 1 - listed;
  if (rest < -1e-9)
    throw Error(where + "the probabilities of " + choice.name + " sum to " + std::to_string(listed) + " > 1");
  if (unlisted == 0 && std::abs(rest) > 1e-6)
    throw Error(where + "the probabilities of every value of " + choice.name + " sum to " +
                std::to_string(listed) + ", not 1");
  if (unlisted > 0 && rest <= 1e-12)
    throw Error(
        where + "the listed probabilities of " + choice.name +
        " sum to 1: the unlisted values would be impossible (a prior may not exclude: use --constraint)");
  for (double& p : probabilities)
    if (p < 0) p = rest / static_cast<double>(unlisted);
  return normalized(probabilities);
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// A grammar's choices: one per nonterminal, its values the alternatives as written without spaces
// ("Sequential3(D1,D1,D0)", "zero", a unit production's nonterminal "CONVBLOCK").
std::vector<SearchSpace::ChoiceInfo> production_choices(const Grammar& grammar) {
  std::vector<SearchSpace::ChoiceInfo> choices;
  for (const GrammarProduction& production : grammar.productions()) {
    SearchSpace::ChoiceInfo choice{production.name, {}, false};
    for (const GrammarAlternative& alternative : production.alternatives) {
      if (alternative.unit >= 0) {
        choice.values.push_back(grammar.productions()[static_cast<size_t>(alternative.unit)].name);
        continue;
      }
      std::string text = alternative.terminal;
      for (size_t a = 0; a < alternative.arguments.size(); ++a) {
        const GrammarArgument& argument = alternative.arguments[a];
        text +=
            (a == 0 ? "(" : ",") +
            (argument.nonterminal >= 0 ? grammar.productions()[static_cast<size_t>(argument.nonterminal)].name
                                       : argument.terminal);
      }
      choice.values.push_back(alternative.arguments.empty() ? text : text + ")");
    }
    choices.push_back(std::move(choice));
  }
  return choices;
}

// Every (nonterminal, alternative) node of a derivation, in pre-order.
void derivation_nodes(const Derivation& node, std::vector<std::pair<int, int>>& nodes) {
  nodes.emplace_back(node.nonterminal, node.alternative);
  for (const Derivation& child : node.children) derivation_nodes(child, nodes);
}

}  // namespace

ConfigurationPrior::ConfigurationPrior(const std::string& path, const SearchSpace& space, double strength)
    : path_(path), strength_(strength) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot be read (--prior)");
  if (!(strength > 0)) throw Error("--prior-strength must be > 0");
  grammar_space_ = dynamic_cast<const GrammarSpace*>(&space);
  try {
    choices_ = grammar_space_ ? production_choices(grammar_space_->grammar()) : space.choice_infos();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what() + " (a prior needs the space's list of choices)");
  }
  std::map<size_t, std::vector<double>> named;  // choice -> its `choice` line's distribution
  bool confidence_given = false;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const size_t comment = line.find('#');
    if (comment != std::string::npos) line.resize(comment);
    const std::vector<std::string> words = words_of(line);
    if (words.empty()) continue;
    if (words[0] == "default") {
      if (default_) throw Error(where + "a second default");
      // The rest of the line: a grammar's derivation is written with spaces.
      const size_t start = line.find_first_not_of(" \t", line.find("default") + 7);
      const size_t end = line.find_last_not_of(" \t\r");
      if (start == std::string::npos) throw Error(where + "expected 'default CONFIGURATION'");
      try {
        default_ = space.parse(line.substr(start, end - start + 1));
      } catch (const Error& e) {
        throw Error(where + e.what());
      }
    } else if (words[0] == "confidence") {
      if (confidence_given) throw Error(where + "a second confidence");
      if (words.size() != 2) throw Error(where + "expected 'confidence low|medium|high'");
      try {
        confidence_ = parse_enum<PriorConfidence>(words[1], "confidence");
      } catch (const Error& e) {
        throw Error(where + e.what());
      }
      confidence_given = true;
    } else if (words[0] == "choice") {
      if (words.size() < 3)
        throw Error(where + "expected 'choice NAME VALUE=P ...' or 'choice NAME ~ normal MEAN SD'");
      size_t c = 0;
      while (c < choices_.size() && choices_[c].name != words[1]) ++c;
      if (c == choices_.size()) {
        std::string names;
        for (const auto& choice : choices_) names += (names.empty() ? "" : ", ") + choice.name;
        throw Error(where + "the space " + space.name() + " has no choice '" + words[1] + "' (" + names +
                    ")");
      }
      if (named.count(c)) throw Error(where + "a second line for choice " + words[1]);
      named[c] = words[2] == "~" ? numeric_distribution(choices_[c], words, where)
                                 : listed_distribution(choices_[c], words, where);
    } else {
      throw Error(where + "unknown statement '" + words[0] + "' (default, confidence or choice)");
    }
  }
  if (confidence_given && !default_) throw Error(path + ": a confidence without a default");
  if (!default_ && named.empty()) throw Error(path + ": states no belief (no default and no choice line)");
  set_probabilities(named);
}

ConfigurationPrior ConfigurationPrior::moved_onto(const SearchSpace& space, const Arch& config) const {
  ConfigurationPrior moved = *this;
  moved.path_ = path_ + " moved onto " + space.format(config);
  moved.default_ = config;
  const std::vector<std::vector<int>> values = values_of(config);
  for (size_t c = 0; c < choices_.size(); ++c) {
    if (values[c].empty()) continue;
    const std::vector<double>& believed = probabilities_[c];
    const size_t peak =
        static_cast<size_t>(std::max_element(believed.begin(), believed.end()) - believed.begin());
    std::vector<double>& probabilities = moved.probabilities_[c];
    std::fill(probabilities.begin(), probabilities.end(), 0.0);
    for (int value : values[c]) {  // the peak's and the value's probabilities swapped, averaged over values
      std::vector<double> swapped = believed;
      std::swap(swapped[peak], swapped.at(static_cast<size_t>(value)));
      for (size_t v = 0; v < swapped.size(); ++v)
        probabilities[v] += swapped[v] / static_cast<double>(values[c].size());
    }
  }
  return moved;
}

std::vector<std::vector<int>> ConfigurationPrior::values_of(const Arch& config) const {
  std::vector<std::vector<int>> values(choices_.size());
  if (grammar_space_) {
    std::vector<std::pair<int, int>> nodes;
    derivation_nodes(grammar_space_->decode(config), nodes);
    for (const auto& [nonterminal, alternative] : nodes)
      values[static_cast<size_t>(nonterminal)].push_back(alternative);
  } else {
    for (size_t c = 0; c < choices_.size(); ++c) values[c] = {config.choices.at(c)};
  }
  return values;
}

void ConfigurationPrior::set_probabilities(const std::map<size_t, std::vector<double>>& named) {
  // The default's values (the belief is their average where a grammar's derivation takes several).
  const std::vector<std::vector<int>> default_values =
      default_ ? values_of(*default_) : std::vector<std::vector<int>>(choices_.size());
  for (size_t c = 0; c < choices_.size(); ++c) {
    std::vector<double> probabilities(choices_[c].values.size(),
                                      1.0 / static_cast<double>(choices_[c].values.size()));
    if (const auto line = named.find(c); line != named.end()) {
      probabilities = line->second;
    } else if (!default_values[c].empty()) {
      std::fill(probabilities.begin(), probabilities.end(), 0.0);
      for (int value : default_values[c]) {
        const std::vector<double> around = around_default(choices_[c], value, confidence_);
        for (size_t v = 0; v < around.size(); ++v)
          probabilities[v] += around[v] / static_cast<double>(default_values[c].size());
      }
    }
    probabilities_.push_back(std::move(probabilities));
  }
}

double ConfigurationPrior::log_density(const Arch& config) const {
  if (grammar_space_) {  // every production the derivation applies
    std::vector<std::pair<int, int>> nodes;
    derivation_nodes(grammar_space_->decode(config), nodes);
    double sum = 0;
    for (const auto& [nonterminal, alternative] : nodes)
      sum +=
          std::log(probabilities_.at(static_cast<size_t>(nonterminal)).at(static_cast<size_t>(alternative)));
    return sum;
  }
  if (config.choices.size() != probabilities_.size())
    throw Error(path_ + ": a configuration with " + std::to_string(config.choices.size()) +
                " choices, the prior has " + std::to_string(probabilities_.size()));
  double sum = 0;
  for (size_t c = 0; c < probabilities_.size(); ++c)
    sum += std::log(probabilities_[c].at(static_cast<size_t>(config.choices[c])));
  return sum;
}

double ConfigurationPrior::draw_share(size_t observations, double trust) const {
  const double strength = trust * strength_;
  return strength > 0 ? strength / (strength + static_cast<double>(observations)) : 0.0;
}

nlohmann::json ConfigurationPrior::describe(const SearchSpace& space) const {
  nlohmann::json choices = nlohmann::json::object();
  for (size_t c = 0; c < choices_.size(); ++c)
    for (size_t v = 0; v < choices_[c].values.size(); ++v)
      choices[choices_[c].name][choices_[c].values[v]] = probabilities_[c][v];
  nlohmann::json j = {{"file", path_}, {"strength", strength_}, {"choices", choices}};
  if (default_) j["default"] = space.format(*default_), j["confidence"] = enum_name(confidence_);
  return j;
}

}  // namespace tnas
