#pragma once
// Subtasks: k classes and n images per class from one source, split into train / valid / test, all
// determined by one seed (the same seed draws the same images on any machine).
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/images/image_dataset.h"

namespace tnas {

struct SubtaskConfig {
  int classes = 5;              // k
  int images_per_class = 100;   // n
  double valid_fraction = 0.2;  // of each class's n images
  double test_fraction = 0.0;   // of each class's n images
};

struct Subtask {
  std::string source;  // the source's spec, recorded so sources never mix silently
  uint64_t seed = 0;
  std::vector<int> classes;  // source class ids; subtask label i = classes[i]
  int images_per_class = 0;
  std::vector<int64_t> train, valid, test;  // indices into the source
};

// Throws tnas::Error when k exceeds the source's classes, a class has fewer than n images, or the
// fractions leave no training image.
Subtask sample_subtask(const ImageDataset& source, const ClassIndex& index, const SubtaskConfig& config,
                       uint64_t seed);
// The same with given classes (e.g. MetaD2A's task class lists); only the images are drawn.
Subtask sample_subtask_with_classes(const ImageDataset& source, const ClassIndex& index,
                                    const std::vector<int>& classes, const SubtaskConfig& config,
                                    uint64_t seed);

// The images of one split ("train", "valid", "test") with labels remapped to 0..k-1.
ImageDataset subtask_images(const ImageDataset& source, const Subtask& task, const std::string& split);

}  // namespace tnas
