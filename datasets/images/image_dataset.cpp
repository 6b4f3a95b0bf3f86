#include "datasets/images/image_dataset.h"

#include <algorithm>
#include <cmath>

#include "basics/error.h"
#include "basics/memory_scope.h"

namespace tnas {

void validate(const ImageDataset& dataset) {
  const std::string where = dataset.source + ": ";
  if (dataset.channels != 1 && dataset.channels != 3)
    throw Error(where + "images must have 1 or 3 channels, got " + std::to_string(dataset.channels));
  if (dataset.height < 1 || dataset.width < 1) throw Error(where + "images have an empty shape");
  if (dataset.pixels.size() != dataset.labels.size() * dataset.image_bytes())
    throw Error(where + "pixel buffer holds " + std::to_string(dataset.pixels.size()) + " bytes, expected " +
                std::to_string(dataset.labels.size() * dataset.image_bytes()));
  if (dataset.class_names.empty()) throw Error(where + "no classes");
  for (size_t i = 0; i < dataset.labels.size(); ++i)
    if (dataset.labels[i] < 0 || dataset.labels[i] >= dataset.num_classes())
      throw Error(where + "label " + std::to_string(dataset.labels[i]) + " of image " + std::to_string(i) +
                  " is out of range 0.." + std::to_string(dataset.num_classes() - 1));
}

std::vector<std::string> numbered_class_names(int num_classes) {
  std::vector<std::string> names;
  for (int c = 0; c < num_classes; ++c) names.push_back(std::to_string(c));
  return names;
}

ImageDataset to_rgb(const ImageDataset& dataset) {
  if (dataset.channels == 3) return dataset;
  ImageDataset out = dataset;
  out.channels = 3;
  const size_t plane = static_cast<size_t>(dataset.height) * dataset.width;
  out.pixels.resize(static_cast<size_t>(dataset.size()) * 3 * plane);
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const uint8_t* src = dataset.image(i);
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(i) * 3 * plane;
    for (int c = 0; c < 3; ++c) std::copy(src, src + plane, dst + c * plane);
  }
  return out;
}

namespace {

// Weights of source pixels covering each destination pixel along one axis: the box [o*s, (o+1)*s).
struct Span {
  int first;
  std::vector<double> weights;
};

std::vector<Span> area_spans(int in, int out) {
  std::vector<Span> spans(out);
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double lo = o * scale, hi = (o + 1) * scale;
    const int first = static_cast<int>(std::floor(lo));
    const int last = std::min(in - 1, static_cast<int>(std::ceil(hi)) - 1);
    spans[o].first = first;
    for (int i = first; i <= last; ++i) {
      const double w = std::min(hi, i + 1.0) - std::max(lo, static_cast<double>(i));
      spans[o].weights.push_back(w / scale);
    }
  }
  return spans;
}

}  // namespace

ImageDataset resize_area(const ImageDataset& dataset, int resolution) {
  if (resolution < 1)
    throw Error(dataset.source + ": resize target must be >= 1, got " + std::to_string(resolution));
  if (dataset.height == resolution && dataset.width == resolution) return dataset;
  const auto ys = area_spans(dataset.height, resolution);
  const auto xs = area_spans(dataset.width, resolution);
  const MemoryScope scope(
      "resizing " + std::to_string(dataset.size()) + " images of " + dataset.source + " to " +
      std::to_string(resolution) + "x" + std::to_string(resolution) + " (" +
      std::to_string(static_cast<double>(dataset.size()) * dataset.channels * resolution * resolution / 1e9) +
      " GB)");
  ImageDataset out = dataset;
  out.height = out.width = resolution;
  out.pixels.assign(static_cast<size_t>(dataset.size()) * out.image_bytes(), 0);
  for (int64_t i = 0; i < dataset.size(); ++i) {
    for (int c = 0; c < dataset.channels; ++c) {
      const uint8_t* src = dataset.image(i) + static_cast<size_t>(c) * dataset.height * dataset.width;
      uint8_t* dst =
          out.pixels.data() + i * out.image_bytes() + static_cast<size_t>(c) * resolution * resolution;
      for (int oy = 0; oy < resolution; ++oy)
        for (int ox = 0; ox < resolution; ++ox) {
          double acc = 0;
          for (size_t a = 0; a < ys[oy].weights.size(); ++a)
            for (size_t b = 0; b < xs[ox].weights.size(); ++b)
              acc += ys[oy].weights[a] * xs[ox].weights[b] *
                     src[(ys[oy].first + a) * dataset.width + xs[ox].first + b];
          dst[oy * resolution + ox] = static_cast<uint8_t>(std::clamp(std::lround(acc), 0L, 255L));
        }
    }
  }
  return out;
}

ImageDataset select_images(const ImageDataset& dataset, const std::vector<int64_t>& indices) {
  ImageDataset out;
  out.source = dataset.source;
  out.channels = dataset.channels;
  out.height = dataset.height;
  out.width = dataset.width;
  out.class_names = dataset.class_names;
  out.pixels.resize(indices.size() * dataset.image_bytes());
  out.labels.resize(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k];
    if (i < 0 || i >= dataset.size())
      throw Error(dataset.source + ": image index " + std::to_string(i) + " out of range");
    std::copy(dataset.image(i), dataset.image(i) + dataset.image_bytes(),
              out.pixels.data() + k * dataset.image_bytes());
    out.labels[k] = dataset.labels[i];
  }
  return out;
}

ImageDataset keep_classes(const ImageDataset& dataset, const std::vector<int>& classes) {
  std::vector<int> new_label(dataset.num_classes(), -1);
  ImageDataset out;
  out.source = dataset.source;
  out.channels = dataset.channels;
  out.height = dataset.height;
  out.width = dataset.width;
  for (size_t k = 0; k < classes.size(); ++k) {
    if (classes[k] < 0 || classes[k] >= dataset.num_classes() || new_label[classes[k]] >= 0)
      throw Error(dataset.source + ": class " + std::to_string(classes[k]) + " is out of range or repeated");
    new_label[classes[k]] = static_cast<int>(k);
    out.class_names.push_back(dataset.class_names[classes[k]]);
  }
  for (int64_t i = 0; i < dataset.size(); ++i)
    if (const int l = new_label[dataset.labels[i]]; l >= 0) {
      out.pixels.insert(out.pixels.end(), dataset.image(i), dataset.image(i) + dataset.image_bytes());
      out.labels.push_back(l);
    }
  return out;
}

ClassIndex::ClassIndex(const ImageDataset& data) : by_class_(data.num_classes()) {
  for (int64_t i = 0; i < data.size(); ++i) by_class_.at(data.labels[i]).push_back(i);
}

}  // namespace tnas
