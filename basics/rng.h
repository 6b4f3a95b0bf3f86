#pragma once
// A seeded random source whose draws are identical on every platform and standard library.
// (std::uniform_int_distribution and friends are implementation-defined, so we do not use them.)
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tnas {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }

  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n must be > 0.
  uint64_t uniform_int(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next_u64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Standard normal (Box-Muller from two uniforms; the same on every platform, unlike
  // std::normal_distribution).
  double normal() {
    const double u = 1.0 - uniform01(), v = uniform01();  // u in (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
  }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_int(i)]);
  }

  // A seed for a child stream, so that sub-computations do not depend on how many draws came before.
  uint64_t fork_seed() { return next_u64() ^ 0x9E3779B97F4A7C15ULL; }

  // The engine's whole state as text (the standard's stream form), so that a saved training run continues
  // with exactly the draws the uninterrupted run would have made.
  std::string state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
  }
  // Returns false (and leaves the engine as it was) for text that is not such a state.
  bool set_state(const std::string& text) {
    std::istringstream in(text);
    std::mt19937_64 e;
    if (!(in >> e)) return false;
    engine_ = e;
    return true;
  }

 private:
  std::mt19937_64 engine_;  // mt19937_64's output sequence is fixed by the C++ standard
};

}  // namespace tnas
