#include "datasets/tables/learning_curve_table.h"

#include <cmath>
#include <map>

#include "basics/error.h"
#include "datasets/formats/csv_table.h"

namespace tnas {

LearningCurveTable LearningCurveTable::read(const std::string& path,
                                            const std::function<void(const std::string&)>& check_arch) {
  const CsvTable csv = read_csv(path);
  const size_t arch = csv.column("arch"), epoch = csv.column("epoch"), valid = csv.column("valid_acc"),
               test = csv.column("test_acc"), seconds = csv.column("seconds");
  LearningCurveTable t;
  t.path_ = path;
  std::unordered_map<std::string, std::map<int, CurvePoint>> points;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string where = path + ":" + std::to_string(r + 2);  // line numbers count the header
    const std::string& a = csv.rows[r][arch];
    const long long e = csv.integer(r, epoch);
    CurvePoint p{csv.number(r, valid), csv.number(r, test), csv.number(r, seconds)};
    if (e < 1 || e > 100000)
      throw Error(where + ": epoch " + std::to_string(e) + " is not a positive epoch number");
    if (!(p.valid_acc >= 0 && p.valid_acc <= 100 && p.test_acc >= 0 && p.test_acc <= 100))
      throw Error(where + ": an accuracy outside [0, 100]");
    if (!(p.seconds >= 0 && std::isfinite(p.seconds)))
      throw Error(where + ": seconds must be a finite number >= 0");
    auto& curve = points[a];
    if (curve.empty()) {
      if (check_arch) try {
          check_arch(a);
        } catch (const Error& e) {
          throw Error(where + ": " + e.what());
        }
      t.archs_.push_back(a);
    }
    if (!curve.emplace(static_cast<int>(e), p).second)
      throw Error(where + ": epoch " + std::to_string(e) + " of " + a + " appears twice");
  }
  if (t.archs_.empty()) throw Error(path + ": no learning curves");
  for (const auto& a : t.archs_) {
    const auto& curve = points[a];
    const int last = curve.rbegin()->first;
    if (t.epochs_ == 0) t.epochs_ = last;
    if (last != t.epochs_ || static_cast<int>(curve.size()) != last)
      throw Error(path + ": the curve of " + a + " has epochs " + std::to_string(curve.begin()->first) +
                  ".." + std::to_string(last) + " (" + std::to_string(curve.size()) +
                  " of them), the table's curves have epochs 1.." + std::to_string(t.epochs_));
    std::vector<CurvePoint>& v = t.curves_[a];
    for (const auto& [e, p] : curve) v.push_back(p);
  }
  return t;
}

const std::vector<CurvePoint>* LearningCurveTable::curve(const std::string& arch) const {
  const auto it = curves_.find(arch);
  return it == curves_.end() ? nullptr : &it->second;
}

}  // namespace tnas
