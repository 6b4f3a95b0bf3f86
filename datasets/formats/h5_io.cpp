#include "datasets/formats/h5_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas::h5 {

void guarded(const std::string& path, const std::function<void()>& body) {
  static const bool quiet = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  (void)quiet;
  try {
    body();
  } catch (const H5::Exception& e) {
    std::string detail = e.getDetailMsg();
    if (detail.empty()) detail = e.getFuncName();
    throw Error(path + ": HDF5 error: " + detail + " (corrupt file or wrong layout)");
  }
}

H5::H5File open_read_only(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw Error(path + ": no such file");
  H5::H5File file;
  guarded(path, [&] {
    if (!H5::H5File::isHdf5(path.c_str())) throw Error(path + ": not an HDF5 file");
    file.openFile(path, H5F_ACC_RDONLY);
  });
  return file;
}

namespace {

// Bob Jenkins' lookup3 hashlittle(), HDF5's metadata checksum (H5_checksum_lookup3 with initval 0).
uint32_t lookup3(const uint8_t* data, size_t length) {
  const auto rot = [](uint32_t x, int k) { return (x << k) | (x >> (32 - k)); };
  uint32_t a, b, c;
  a = b = c = 0xdeadbeef + static_cast<uint32_t>(length);
  const auto word = [&](size_t at) {
    return uint32_t(data[at]) | uint32_t(data[at + 1]) << 8 | uint32_t(data[at + 2]) << 16 |
           uint32_t(data[at + 3]) << 24;
  };
  for (; length > 12; length -= 12, data += 12) {
    a += word(0), b += word(4), c += word(8);
    a -= c, a ^= rot(c, 4), c += b;
    b -= a, b ^= rot(a, 6), a += c;
    c -= b, c ^= rot(b, 8), b += a;
    a -= c, a ^= rot(c, 16), c += b;
    b -= a, b ^= rot(a, 19), a += c;
    c -= b, c ^= rot(b, 4), b += a;
  }
  if (length == 0) return c;
  uint8_t tail[12] = {};
  std::memcpy(tail, data, length);
  data = tail;
  a += word(0), b += word(4), c += word(8);
  c ^= b, c -= rot(b, 14);
  a ^= c, a -= rot(c, 11);
  b ^= a, b -= rot(a, 25);
  c ^= b, c -= rot(b, 16);
  a ^= c, a -= rot(c, 4);
  b ^= a, b -= rot(a, 14);
  c ^= b, c -= rot(b, 24);
  return c;
}

// HDF5 1.10 clears the "open for writing" flag in the image of a file still open, but leaves the
// superblock's checksum as it was computed with the flag set: the image would not open. Recomputes it
// (superblock version 2 or 3 at offset 0: 12 bytes, four addresses, then the checksum).
void repair_superblock_checksum(std::vector<uint8_t>& image, const std::string& path) {
  if (image.size() < 12 || (image[8] != 2 && image[8] != 3))
    throw Error(path + ": unexpected HDF5 superblock version in the file image");
  const size_t checksummed = 12 + 4 * static_cast<size_t>(image[9]);
  if (image.size() < checksummed + 4) throw Error(path + ": truncated HDF5 file image");
  const uint32_t sum = lookup3(image.data(), checksummed);
  for (int k = 0; k < 4; ++k) image[checksummed + k] = static_cast<uint8_t>(sum >> (8 * k));
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(H5::H5File&)>& fill) {
  // The file is built in memory (HDF5's core driver without a backing store) and its image written by
  // write_file_atomically: HDF5 never touches the disk, so a full disk is one error naming the file (HDF5's
  // own close crashed on ENOSPC) and no temporary file is left behind.
  std::vector<uint8_t> image;
  guarded(path, [&] {
    // The v1.10 file format checksums all metadata (superblock v3, object headers v2), so a corrupt file
    // is reported as such instead of being decoded.
    H5::FileAccPropList access;
    access.setLibverBounds(H5F_LIBVER_V110, H5F_LIBVER_V110);
    access.setCore(1 << 20, false);
    H5::H5File file(path + ".in-memory", H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
    fill(file);
    file.flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
    if (size < 0) throw Error("cannot take the HDF5 file image");
    image.resize(static_cast<size_t>(size));
    if (H5Fget_file_image(file.getId(), image.data(), image.size()) != size)
      throw Error("cannot take the HDF5 file image");
    file.close();
  });
  repair_superblock_checksum(image, path);
  write_file_atomically(path, image);
}

template <>
H5::PredType type_of<uint8_t>() {
  return H5::PredType::NATIVE_UINT8;
}
template <>
H5::PredType type_of<int32_t>() {
  return H5::PredType::NATIVE_INT32;
}
template <>
H5::PredType type_of<int64_t>() {
  return H5::PredType::NATIVE_INT64;
}
template <>
H5::PredType type_of<uint64_t>() {
  return H5::PredType::NATIVE_UINT64;
}
template <>
H5::PredType type_of<float>() {
  return H5::PredType::NATIVE_FLOAT;
}
template <>
H5::PredType type_of<double>() {
  return H5::PredType::NATIVE_DOUBLE;
}

template <typename T>
void write(H5::Group& where, const std::string& name, const std::vector<T>& values,
           const std::vector<hsize_t>& dims) {
  // Every dataset is chunked with a Fletcher-32 checksum, so corrupt raw data is reported, not returned.
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  const std::vector<hsize_t> max_dims(dims.size(), H5S_UNLIMITED);
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data(), max_dims.data());
  std::vector<hsize_t> chunk = dims;
  const hsize_t row = dims[0] == 0 ? 1 : std::max<hsize_t>(1, total / dims[0]);
  for (auto& c : chunk) c = std::max<hsize_t>(1, c);
  chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(std::max<hsize_t>(dims[0], 1), (hsize_t(1) << 18) / row));
  H5::DSetCreatPropList props;
  props.setChunk(static_cast<int>(chunk.size()), chunk.data());
  if (total >= 4096) {
    props.setShuffle();
    props.setDeflate(4);
  }
  props.setFletcher32();
  H5::DataSet ds = where.createDataSet(name, type_of<T>(), space, props);
  if (total > 0) ds.write(values.data(), type_of<T>());
}

template <typename T>
std::vector<T> read(const H5::Group& where, const std::string& name, std::vector<hsize_t>* dims) {
  if (!has(where, name)) throw H5::Exception("read", "missing dataset '" + name + "'");
  H5::DataSet ds = where.openDataSet(name);
  H5::DataSpace space = ds.getSpace();
  const int rank = space.getSimpleExtentNdims();
  if (rank < 0 || rank > 8) throw H5::Exception("read", "dataset '" + name + "' has an invalid rank");
  std::vector<hsize_t> shape(rank);
  space.getSimpleExtentDims(shape.data());
  hsize_t total = 1;
  for (hsize_t d : shape) total *= d;
  // A corrupt header can claim any shape; deflate compresses at most ~1032x, so a claim far beyond the
  // stored bytes is corruption, not a reason to allocate.
  if (total * sizeof(T) > 1100 * ds.getStorageSize() + (1 << 20))
    throw H5::Exception("read", "dataset '" + name + "' claims more data than the file stores");
  std::vector<T> out(total);
  if (total > 0) ds.read(out.data(), type_of<T>());
  if (dims) *dims = shape;
  return out;
}

void write_strings(H5::Group& where, const std::string& name, const std::vector<std::string>& values) {
  // Fixed-length strings: vlen strings live in HDF5's global heap, which has no checksum (a corrupt
  // heap crashed the library in our corruption test).
  size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  H5::StrType type(H5::PredType::C_S1, width);
  type.setStrpad(H5T_STR_NULLPAD);
  type.setCset(H5T_CSET_UTF8);
  hsize_t n = values.size();
  const hsize_t max_n = H5S_UNLIMITED, chunk = std::max<hsize_t>(1, std::min<hsize_t>(n, 4096));
  H5::DataSpace space(1, &n, &max_n);
  H5::DSetCreatPropList props;
  props.setChunk(1, &chunk);
  props.setFletcher32();
  H5::DataSet ds = where.createDataSet(name, type, space, props);
  std::string buffer(n * width, '\0');
  for (size_t i = 0; i < n; ++i) std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * width);
  if (n > 0) ds.write(buffer.data(), type);
}

std::vector<std::string> read_strings(const H5::Group& where, const std::string& name) {
  if (!has(where, name)) throw H5::Exception("read_strings", "missing dataset '" + name + "'");
  H5::DataSet ds = where.openDataSet(name);
  H5::DataSpace space = ds.getSpace();
  if (space.getSimpleExtentNdims() != 1) throw H5::Exception("read_strings", "'" + name + "' is not 1-D");
  hsize_t n = 0;
  space.getSimpleExtentDims(&n);
  if (ds.getTypeClass() != H5T_STRING)
    throw H5::Exception("read_strings", "'" + name + "' is not a string dataset");
  std::vector<std::string> out;
  H5::StrType stored = ds.getStrType();
  if (stored.isVariableStr()) {  // files written by other tools (h5py, pandas)
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    std::vector<char*> ptrs(n, nullptr);
    if (n > 0) ds.read(ptrs.data(), type);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) H5::DataSet::vlenReclaim(ptrs.data(), type, space);
    return out;
  }
  const size_t width = stored.getSize();
  if (n * width > 1100 * ds.getStorageSize() + (1 << 20))
    throw H5::Exception("read_strings", "dataset '" + name + "' claims more data than the file stores");
  H5::StrType type(H5::PredType::C_S1, width);
  type.setStrpad(H5T_STR_NULLPAD);
  type.setCset(stored.getCset());  // HDF5 converts no character sets
  std::string buffer(n * width, '\0');
  if (n > 0) ds.read(buffer.data(), type);
  for (size_t i = 0; i < n; ++i) {
    std::string v = buffer.substr(i * width, width);
    v.resize(std::strlen(v.c_str()));
    out.push_back(std::move(v));
  }
  return out;
}

bool has(const H5::Group& where, const std::string& name) {
  return H5Lexists(where.getId(), name.c_str(), H5P_DEFAULT) > 0;
}

void set_attr(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, std::max<size_t>(1, value.size()));  // fixed length: see write_strings
  type.setStrpad(H5T_STR_NULLPAD);
  type.setCset(H5T_CSET_UTF8);
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void set_attr(H5::H5Object& obj, const std::string& name, int64_t value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

std::string attr_string(const H5::H5Object& obj, const std::string& name) {
  if (!has_attr(obj, name)) throw H5::Exception("attr", "missing attribute '" + name + "'");
  H5::Attribute a = obj.openAttribute(name);
  if (a.getTypeClass() != H5T_STRING) throw H5::Exception("attr", "attribute '" + name + "' is not a string");
  std::string value;
  H5::StrType stored = a.getStrType();
  if (stored.isVariableStr()) {
    a.read(stored, value);
    return value;
  }
  std::string buffer(stored.getSize(), '\0');
  a.read(stored, buffer.data());
  buffer.resize(std::strlen(buffer.c_str()));
  return buffer;
}

int64_t attr_int(const H5::H5Object& obj, const std::string& name) {
  if (!has_attr(obj, name)) throw H5::Exception("attr", "missing attribute '" + name + "'");
  H5::Attribute a = obj.openAttribute(name);
  if (a.getTypeClass() != H5T_INTEGER)
    throw H5::Exception("attr", "attribute '" + name + "' is not an integer");
  int64_t v = 0;
  a.read(H5::PredType::NATIVE_INT64, &v);
  return v;
}

bool has_attr(const H5::H5Object& obj, const std::string& name) { return obj.attrExists(name); }

template void write<uint8_t>(H5::Group&, const std::string&, const std::vector<uint8_t>&,
                             const std::vector<hsize_t>&);
template void write<int32_t>(H5::Group&, const std::string&, const std::vector<int32_t>&,
                             const std::vector<hsize_t>&);
template void write<int64_t>(H5::Group&, const std::string&, const std::vector<int64_t>&,
                             const std::vector<hsize_t>&);
template void write<uint64_t>(H5::Group&, const std::string&, const std::vector<uint64_t>&,
                              const std::vector<hsize_t>&);
template void write<float>(H5::Group&, const std::string&, const std::vector<float>&,
                           const std::vector<hsize_t>&);
template void write<double>(H5::Group&, const std::string&, const std::vector<double>&,
                            const std::vector<hsize_t>&);
template std::vector<uint8_t> read<uint8_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<int32_t> read<int32_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<int64_t> read<int64_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<uint64_t> read<uint64_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<float> read<float>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<double> read<double>(const H5::Group&, const std::string&, std::vector<hsize_t>*);

}  // namespace tnas::h5
