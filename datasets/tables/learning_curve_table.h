#pragma once
// A learning-curve table (our multi-fidelity oracle, written by `meta_train collect --curves`): for each
// configuration, every epoch 1..E of one training run with its validation and test accuracy (percent) and
// the seconds that epoch's training took. CSV with the columns arch,epoch,valid_acc,test_acc,seconds; the
// settings it was collected with are in FILE.json beside it.
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tnas {

struct CurvePoint {
  double valid_acc = 0, test_acc = 0, seconds = 0;
};

class LearningCurveTable {
 public:
  // Throws tnas::Error naming the file (and line) for a missing column, a bad number, an accuracy outside
  // [0, 100], negative seconds, a repeated epoch, a configuration that `check_arch` refuses (it throws
  // tnas::Error; checked at its first line, before the curves' lengths, so that a malformed configuration is
  // not reported as a short curve), or a configuration whose epochs are not 1..E with one E for the table.
  static LearningCurveTable read(const std::string& path,
                                 const std::function<void(const std::string&)>& check_arch = nullptr);

  const std::string& path() const { return path_; }
  int epochs() const { return epochs_; }
  // Configurations in file order.
  const std::vector<std::string>& archs() const { return archs_; }
  // The curve of a configuration (epochs 1..E at [0..E-1]); nullptr when the table lacks it.
  const std::vector<CurvePoint>* curve(const std::string& arch) const;

 private:
  std::string path_;
  int epochs_ = 0;
  std::vector<std::string> archs_;
  std::unordered_map<std::string, std::vector<CurvePoint>> curves_;
};

}  // namespace tnas
