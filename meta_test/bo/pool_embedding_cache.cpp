#include "meta_test/bo/pool_embedding_cache.h"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "basics/stable_hash.h"
#include "datasets/images/dataset_spec.h"

namespace tnas {
namespace {

constexpr char kMagic[] = "tnas pool embedding 1\n";
constexpr size_t kHashChars = 16;

class Writer {
 public:
  void raw(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    out.insert(out.end(), bytes, bytes + size);
  }
  void integer(int64_t value) { raw(&value, sizeof value); }
  template <typename Matrix>
  void matrix(const Matrix& m) {
    integer(m.rows());
    integer(m.cols());
    raw(m.data(), sizeof(typename Matrix::Scalar) * static_cast<size_t>(m.size()));
  }
  std::vector<uint8_t> out;
};

// Reads what Writer wrote; any read past the end or an implausible size throws.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  void raw(void* into, size_t size) {
    if (size > size_ - at_) throw Error("truncated");
    std::memcpy(into, data_ + at_, size);
    at_ += size;
  }
  int64_t integer() {
    int64_t value = 0;
    raw(&value, sizeof value);
    return value;
  }
  template <typename Matrix>
  void matrix(Matrix& m) {
    const int64_t rows = integer(), cols = integer();
    const uint64_t scalar = sizeof(typename Matrix::Scalar);
    if (rows < 0 || cols < 0 || (cols > 0 && static_cast<uint64_t>(rows) > (size_ - at_) / scalar / cols))
      throw Error("bad matrix size");
    m.resize(rows, cols);
    raw(m.data(), scalar * static_cast<size_t>(m.size()));
  }
  bool at_end() const { return at_ == size_; }

 private:
  const uint8_t* data_;
  size_t size_, at_ = 0;
};

}  // namespace

std::string pool_embedding_cache_path(const std::string& key) {
  char name[40];
  std::snprintf(name, sizeof name, "%016llx.bin", static_cast<unsigned long long>(stable_hash(key)));
  return data_cache_dir() + "/pool-embeddings/" + name;
}

std::optional<PoolEmbedding> read_pool_embedding(const std::string& path, const std::string& key) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  try {
    const std::vector<uint8_t> bytes = read_file_bytes(path);
    const size_t magic = sizeof kMagic - 1;
    if (bytes.size() < magic + kHashChars || std::memcmp(bytes.data(), kMagic, magic) != 0)
      throw Error("not a pool-embedding cache file");
    const size_t body = bytes.size() - kHashChars;
    if (content_hash(bytes.data(), body) != std::string(bytes.begin() + body, bytes.end()))
      throw Error("content hash mismatch");
    Reader in(bytes.data() + magic, body - magic);
    std::string stored_key(static_cast<size_t>(std::max<int64_t>(0, in.integer())), '\0');
    in.raw(stored_key.data(), stored_key.size());
    if (stored_key != key) return std::nullopt;  // another key with the same file name
    PoolEmbedding value;
    in.matrix(value.arch_embeddings);
    in.matrix(value.target_features);
    Eigen::Matrix<int32_t, Eigen::Dynamic, 1> labels;
    in.matrix(labels);
    value.target_labels.assign(labels.data(), labels.data() + labels.size());
    value.target_classes = static_cast<int32_t>(in.integer());
    in.matrix(value.dataset_embedding);
    in.matrix(value.zero_shot_mean);
    if (!in.at_end()) throw Error("trailing bytes");
    return value;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "note: %s: damaged cache file (%s); recomputing it\n", path.c_str(), e.what());
    return std::nullopt;
  }
}

void write_pool_embedding(const std::string& path, const std::string& key, const PoolEmbedding& value) {
  Writer out;
  out.raw(kMagic, sizeof kMagic - 1);
  out.integer(static_cast<int64_t>(key.size()));
  out.raw(key.data(), key.size());
  out.matrix(value.arch_embeddings);
  out.matrix(value.target_features);
  out.matrix(Eigen::Map<const Eigen::Matrix<int32_t, Eigen::Dynamic, 1>>(
      value.target_labels.data(), static_cast<long>(value.target_labels.size())));
  out.integer(value.target_classes);
  out.matrix(value.dataset_embedding);
  out.matrix(value.zero_shot_mean);
  const std::string hash = content_hash(out.out.data(), out.out.size());
  out.raw(hash.data(), hash.size());
  // A name of this process's own first, so that two searches writing the same entry never share a
  // temporary file; the rename into place is atomic either way.
  const std::string own = path + "." + std::to_string(::getpid());
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file_atomically(own, out.out);
    std::error_code error;
    std::filesystem::rename(own, path, error);
    if (error) throw Error(path + ": " + error.message());
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(own, ignored);
    std::fprintf(stderr,
                 "note: the pool-embedding cache cannot be written (%s); the next search recomputes it\n",
                 e.what());
  }
}

}  // namespace tnas
