#pragma once
// A string hash that is the same on every platform and standard library (std::hash is not): FNV-1a's 64-bit
// prime and xor-multiply step, with 1469598103934665603 as the start value (not FNV's 14695981039346656037;
// kept, since multi-fidelity trial seeds and training-state file names derive from it). For file names and
// seeds derived from configurations; basics/binary_file.h's content_hash is the standard FNV-1a of bytes.
#include <cstdint>
#include <string_view>

namespace tnas {

inline uint64_t stable_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace tnas
