// include/tnas/space.h over the search space registry (graphs/spaces/search_space_factory.h).
#include "graphs/spaces/search_space_factory.h"
#include "tnas/space.h"

namespace tnas {

struct Space::State {
  std::unique_ptr<SearchSpace> space;
};

Space::Space(const std::string& name) : state_(std::make_unique<State>()) {
  state_->space = make_search_space(name);
}

Space::~Space() = default;

std::string Space::name() const { return state_->space->name(); }

int64_t Space::size() const { return state_->space->size(); }

std::string Space::parse(const std::string& config) const {
  return state_->space->format(state_->space->parse(config));
}

std::vector<std::string> Space::sample(int count, uint64_t seed) const {
  Rng rng(seed);
  std::vector<std::string> configs;
  for (int k = 0; k < count; ++k) configs.push_back(state_->space->format(state_->space->sample(rng)));
  return configs;
}

std::string Space::mutate(const std::string& config, uint64_t seed) const {
  Rng rng(seed);
  return state_->space->format(state_->space->mutate(state_->space->parse(config), rng));
}

std::vector<std::string> Space::neighbours(const std::string& config) const {
  std::vector<std::string> configs;
  for (const Arch& neighbour : state_->space->neighbours(state_->space->parse(config)))
    configs.push_back(state_->space->format(neighbour));
  return configs;
}

int64_t Space::params(const std::string& config) const {
  return state_->space->cost(state_->space->parse(config)).params;
}

int64_t Space::flops(const std::string& config) const {
  return state_->space->cost(state_->space->parse(config)).flops;
}

std::string Space::isomorphism_key(const std::string& config) const {
  return state_->space->iso_key(state_->space->parse(config));
}

}  // namespace tnas
