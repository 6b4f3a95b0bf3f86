#pragma once
// Writers of small dataset files in the exact on-disk layouts, for the datasets tests.
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "basics/rng.h"
#include "datasets/images/image_dataset.h"

namespace tnas::test {

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string be32(uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 255), char((v >> 8) & 255), char(v & 255)};
}
inline std::string le16(uint32_t v) { return {char(v & 255), char((v >> 8) & 255)}; }
inline std::string le32(uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }

inline std::string gzip(const std::string& raw) {
  std::string out(compressBound(static_cast<uLong>(raw.size())) + 64, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A deterministic small image set: n images, h x w, c channels, labels i % classes.
inline ImageDataset synthetic_images(int n, int c, int h, int w, int classes) {
  ImageDataset d;
  d.source = "synthetic";
  d.channels = c, d.height = h, d.width = w;
  d.class_names = numbered_class_names(classes);
  for (int i = 0; i < n; ++i) {
    d.labels.push_back(i % classes);
    for (int p = 0; p < c * h * w; ++p) d.pixels.push_back(static_cast<uint8_t>((i * 31 + p * 7) & 255));
  }
  return d;
}

// A learnable toy task for the trainer: 16x16 grayscale images, class c bright in horizontal stripe c.
inline ImageDataset stripes(int per_class, int classes) {
  ImageDataset d;
  d.source = "stripes";
  d.channels = 1, d.height = d.width = 16;
  d.class_names = numbered_class_names(classes);
  Rng rng(3);
  for (int c = 0; c < classes; ++c)
    for (int i = 0; i < per_class; ++i) {
      d.labels.push_back(c);
      for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x)
          d.pixels.push_back(
              static_cast<uint8_t>((y / (16 / classes) == c ? 200 : 30) + rng.uniform_int(40)));
    }
  return d;
}

// IDX pair (MNIST layout): images magic 0x803 N H W, labels magic 0x801 N.
inline void write_idx(const ImageDataset& d, const std::string& images, const std::string& labels, bool gz) {
  std::string im = be32(0x803) + be32(static_cast<uint32_t>(d.size())) + be32(d.height) + be32(d.width);
  im.append(d.pixels.begin(), d.pixels.end());
  std::string lb = be32(0x801) + be32(static_cast<uint32_t>(d.size()));
  for (int32_t l : d.labels) lb += static_cast<char>(l);
  write_bytes(images, gz ? gzip(im) : im);
  write_bytes(labels, gz ? gzip(lb) : lb);
}

// CIFAR-10 (label, 3072 px) or CIFAR-100 (coarse, fine, 3072 px) records.
inline void write_cifar(const ImageDataset& d, const std::string& path, bool cifar100) {
  std::string out;
  for (int64_t i = 0; i < d.size(); ++i) {
    if (cifar100) out += static_cast<char>(d.labels[i] / 5);
    out += static_cast<char>(d.labels[i]);
    out.append(reinterpret_cast<const char*>(d.image(i)), d.image_bytes());
  }
  write_bytes(path, out);
}

// Exactly the opcode sequence Python 3's pickle.dumps({'data': uint8 ndarray, 'labels': [ints]}, protocol=2)
// emits (verified with pickletools), with 1-based labels as in the downsampled-ImageNet batches.
inline std::string imagenet_pickle(const ImageDataset& d) {
  auto unicode = [](const std::string& s) { return "X" + le32(static_cast<uint32_t>(s.size())) + s; };
  auto put = [](int i) { return std::string("q") + char(i); };
  std::string latin1_as_utf8;
  for (uint8_t b : d.pixels) {
    if (b < 0x80) {
      latin1_as_utf8 += static_cast<char>(b);
    } else {
      latin1_as_utf8 += static_cast<char>(0xC0 | (b >> 6));
      latin1_as_utf8 += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  const auto n = static_cast<uint32_t>(d.size()), width = static_cast<uint32_t>(d.image_bytes());
  std::string p = "\x80\x02}" + put(0) + "(" + unicode("data") + put(1);
  p += "cnumpy.core.multiarray\n_reconstruct\n" + put(2) + "cnumpy\nndarray\n" + put(3) + "K" + char(0) +
       "\x85" + put(4);
  p += "c_codecs\nencode\n" + put(5) + unicode("b") + put(6) + unicode("latin1") + put(7) + "\x86" + put(8) +
       "R" + put(9) + "\x87" + put(10) + "R" + put(11);
  p += "(K" + std::string(1, char(1)) + "J" + le32(n) + "J" + le32(width) + "\x86" + put(12);
  p += "cnumpy\ndtype\n" + put(13) + unicode("u1") + put(14) + "\x89\x88\x87" + put(15) + "R" + put(16);
  p += "(K" + std::string(1, char(3)) + unicode("|") + put(17) + "NNNJ" + le32(0xFFFFFFFF) + "J" +
       le32(0xFFFFFFFF) + "K" + std::string(1, char(0)) + "t" + put(18) + "b";
  p += "\x89h" + std::string(1, char(5)) + unicode(latin1_as_utf8) + put(19) + "h" + char(7) + "\x86" +
       put(20) + "R" + put(21) + "t" + put(22) + "b";
  p += unicode("labels") + put(23) + "]" + put(24) + "(";
  for (int32_t l : d.labels) p += "J" + le32(static_cast<uint32_t>(l + 1));
  p += "eu.";
  return p;
}

inline std::string npy(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
  s += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + le16(static_cast<uint32_t>(header.size())) + header + data;
}

// A stored (uncompressed) zip of .npy members, as numpy.savez writes without zip64.
inline std::string npz(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string body, dir;
  for (const auto& [name, blob] : members) {
    const uint32_t crc =
        crc32(0, reinterpret_cast<const Bytef*>(blob.data()), static_cast<uInt>(blob.size()));
    const uint32_t offset = static_cast<uint32_t>(body.size());
    const std::string file = name + ".npy";
    body += le32(0x04034b50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) +
            le32(static_cast<uint32_t>(blob.size())) + le32(static_cast<uint32_t>(blob.size())) +
            le16(static_cast<uint32_t>(file.size())) + le16(0) + file + blob;
    dir += le32(0x02014b50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) +
           le32(static_cast<uint32_t>(blob.size())) + le32(static_cast<uint32_t>(blob.size())) +
           le16(static_cast<uint32_t>(file.size())) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) +
           le32(offset) + file;
  }
  const uint32_t n = static_cast<uint32_t>(members.size());
  return body + dir + le32(0x06054b50) + le16(0) + le16(0) + le16(n) + le16(n) +
         le32(static_cast<uint32_t>(dir.size())) + le32(static_cast<uint32_t>(body.size())) + le16(0);
}

inline std::string imagenet_npz(const ImageDataset& d) {
  std::string labels;
  for (int32_t l : d.labels) {
    const int64_t v = l + 1;
    labels.append(reinterpret_cast<const char*>(&v), 8);
  }
  return npz({{"data", npy("|u1", {d.size(), static_cast<int64_t>(d.image_bytes())},
                           std::string(d.pixels.begin(), d.pixels.end()))},
              {"labels", npy("<i8", {d.size()}, labels)}});
}

}  // namespace tnas::test
