#pragma once
// Expected calibration error (ECE; Guo et al., "On Calibration of Modern Neural Networks", ICML 2017): the
// images binned by the confidence of their predicted class (the softmax maximum) into 15 equal-width bins,
// ECE = sum over bins of (the bin's images / all images) x |the bin's accuracy - its mean confidence|, in
// percent; 0 is perfectly calibrated. The trainer fills it in its validation pass (issue 30 item 3).
#include <array>
#include <cstdint>

namespace tnas {

class CalibrationBins {
 public:
  static constexpr int kBins = 15;
  void add(double confidence, bool correct);  // confidence in [0, 1]
  double expected_calibration_error() const;  // percent; 0 without images

 private:
  std::array<double, kBins> confidence_{}, correct_{};
  std::array<int64_t, kBins> count_{};
};

}  // namespace tnas
