#pragma once
// A tabular benchmark over all 15,625 NB201 cells whose accuracy grows with the number of 3x3 convolutions
// (max 6 convs = 90 %), plus a small cell-specific term: a landscape with a known trend for search tests.
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

}  // namespace tnas::test
