#include "datasets/h5_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "datasets/binary_file.h"
#include "graphs/error.h"

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

void write_atomically(const std::string& path, const std::function<void(H5::H5File&)>& fill) {
  const std::string tmp = path + ".tmp";
  guarded(path, [&] {
    H5::H5File file(tmp, H5F_ACC_TRUNC);
    fill(file);
    file.close();
  });
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(path + ": cannot rename " + tmp + " into place");
  sync_parent_dir(path);
}

template <> H5::PredType type_of<uint8_t>() { return H5::PredType::NATIVE_UINT8; }
template <> H5::PredType type_of<int32_t>() { return H5::PredType::NATIVE_INT32; }
template <> H5::PredType type_of<int64_t>() { return H5::PredType::NATIVE_INT64; }
template <> H5::PredType type_of<uint64_t>() { return H5::PredType::NATIVE_UINT64; }
template <> H5::PredType type_of<float>() { return H5::PredType::NATIVE_FLOAT; }
template <> H5::PredType type_of<double>() { return H5::PredType::NATIVE_DOUBLE; }

template <typename T>
void write(H5::Group& where, const std::string& name, const std::vector<T>& values,
           const std::vector<hsize_t>& dims) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DSetCreatPropList props;
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (total >= 4096) {  // compress large arrays (images, feature caches)
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], (1u << 20) / std::max<hsize_t>(1, total / dims[0])));
    props.setChunk(static_cast<int>(chunk.size()), chunk.data());
    props.setShuffle();
    props.setDeflate(4);
  }
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
  if (total > (hsize_t(1) << 34)) throw H5::Exception("read", "dataset '" + name + "' is implausibly large");
  std::vector<T> out(total);
  if (total > 0) ds.read(out.data(), type_of<T>());
  if (dims) *dims = shape;
  return out;
}

void write_strings(H5::Group& where, const std::string& name, const std::vector<std::string>& values) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  H5::DataSet ds = where.createDataSet(name, type, space);
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  if (n > 0) ds.write(ptrs.data(), type);
}

std::vector<std::string> read_strings(const H5::Group& where, const std::string& name) {
  if (!has(where, name)) throw H5::Exception("read_strings", "missing dataset '" + name + "'");
  H5::DataSet ds = where.openDataSet(name);
  H5::DataSpace space = ds.getSpace();
  if (space.getSimpleExtentNdims() != 1) throw H5::Exception("read_strings", "'" + name + "' is not 1-D");
  hsize_t n = 0;
  space.getSimpleExtentDims(&n);
  if (ds.getTypeClass() != H5T_STRING) throw H5::Exception("read_strings", "'" + name + "' is not a string dataset");
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  std::vector<char*> ptrs(n, nullptr);
  if (n > 0) ds.read(ptrs.data(), type);
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n > 0) H5::DataSet::vlenReclaim(ptrs.data(), type, space);
  return out;
}

bool has(const H5::Group& where, const std::string& name) {
  return H5Lexists(where.getId(), name.c_str(), H5P_DEFAULT) > 0;
}

void set_attr(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
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
  a.read(a.getStrType(), value);
  return value;
}

int64_t attr_int(const H5::H5Object& obj, const std::string& name) {
  if (!has_attr(obj, name)) throw H5::Exception("attr", "missing attribute '" + name + "'");
  H5::Attribute a = obj.openAttribute(name);
  if (a.getTypeClass() != H5T_INTEGER) throw H5::Exception("attr", "attribute '" + name + "' is not an integer");
  int64_t v = 0;
  a.read(H5::PredType::NATIVE_INT64, &v);
  return v;
}

bool has_attr(const H5::H5Object& obj, const std::string& name) { return obj.attrExists(name); }

template void write<uint8_t>(H5::Group&, const std::string&, const std::vector<uint8_t>&, const std::vector<hsize_t>&);
template void write<int32_t>(H5::Group&, const std::string&, const std::vector<int32_t>&, const std::vector<hsize_t>&);
template void write<int64_t>(H5::Group&, const std::string&, const std::vector<int64_t>&, const std::vector<hsize_t>&);
template void write<uint64_t>(H5::Group&, const std::string&, const std::vector<uint64_t>&, const std::vector<hsize_t>&);
template void write<float>(H5::Group&, const std::string&, const std::vector<float>&, const std::vector<hsize_t>&);
template void write<double>(H5::Group&, const std::string&, const std::vector<double>&, const std::vector<hsize_t>&);
template std::vector<uint8_t> read<uint8_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<int32_t> read<int32_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<int64_t> read<int64_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<uint64_t> read<uint64_t>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<float> read<float>(const H5::Group&, const std::string&, std::vector<hsize_t>*);
template std::vector<double> read<double>(const H5::Group&, const std::string&, std::vector<hsize_t>*);

}  // namespace tnas::h5
