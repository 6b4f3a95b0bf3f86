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

// splitmix64's finalizer: spreads every input bit over the output, so that hashes combined from parts do not
// collide for parts that differ in one bit (graphs/spaces/grammar/: WL labels, network keys).
inline uint64_t mixed_hash(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// A hash of `seed` followed by `value` (order matters).
inline uint64_t combined_hash(uint64_t seed, uint64_t value) { return mixed_hash(seed ^ mixed_hash(value)); }

}  // namespace tnas
