#pragma once
// A CSV file in memory: a header row and string cells (RFC 4180 quoting; CR-LF tolerated).
#include <string>
#include <vector>

namespace tnas {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Index of a column; throws tnas::Error naming the file and the available columns.
  size_t column(const std::string& name) const;
  // Cell as a number; throws tnas::Error naming file, line and column.
  double number(size_t row, size_t col) const;
  long long integer(size_t row, size_t col) const;
};

// Throws tnas::Error for a missing file, an empty file, or a row whose field count differs from the header.
CsvTable read_csv(const std::string& path);

}  // namespace tnas
