#pragma once
// A search space of tnas from a program: configurations as their text, checked, sampled, mutated, their
// neighbours, network size and isomorphism key. The spaces are those of `meta_test search --list-spaces`
// ("nb201", "jahs", "hnb201", "grammar:FILE").
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tnas {

class Space {
 public:
  explicit Space(const std::string& name);  // throws std::runtime_error for an unknown space
  ~Space();
  Space(const Space&) = delete;
  Space& operator=(const Space&) = delete;

  std::string name() const;
  // How many configurations the space has, or -1 where it cannot be counted in 64 bits.
  int64_t size() const;
  // The canonical text of a configuration; throws std::runtime_error naming the bad token.
  std::string parse(const std::string& config) const;
  // `count` configurations drawn uniformly with `seed` (the same seed, the same draw).
  std::vector<std::string> sample(int count, uint64_t seed) const;
  // One configuration that differs from `config` in one choice, drawn with `seed`.
  std::string mutate(const std::string& config, uint64_t seed) const;
  // Every configuration that differs in exactly one choice.
  std::vector<std::string> neighbours(const std::string& config) const;
  // Parameters and FLOPs of the network the space builds from the configuration (its default macro setting).
  int64_t params(const std::string& config) const;
  int64_t flops(const std::string& config) const;
  // Equal for configurations that compute the same function (NB201: the isomorphism key).
  std::string isomorphism_key(const std::string& config) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tnas
