#include "graphs/spaces/nb201/nb201_space.h"

#include "basics/error.h"
#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {

Nb201Cell Nb201Space::to_cell(const Arch& arch) {
  if (arch.choices.size() != kNb201NumEdges)
    throw Error("nb201: an architecture has 6 edge choices, got " + std::to_string(arch.choices.size()));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (int k = 0; k < kNb201NumEdges; ++k) {
    const int c = arch.choices[k];
    if (c < 0 || c >= kNb201NumOps)
      throw Error("nb201: edge " + std::to_string(k) + " has op id " + std::to_string(c) + ", expected 0..4");
    ops[k] = static_cast<Nb201Op>(c);
  }
  return Nb201Cell(ops);
}

Arch Nb201Space::from_cell(const Nb201Cell& cell) {
  Arch a;
  for (Nb201Op op : cell.ops()) a.choices.push_back(static_cast<int>(op));
  return a;
}

Arch Nb201Space::sample(Rng& rng) const {
  return from_cell(Nb201Cell::from_id(static_cast<int64_t>(rng.uniform_int(kNb201NumCells))));
}

std::vector<Arch> Nb201Space::enumerate() const {
  std::vector<Arch> all;
  all.reserve(kNb201NumCells);
  for (int64_t id = 0; id < kNb201NumCells; ++id) all.push_back(from_cell(Nb201Cell::from_id(id)));
  return all;
}

std::vector<Arch> Nb201Space::neighbours(const Arch& arch) const {
  to_cell(arch);  // validates
  std::vector<Arch> out;
  for (int k = 0; k < kNb201NumEdges; ++k)
    for (int op = 0; op < kNb201NumOps; ++op) {
      if (op == arch.choices[k]) continue;
      Arch n = arch;
      n.choices[k] = op;
      out.push_back(std::move(n));
    }
  return out;
}

OpGraph Nb201Space::to_graph(const Arch& arch) const { return make_op_graph(to_cell(arch)); }
Arch Nb201Space::parse(std::string_view text) const { return from_cell(Nb201Cell::parse(text)); }
std::string Nb201Space::format(const Arch& arch) const { return to_cell(arch).to_string(); }
std::string Nb201Space::iso_key(const Arch& arch) const { return to_cell(arch).iso_key(); }
int64_t Nb201Space::id(const Arch& arch) const { return to_cell(arch).id(); }
ArchCost Nb201Space::cost(const Arch& arch) const {
  const Nb201Cell cell = to_cell(arch);
  return {nb201_param_count(cell, Nb201MacroConfig{}), nb201_flops(cell, Nb201MacroConfig{})};
}

std::vector<SearchSpace::ChoiceInfo> Nb201Space::choice_infos() const {
  std::vector<ChoiceInfo> infos;
  for (const auto& [source, target] : kNb201Edges) {
    ChoiceInfo info{std::to_string(target) + "<-" + std::to_string(source), {}, false};
    for (int op = 0; op < kNb201NumOps; ++op) info.values.push_back(nb201_op_name(static_cast<Nb201Op>(op)));
    infos.push_back(std::move(info));
  }
  return infos;
}

}  // namespace tnas
