#include "graphs/spaces/jahs/jahs_space.h"

#include <cmath>
#include <cstdio>

#include "basics/error.h"

namespace tnas {
namespace {

constexpr int kActivation = kNb201NumEdges, kLearningRate = kNb201NumEdges + 1,
              kWeightDecay = kNb201NumEdges + 2, kTrivialAugment = kNb201NumEdges + 3;
constexpr std::array<int, 4> kCounts = {static_cast<int>(kJahsActivations.size()), kJahsLearningRateCount,
                                        kJahsWeightDecayCount, 2};

void validate(const Arch& config) {
  if (config.choices.size() != static_cast<size_t>(kJahsChoices))
    throw Error("jahs: a configuration has " + std::to_string(kJahsChoices) + " choices, got " +
                std::to_string(config.choices.size()));
  for (int k = 0; k < 4; ++k) {
    const int c = config.choices[kNb201NumEdges + k];
    if (c < 0 || c >= kCounts[k])
      throw Error("jahs: hyperparameter choice " + std::to_string(k) + " is " + std::to_string(c) +
                  ", expected 0.." + std::to_string(kCounts[k] - 1));
  }
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Index of `value` in a log-spaced grid 10^(lo + k * step), matched to 3 significant digits as printed.
int grid_index(std::string_view text, int count, double (*value_of)(int), const std::string& what) {
  for (int k = 0; k < count; ++k)
    if (number(value_of(k)) == text) return k;
  std::string known;
  for (int k = 0; k < count; ++k) known += (k ? ", " : "") + number(value_of(k));
  throw Error("jahs: " + what + " '" + std::string(text) + "' is not on the grid (" + known + ")");
}

}  // namespace

double JahsSpace::learning_rate(int index) { return std::pow(10.0, -3.0 + 0.25 * index); }
double JahsSpace::weight_decay(int index) { return std::pow(10.0, -5.0 + 0.5 * index); }

int64_t JahsSpace::size() const {
  int64_t n = kNb201NumCells;
  for (int c : kCounts) n *= c;
  return n;
}

Nb201Cell JahsSpace::cell(const Arch& arch) {
  validate(arch);
  return Nb201Space::to_cell(Arch{{arch.choices.begin(), arch.choices.begin() + kNb201NumEdges}});
}

JahsHyperparameters JahsSpace::hyperparameters(const Arch& arch) {
  validate(arch);
  return {kJahsActivations[arch.choices[kActivation]], learning_rate(arch.choices[kLearningRate]),
          weight_decay(arch.choices[kWeightDecay]), arch.choices[kTrivialAugment] == 1};
}

std::vector<int> JahsSpace::choice_counts() const {
  std::vector<int> counts(kNb201NumEdges, kNb201NumOps);
  counts.insert(counts.end(), {static_cast<int>(kJahsActivations.size()), kJahsLearningRateCount,
                               kJahsWeightDecayCount, 2});
  return counts;
}

Arch JahsSpace::sample(Rng& rng) const {
  Arch a = Nb201Space().sample(rng);
  for (int c : kCounts) a.choices.push_back(static_cast<int>(rng.uniform_int(static_cast<uint64_t>(c))));
  return a;
}

std::vector<Arch> JahsSpace::neighbours(const Arch& arch) const {
  validate(arch);
  std::vector<Arch> out;
  const Arch cell_part{{arch.choices.begin(), arch.choices.begin() + kNb201NumEdges}};
  for (const Arch& n : Nb201Space().neighbours(cell_part)) {
    Arch a = arch;
    std::copy(n.choices.begin(), n.choices.end(), a.choices.begin());
    out.push_back(std::move(a));
  }
  const auto with = [&](int k, int value) {
    Arch a = arch;
    a.choices[k] = value;
    out.push_back(std::move(a));
  };
  for (int v = 0; v < kCounts[0]; ++v)
    if (v != arch.choices[kActivation]) with(kActivation, v);
  for (int k : {kLearningRate, kWeightDecay})
    for (int step : {-1, 1}) {
      const int v = arch.choices[k] + step;
      if (v >= 0 && v < kCounts[k - kNb201NumEdges]) with(k, v);
    }
  with(kTrivialAugment, 1 - arch.choices[kTrivialAugment]);
  return out;
}

OpGraph JahsSpace::to_graph(const Arch& arch) const { return make_op_graph(cell(arch)); }

std::vector<float> JahsSpace::numeric_features(const Arch& arch) const {
  validate(arch);
  std::vector<float> f(kJahsActivations.size(), 0.0f);
  f[arch.choices[kActivation]] = 1.0f;
  f.push_back(static_cast<float>(arch.choices[kLearningRate]) / (kJahsLearningRateCount - 1));
  f.push_back(static_cast<float>(arch.choices[kWeightDecay]) / (kJahsWeightDecayCount - 1));
  f.push_back(static_cast<float>(arch.choices[kTrivialAugment]));
  return f;
}

std::string JahsSpace::format(const Arch& arch) const {
  const JahsHyperparameters h = hyperparameters(arch);
  return cell(arch).to_string() + ";activation=" + h.activation + ";lr=" + number(h.learning_rate) +
         ";wd=" + number(h.weight_decay) + ";trivial_augment=" + (h.trivial_augment ? "on" : "off");
}

Arch JahsSpace::parse(std::string_view text) const {
  const size_t semi = text.find(';');
  if (semi == std::string_view::npos)
    throw Error("jahs: '" + std::string(text) +
                "' has no hyperparameters (CELL;activation=A;lr=X;wd=Y;trivial_augment=on|off)");
  Arch a = Nb201Space().parse(text.substr(0, semi));
  a.choices.resize(kJahsChoices, -1);
  std::string_view rest = text.substr(semi + 1);
  const std::array<std::string, 4> keys = {"activation", "lr", "wd", "trivial_augment"};
  for (int k = 0; k < 4; ++k) {
    const size_t end = rest.find(';');
    const std::string_view item = rest.substr(0, end);
    const std::string prefix = keys[k] + "=";
    if (item.substr(0, prefix.size()) != prefix)
      throw Error("jahs: expected '" + prefix + "...' at '" + std::string(item) + "' in '" +
                  std::string(text) + "'");
    const std::string_view value = item.substr(prefix.size());
    int& choice = a.choices[kNb201NumEdges + k];
    if (k == 0) {
      for (int v = 0; v < kCounts[0]; ++v)
        if (value == kJahsActivations[v]) choice = v;
      if (choice < 0) throw Error("jahs: activation '" + std::string(value) + "' (relu, hardswish or mish)");
    } else if (k == 1) {
      choice = grid_index(value, kJahsLearningRateCount, &JahsSpace::learning_rate, "learning rate");
    } else if (k == 2) {
      choice = grid_index(value, kJahsWeightDecayCount, &JahsSpace::weight_decay, "weight decay");
    } else {
      if (value != "on" && value != "off")
        throw Error("jahs: trivial_augment '" + std::string(value) + "' (on or off)");
      choice = value == "on" ? 1 : 0;
    }
    if (k < 3 && end == std::string_view::npos)
      throw Error("jahs: '" + std::string(text) + "' ends after " + keys[k]);
    if (k == 3 && end != std::string_view::npos)
      throw Error("jahs: trailing text after trivial_augment in '" + std::string(text) + "'");
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return a;
}

std::string JahsSpace::iso_key(const Arch& arch) const {
  validate(arch);
  return cell(arch).iso_key() + ";" + std::to_string(arch.choices[kActivation]) + "," +
         std::to_string(arch.choices[kLearningRate]) + "," + std::to_string(arch.choices[kWeightDecay]) +
         "," + std::to_string(arch.choices[kTrivialAugment]);
}

int64_t JahsSpace::id(const Arch& arch) const {
  int64_t id = 0;
  for (int k = 3; k >= 0; --k) id = id * kCounts[k] + arch.choices[kNb201NumEdges + k];
  return id * kNb201NumCells + cell(arch).id();
}

ArchCost JahsSpace::cost(const Arch& arch) const {
  return Nb201Space().cost(Nb201Space::from_cell(cell(arch)));
}

std::vector<SearchSpace::ChoiceInfo> JahsSpace::choice_infos() const {
  std::vector<ChoiceInfo> infos = Nb201Space().choice_infos();
  infos.push_back({"activation", {kJahsActivations.begin(), kJahsActivations.end()}, false});
  ChoiceInfo lr{"lr", {}, true}, wd{"wd", {}, true};
  for (int k = 0; k < kJahsLearningRateCount; ++k) lr.values.push_back(number(learning_rate(k)));
  for (int k = 0; k < kJahsWeightDecayCount; ++k) wd.values.push_back(number(weight_decay(k)));
  infos.push_back(std::move(lr));
  infos.push_back(std::move(wd));
  infos.push_back({"trivial_augment", {"off", "on"}, false});
  return infos;
}

}  // namespace tnas
