#include "datasets/formats/numpy_npz.h"

#include <zlib.h>

#include <cstring>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas {
namespace {

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint64_t le64(const uint8_t* p) { return le32(p) | (uint64_t(le32(p + 4)) << 32); }

// Value of `key` in a numpy header dict such as {'descr': '<i8', 'fortran_order': False, 'shape': (3, 4), }.
std::string header_value(const std::string& header, const std::string& key, const std::string& what) {
  const size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) throw Error(what + ": npy header lacks '" + key + "'");
  size_t v = header.find(':', k);
  if (v == std::string::npos) throw Error(what + ": malformed npy header");
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  if (v >= header.size()) throw Error(what + ": malformed npy header");
  size_t end;
  if (header[v] == '\'') {
    end = header.find('\'', v + 1);
    if (end == std::string::npos) throw Error(what + ": malformed npy header");
    return header.substr(v + 1, end - v - 1);
  }
  if (header[v] == '(') {
    end = header.find(')', v);
    if (end == std::string::npos) throw Error(what + ": malformed npy header");
    return header.substr(v, end - v + 1);
  }
  end = header.find_first_of(",}", v);
  if (end == std::string::npos) throw Error(what + ": malformed npy header");
  return header.substr(v, end - v);
}

std::string inflate_raw(const uint8_t* data, size_t size, uint64_t expected, const std::string& what) {
  // deflate cannot expand data more than ~1032x: a larger claim is a corrupt header, not a reason to
  // allocate.
  if (expected > 1100 * static_cast<uint64_t>(size) + 1024)
    throw Error(what + ": implausible uncompressed size");
  std::string out(expected, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) throw Error(what + ": cannot initialise zlib");
  zs.next_in = const_cast<uint8_t*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(expected);
  const int rc = inflate(&zs, Z_FINISH);
  const bool ok = rc == Z_STREAM_END && zs.total_out == expected;
  inflateEnd(&zs);
  if (!ok) throw Error(what + ": corrupt deflate data");
  return out;
}

}  // namespace

NumpyArray parse_npy(const std::string& b, const std::string& what) {
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0)
    throw Error(what + ": wrong magic (not .npy)");
  const auto* u = reinterpret_cast<const uint8_t*>(b.data());
  const int major = u[6];
  size_t header_len, offset;
  if (major == 1) {
    header_len = le16(u + 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) throw Error(what + ": truncated npy header");
    header_len = le32(u + 8);
    offset = 12;
  } else {
    throw Error(what + ": unsupported npy format version " + std::to_string(major));
  }
  if (offset + header_len > b.size()) throw Error(what + ": truncated npy header");
  const std::string header = b.substr(offset, header_len);
  NumpyArray a;
  a.dtype = header_value(header, "descr", what);
  a.fortran_order = header_value(header, "fortran_order", what) == "True";
  const std::string shape = header_value(header, "shape", what);
  for (size_t p = 1; p < shape.size();) {
    const size_t q = shape.find_first_of(",)", p);
    if (q == std::string::npos) break;
    std::string dim = shape.substr(p, q - p);
    dim.erase(0, dim.find_first_not_of(' '));
    if (!dim.empty()) {
      try {
        a.shape.push_back(std::stoll(dim));
      } catch (...) {
        throw Error(what + ": bad shape " + shape);
      }
      if (a.shape.back() < 0 || a.shape.back() > (int64_t(1) << 40))
        throw Error(what + ": bad shape " + shape);
    }
    p = q + 1;
  }
  if (a.dtype.size() < 2 || a.dtype[0] == '>') throw Error(what + ": unsupported dtype '" + a.dtype + "'");
  int64_t item = 0;
  try {
    item = std::stoll(a.dtype.substr(2));
  } catch (...) {
    throw Error(what + ": unsupported dtype '" + a.dtype + "'");
  }
  a.data = b.substr(offset + header_len);
  if (item <= 0 || static_cast<int64_t>(a.data.size()) != a.size() * item)
    throw Error(what + ": array data holds " + std::to_string(a.data.size()) + " bytes, shape " + shape +
                " of dtype " + a.dtype + " needs " + std::to_string(a.size() * item));
  return a;
}

std::map<std::string, NumpyArray> read_npz(const std::string& path) {
  const auto z = read_file_bytes(path);
  // End of central directory: signature 0x06054b50, at most 64 KiB of comment after it.
  if (z.size() < 22) throw Error(path + ": too small to be an .npz (zip) file");
  size_t eocd = std::string::npos;
  for (size_t p = z.size() - 22 + 1; p-- > 0 && z.size() - p <= 22 + 65535;)
    if (le32(&z[p]) == 0x06054b50) {
      eocd = p;
      break;
    }
  if (eocd == std::string::npos) throw Error(path + ": not a zip archive (no end of central directory)");
  uint64_t entries = le16(&z[eocd + 10]);
  uint64_t cd_offset = le32(&z[eocd + 16]);
  if (cd_offset == 0xFFFFFFFF || entries == 0xFFFF) {  // zip64 end of central directory
    if (eocd < 20 || le32(&z[eocd - 20]) != 0x07064b50) throw Error(path + ": corrupt zip64 locator");
    const uint64_t z64 = le64(&z[eocd - 20 + 8]);
    if (z64 + 56 > z.size() || le32(&z[z64]) != 0x06064b50) throw Error(path + ": corrupt zip64 directory");
    entries = le64(&z[z64 + 32]);
    cd_offset = le64(&z[z64 + 48]);
  }
  std::map<std::string, NumpyArray> out;
  size_t p = cd_offset;
  for (uint64_t e = 0; e < entries; ++e) {
    const size_t entry = p;
    if (p + 46 > z.size() || le32(&z[p]) != 0x02014b50) throw Error(path + ": corrupt zip central directory");
    const uint16_t method = le16(&z[p + 10]);
    uint64_t csize = le32(&z[p + 20]), usize = le32(&z[p + 24]);
    const uint16_t name_len = le16(&z[p + 28]), extra_len = le16(&z[p + 30]), comment_len = le16(&z[p + 32]);
    uint64_t local = le32(&z[p + 42]);
    if (p + 46 + name_len + extra_len > z.size()) throw Error(path + ": corrupt zip central directory");
    const std::string name(reinterpret_cast<const char*>(&z[p + 46]), name_len);
    for (size_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {  // zip64 extra field
      const uint16_t id = le16(&z[x]), len = le16(&z[x + 2]);
      size_t f = x + 4;
      if (f + len > p + 46 + name_len + extra_len) break;
      if (id == 0x0001) {
        if (usize == 0xFFFFFFFF && f + 8 <= x + 4 + len) usize = le64(&z[f]), f += 8;
        if (csize == 0xFFFFFFFF && f + 8 <= x + 4 + len) csize = le64(&z[f]), f += 8;
        if (local == 0xFFFFFFFF && f + 8 <= x + 4 + len) local = le64(&z[f]), f += 8;
      }
      x += 4 + len;
    }
    p += 46 + name_len + extra_len + comment_len;
    const std::string what = path + ":" + name;
    if (local + 30 > z.size() || le32(&z[local]) != 0x04034b50)
      throw Error(what + ": corrupt local zip header");
    const size_t data = local + 30 + le16(&z[local + 26]) + le16(&z[local + 28]);
    if (data > z.size() || csize > z.size() - data) throw Error(what + ": truncated zip member");
    std::string blob;
    if (method == 0) {
      if (csize != usize) throw Error(what + ": stored member with mismatched sizes");
      blob.assign(reinterpret_cast<const char*>(&z[data]), csize);
    } else if (method == 8) {
      blob = inflate_raw(&z[data], csize, usize, what);
    } else {
      throw Error(what + ": unsupported zip compression method " + std::to_string(method));
    }
    if (crc32(0, reinterpret_cast<const Bytef*>(blob.data()), static_cast<uInt>(blob.size())) !=
        le32(&z[entry + 16]))
      throw Error(what + ": CRC mismatch (corrupt data)");
    std::string key = name;
    if (key.size() > 4 && key.substr(key.size() - 4) == ".npy") key.resize(key.size() - 4);
    out[key] = parse_npy(blob, what);
  }
  return out;
}

}  // namespace tnas
