#include "datasets/formats/csv_table.h"

#include <cmath>
#include <cstdlib>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas {

size_t CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string known;
  for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
  throw Error(path + ": missing column '" + name + "' (columns: " + known + ")");
}

double CsvTable::number(size_t row, size_t col) const {
  const std::string& s = rows.at(row).at(col);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v))
    throw Error(path + ": line " + std::to_string(row + 2) + ", column '" + header[col] + "': '" + s +
                "' is not a finite number");
  return v;
}

long long CsvTable::integer(size_t row, size_t col) const {
  const std::string& s = rows.at(row).at(col);
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0')
    throw Error(path + ": line " + std::to_string(row + 2) + ", column '" + header[col] + "': '" + s +
                "' is not an integer");
  return v;
}

CsvTable read_csv(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  CsvTable t;
  t.path = path;
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1;
  auto end_field = [&] {
    record.push_back(field);
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(record.size() == 1 && record[0].empty())) records.push_back(record);  // skip blank lines
    record.clear();
  };
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = static_cast<char>(bytes[i]);
    if (quoted) {
      if (c == '"') {
        if (i + 1 < bytes.size() && bytes[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_record();
      ++line;
    } else if (c == '\r') {
      // tolerated before '\n'
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw Error(path + ": unterminated quoted field at line " + std::to_string(line));
  if (!field.empty() || !record.empty()) end_record();
  if (records.empty()) throw Error(path + ": empty CSV file (no header)");
  t.header = records[0];
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != t.header.size())
      throw Error(path + ": record " + std::to_string(r + 1) + " has " + std::to_string(records[r].size()) +
                  " fields, the header has " + std::to_string(t.header.size()));
    t.rows.push_back(std::move(records[r]));
  }
  return t;
}

}  // namespace tnas
