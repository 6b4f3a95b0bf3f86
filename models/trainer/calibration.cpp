#include "models/trainer/calibration.h"

#include <algorithm>
#include <cmath>

namespace tnas {

void CalibrationBins::add(double confidence, bool correct) {
  // Bin b holds confidences in (b/15, (b+1)/15]; 0 goes to the first.
  const int bin = std::clamp(static_cast<int>(std::ceil(confidence * kBins)) - 1, 0, kBins - 1);
  confidence_[bin] += confidence;
  correct_[bin] += correct ? 1.0 : 0.0;
  ++count_[bin];
}

double CalibrationBins::expected_calibration_error() const {
  int64_t images = 0;
  for (int64_t n : count_) images += n;
  if (images == 0) return 0;
  double error = 0;
  for (int b = 0; b < kBins; ++b)
    if (count_[b] > 0) error += std::abs(correct_[b] - confidence_[b]) / static_cast<double>(images);
  return 100.0 * error;
}

}  // namespace tnas
