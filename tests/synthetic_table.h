#pragma once
// Synthetic oracles with a known trend for search tests: a tabular benchmark over all 15,625 NB201 cells
// whose accuracy grows with the number of 3x3 convolutions (max 6 convs = 90 %), plus a small cell-specific
// term, and a learning-curve table of the same trend.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "graphs/spaces/nb201/nb201_cell.h"

namespace tnas::test {

// Writes dir/table.csv (arch_str,acc); with drop_some, every 7th cell is left out. Returns its path.
inline std::string synthetic_table(const std::filesystem::path& dir, bool drop_some = false) {
  const std::string path = (dir / "table.csv").string();
  std::ofstream out(path);
  out << "arch_str,acc\n";
  for (int64_t id = 0; id < kNb201NumCells; ++id) {
    const Nb201Cell c = Nb201Cell::from_id(id);
    if (drop_some && id % 7 == 0) continue;
    int convs = 0;
    for (Nb201Op op : c.ops()) convs += op == Nb201Op::kConv3x3;
    out << c.to_string() << "," << 60 + 5 * convs + (id % 10) * 0.01 << "\n";
  }
  return path;
}

// A learning-curve table of 400 cells x 27 epochs: a cell's final accuracy grows with its 3x3 convs, its
// curve saturates at a cell-specific speed (so low fidelities rank cells imperfectly), an epoch costs 0.5 s
// plus 0.1 s per conv.
inline std::string synthetic_curves(const std::filesystem::path& dir) {
  const std::string path = (dir / "curves.csv").string();
  std::ofstream out(path);
  out << "arch,epoch,valid_acc,test_acc,seconds\n";
  for (int64_t id = 0; id < kNb201NumCells; id += 39) {
    const Nb201Cell c = Nb201Cell::from_id(id);
    int convs = 0;
    for (Nb201Op op : c.ops()) convs += op == Nb201Op::kConv3x3;
    const double final_acc = 60 + 5 * convs + (id % 13) * 0.1, tau = 1 + (id % 7);
    for (int e = 1; e <= 27; ++e) {
      const double v = final_acc * (1 - std::exp(-e / tau));
      out << c.to_string() << "," << e << "," << v << "," << v - 1 << "," << 0.5 + 0.1 * convs << "\n";
    }
  }
  return path;
}

}  // namespace tnas::test
