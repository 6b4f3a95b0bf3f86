#include "datasets/tables/tabular_benchmark.h"

#include <cmath>
#include <fstream>

#include "basics/error.h"
#include "datasets/formats/csv_table.h"
#include "datasets/formats/h5_io.h"
#include "graphs/spaces/nb201/nb201_cell.h"

namespace tnas {

void TabularBenchmark::add(const std::string& arch, double value, const std::string& where) {
  Nb201Cell cell;
  try {
    cell = Nb201Cell::parse(arch);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  if (!std::isfinite(value)) throw Error(where + ": value for " + arch + " is not finite");
  if (!values_.emplace(arch, value).second) throw Error(where + ": duplicate arch " + arch);
  auto& [sum, count] = by_key_[cell.iso_key()];
  sum += value;
  ++count;
  if (value > max_) max_ = value, best_ = arch;
}

TabularBenchmark TabularBenchmark::read(const std::string& path, const std::string& column) {
  TabularBenchmark t;
  t.path_ = path;
  t.column_ = column;
  std::ifstream probe(path, std::ios::binary);
  char sig[8] = {};
  probe.read(sig, 8);
  if (probe.gcount() == 8 && std::string(sig, 8) == "\x89HDF\r\n\x1a\n") {
    H5::H5File f = h5::open_read_only(path);
    h5::guarded(path, [&] {
      const auto archs = h5::read_strings(f, "arch_str");
      if (!h5::has(f, column)) throw Error(path + ": missing dataset '/" + column + "'");
      const auto values = h5::read<double>(f, column);
      if (values.size() != archs.size())
        throw Error(path + ": /" + column + " has " + std::to_string(values.size()) + " values for " +
                    std::to_string(archs.size()) + " archs");
      for (size_t i = 0; i < archs.size(); ++i)
        t.add(archs[i], values[i], path + ": entry " + std::to_string(i));
    });
  } else {
    const CsvTable csv = read_csv(path);
    const size_t a = csv.column("arch_str"), v = csv.column(column);
    for (size_t r = 0; r < csv.rows.size(); ++r)
      t.add(csv.rows[r][a], csv.number(r, v), path + ": line " + std::to_string(r + 2));
  }
  if (t.values_.empty()) throw Error(path + ": the table has no rows");
  return t;
}

std::optional<double> TabularBenchmark::lookup(const std::string& arch) const {
  auto it = values_.find(arch);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<double> TabularBenchmark::lookup_isomorphic(const std::string& arch,
                                                          const std::string& key) const {
  if (auto v = lookup(arch)) return v;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second.first / it->second.second;
}

std::vector<std::string> TabularBenchmark::archs() const {
  std::vector<std::string> out;
  for (const auto& [a, v] : values_) out.push_back(a);
  return out;
}

}  // namespace tnas
