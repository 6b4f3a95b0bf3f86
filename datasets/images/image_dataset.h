#pragma once
// Images in memory: uint8 pixels in N x C x H x W order, one int label per image, and class names.
#include <cstdint>
#include <string>
#include <vector>

namespace tnas {

struct ImageDataset {
  std::string source;  // where it came from (a dataset spec or a path)
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;           // size() * channels * height * width
  std::vector<int32_t> labels;           // in 0 .. num_classes()-1
  std::vector<std::string> class_names;  // num_classes() entries

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  int num_classes() const { return static_cast<int>(class_names.size()); }
  size_t image_bytes() const { return static_cast<size_t>(channels) * height * width; }
  const uint8_t* image(int64_t i) const { return pixels.data() + static_cast<size_t>(i) * image_bytes(); }
};

// Checks sizes and label range; throws tnas::Error naming `source` and the problem.
void validate(const ImageDataset& data);

// Class names "0", "1", ... for datasets that ship none.
std::vector<std::string> numbered_class_names(int num_classes);

// Grayscale (1 channel) replicated to 3 channels; 3-channel data is returned unchanged.
ImageDataset to_rgb(const ImageDataset& data);

// Area-average resize to resolution x resolution (exact box filter with fractional pixel weights).
ImageDataset resize_area(const ImageDataset& data, int resolution);

// Only the images with the given indices, in that order (labels and class names kept).
ImageDataset select_images(const ImageDataset& data, const std::vector<int64_t>& indices);

// Only the images of the given classes, relabelled 0..classes.size()-1 in that order (names follow).
ImageDataset keep_classes(const ImageDataset& data, const std::vector<int>& classes);

// Per class, the indices of its images in ascending order; built once, so sampling a few classes
// from a large source does not scan the whole set.
class ClassIndex {
 public:
  explicit ClassIndex(const ImageDataset& data);
  const std::vector<int64_t>& images_of(int label) const { return by_class_.at(label); }
  int num_classes() const { return static_cast<int>(by_class_.size()); }

 private:
  std::vector<std::vector<int64_t>> by_class_;
};

}  // namespace tnas
