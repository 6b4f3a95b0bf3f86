#include "graphs/spaces/search_space.h"

#include <unordered_set>

#include "basics/error.h"

namespace tnas {

std::vector<Arch> SearchSpace::enumerate() const {
  throw Error("search space '" + name() + "' cannot be enumerated");
}

Arch SearchSpace::mutate(const Arch& arch, Rng& rng) const {
  const auto n = neighbours(arch);
  if (n.empty()) throw Error("search space '" + name() + "': architecture has no neighbours");
  return n[rng.uniform_int(n.size())];
}

int64_t SearchSpace::id(const Arch&) const { throw Error("search space '" + name() + "' has no dense ids"); }

std::vector<float> SearchSpace::numeric_features(const Arch&) const { return {}; }

EncoderInput encoder_input(const SearchSpace& space, const Arch& config) {
  return {space.to_graph(config), space.numeric_features(config)};
}

std::vector<Arch> dedupe_by_iso_key(const SearchSpace& space, const std::vector<Arch>& archs) {
  std::unordered_set<std::string> seen;
  std::vector<Arch> out;
  for (const Arch& a : archs)
    if (seen.insert(space.iso_key(a)).second) out.push_back(a);
  return out;
}

std::vector<SearchSpace::ChoiceInfo> SearchSpace::choice_infos() const {
  std::vector<ChoiceInfo> infos;
  const std::vector<int> counts = choice_counts();
  for (size_t c = 0; c < counts.size(); ++c) {
    ChoiceInfo info{"choice" + std::to_string(c), {}, false};
    for (int v = 0; v < counts[c]; ++v) info.values.push_back(std::to_string(v));
    infos.push_back(std::move(info));
  }
  return infos;
}

}  // namespace tnas
