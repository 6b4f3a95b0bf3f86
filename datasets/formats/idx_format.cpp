#include "datasets/formats/idx_format.h"

#include <algorithm>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas {

ImageDataset read_idx(const std::string& images_path, const std::string& labels_path,
                      const std::vector<std::string>& class_names) {
  const auto images = read_file_bytes(images_path);
  const auto labels = read_file_bytes(labels_path);
  if (images.size() < 16)
    throw Error(images_path + ": truncated IDX header (" + std::to_string(images.size()) + " bytes)");
  if (read_be_u32(images.data()) != 0x803)
    throw Error(images_path +
                ": wrong magic number for IDX images (expected 0x00000803 = uint8, 3 dimensions)");
  if (labels.size() < 8)
    throw Error(labels_path + ": truncated IDX header (" + std::to_string(labels.size()) + " bytes)");
  if (read_be_u32(labels.data()) != 0x801)
    throw Error(labels_path +
                ": wrong magic number for IDX labels (expected 0x00000801 = uint8, 1 dimension)");

  const uint64_t n = read_be_u32(images.data() + 4), h = read_be_u32(images.data() + 8),
                 w = read_be_u32(images.data() + 12);
  const uint64_t nl = read_be_u32(labels.data() + 4);
  if (h == 0 || w == 0 || h > 4096 || w > 4096)
    throw Error(images_path + ": implausible image size " + std::to_string(h) + "x" + std::to_string(w));
  if (images.size() - 16 != n * h * w)
    throw Error(images_path + ": " + (images.size() - 16 < n * h * w ? "truncated" : "trailing bytes") +
                ": header says " + std::to_string(n) + " images of " + std::to_string(h) + "x" +
                std::to_string(w) + " (" + std::to_string(n * h * w) + " bytes), file holds " +
                std::to_string(images.size() - 16));
  if (labels.size() - 8 != nl)
    throw Error(labels_path + ": " + (labels.size() - 8 < nl ? "truncated" : "trailing bytes") +
                ": header says " + std::to_string(nl) + " labels, file holds " +
                std::to_string(labels.size() - 8));
  if (nl != n)
    throw Error(labels_path + ": holds " + std::to_string(nl) + " labels but " + images_path + " holds " +
                std::to_string(n) + " images");

  ImageDataset d;
  d.source = images_path;
  d.channels = 1;
  d.height = static_cast<int>(h);
  d.width = static_cast<int>(w);
  d.pixels.assign(images.begin() + 16, images.end());
  d.labels.assign(labels.begin() + 8, labels.end());
  const int max_label = d.labels.empty() ? -1 : *std::max_element(d.labels.begin(), d.labels.end());
  if (class_names.empty()) {
    d.class_names = numbered_class_names(max_label + 1);
  } else {
    if (max_label >= static_cast<int>(class_names.size()))
      throw Error(labels_path + ": label " + std::to_string(max_label) + " out of range for " +
                  std::to_string(class_names.size()) + " classes");
    d.class_names = class_names;
  }
  validate(d);
  return d;
}

}  // namespace tnas
