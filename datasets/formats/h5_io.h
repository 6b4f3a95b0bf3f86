#pragma once
// Internal helpers over the HDF5 C++ API for the formats in this folder. Included only by .cpp files,
// so <H5Cpp.h> stays out of public headers.
#include <H5Cpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tnas::h5 {

// Runs `body`, turning any HDF5 exception into a one-line tnas::Error naming `path`. HDF5's own error
// stack printing is switched off for the whole process.
void guarded(const std::string& path, const std::function<void()>& body);

// Writes a file atomically: `fill` writes into a fresh file at path + ".tmp", which is then closed,
// fsync'ed and renamed over `path`.
void write_atomically(const std::string& path, const std::function<void(H5::H5File&)>& fill);

H5::H5File open_read_only(const std::string& path);  // throws tnas::Error for a missing / non-HDF5 file

template <typename T>
H5::PredType type_of();

template <typename T>
void write(H5::Group& where, const std::string& name, const std::vector<T>& values,
           const std::vector<hsize_t>& dims);
template <typename T>
void write(H5::Group& where, const std::string& name, const std::vector<T>& values) {
  write(where, name, values, {values.size()});
}
void write_strings(H5::Group& where, const std::string& name, const std::vector<std::string>& values);

// Reads a whole dataset as T (HDF5 converts numeric types); `dims` receives its shape.
template <typename T>
std::vector<T> read(const H5::Group& where, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::vector<std::string> read_strings(const H5::Group& where, const std::string& name);
bool has(const H5::Group& where, const std::string& name);

void set_attr(H5::H5Object& obj, const std::string& name, const std::string& value);
void set_attr(H5::H5Object& obj, const std::string& name, int64_t value);
std::string attr_string(const H5::H5Object& obj, const std::string& name);
int64_t attr_int(const H5::H5Object& obj, const std::string& name);
bool has_attr(const H5::H5Object& obj, const std::string& name);

}  // namespace tnas::h5
