#pragma once
// A tabular benchmark: architecture string -> accuracy (percent), from a CSV file (an `arch_str` column
// and a named accuracy column) or an HDF5 file (/arch_str vlen strings, /<column> numbers).
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tnas {

class TabularBenchmark {
 public:
  // Format by content (HDF5 signature) else CSV. Throws tnas::Error: missing file or column, duplicate
  // arch, malformed arch string, non-numeric value.
  static TabularBenchmark read(const std::string& path, const std::string& column);

  // Exact lookup by the arch's string form.
  std::optional<double> lookup(const std::string& arch) const;
  // Exact lookup, else the mean over the table's cells with the same isomorphism key.
  std::optional<double> lookup_isomorphic(const std::string& arch, const std::string& iso_key) const;

  size_t size() const { return values_.size(); }
  double max_value() const { return max_; }
  std::string best_arch() const { return best_; }
  const std::string& path() const { return path_; }
  const std::string& column() const { return column_; }
  std::vector<std::string> archs() const;

 private:
  void add(const std::string& arch, double value, const std::string& where);

  std::string path_, column_;
  std::unordered_map<std::string, double> values_;
  std::unordered_map<std::string, std::pair<double, int>> by_key_;  // iso key -> (sum, count)
  double max_ = -1e300;
  std::string best_;
};

}  // namespace tnas
