#pragma once
// A string hash that is the same on every platform and standard library (std::hash is not): FNV-1a, 64 bits.
// For file names and seeds derived from configurations.
#include <cstdint>
#include <string_view>

namespace tnas {

inline uint64_t stable_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace tnas
