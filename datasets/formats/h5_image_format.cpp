#include "datasets/formats/h5_image_format.h"

#include "basics/error.h"
#include "datasets/formats/h5_io.h"

namespace tnas {

void write_h5_images(const std::string& path, const ImageDataset& data) {
  validate(data);
  h5::write_atomically(path, [&](H5::H5File& f) {
    h5::set_attr(f, "format", std::string("tnas-images"));
    h5::set_attr(f, "classes", static_cast<int64_t>(data.num_classes()));
    h5::set_attr(f, "source", data.source);
    const hsize_t n = static_cast<hsize_t>(data.size());
    h5::write(f, "images", data.pixels,
              {n, hsize_t(data.channels), hsize_t(data.height), hsize_t(data.width)});
    h5::write(f, "labels", data.labels);
    h5::write_strings(f, "class_names", data.class_names);
  });
}

ImageDataset read_h5_images(const std::string& path) {
  H5::H5File f = h5::open_read_only(path);
  ImageDataset d;
  h5::guarded(path, [&] {
    if (!h5::has_attr(f, "format") || h5::attr_string(f, "format") != "tnas-images")
      throw Error(path + ": not a tnas image file (attribute format != 'tnas-images')");
    std::vector<hsize_t> dims;
    d.pixels = h5::read<uint8_t>(f, "images", &dims);
    if (dims.size() != 4) throw Error(path + ": /images must be N x C x H x W");
    d.channels = static_cast<int>(dims[1]);
    d.height = static_cast<int>(dims[2]);
    d.width = static_cast<int>(dims[3]);
    d.labels = h5::read<int32_t>(f, "labels");
    if (d.labels.size() != dims[0])
      throw Error(path + ": /labels has " + std::to_string(d.labels.size()) + " entries, /images " +
                  std::to_string(dims[0]));
    const int64_t classes = h5::attr_int(f, "classes");
    d.class_names = h5::has(f, "class_names") ? h5::read_strings(f, "class_names")
                                              : numbered_class_names(static_cast<int>(classes));
    if (static_cast<int64_t>(d.class_names.size()) != classes)
      throw Error(path + ": attribute classes = " + std::to_string(classes) + " but /class_names has " +
                  std::to_string(d.class_names.size()) + " entries");
    d.source = h5::attr_string(f, "source");
  });
  d.source = path;
  validate(d);
  return d;
}

}  // namespace tnas
