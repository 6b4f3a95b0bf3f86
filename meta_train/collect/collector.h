#pragma once
// `meta_train collect`: train many (subtask, cell) pairs and append each result to a meta-dataset.
// The plan (which subtasks, which cells, which seeds) is a pure function of the options, so a killed
// run resumes exactly where it stopped and `--shard i/n` splits the same plan across machines.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "basics/enum_names.h"
#include "models/trainer/compute_device.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

// How each task's cells are drawn: uniform (the space's sampler); params-spread (nb201: one cell from each
// stratum of the parameter range, which spreads accuracies); stratified (nb201: the parameter strata, each
// cell the one of 8 drawn whose operation mix differs most from the task's others).
enum class ArchSampling { kUniform, kParamsSpread, kStratified };  // uniform, params-spread, stratified
template <>
const EnumNames<ArchSampling>& enum_names<ArchSampling>();

struct CollectOptions {
  std::string source;                      // dataset spec
  int tasks = 100;                         // T
  int min_classes = 5, max_classes = 5;    // k drawn uniformly per task
  int min_images = 100, max_images = 100;  // n per class drawn uniformly per task
  int archs_per_task = 15;                 // A
  std::string space = "nb201";  // search space of the configurations (graphs/spaces/search_space_factory.h)
  ArchSampling arch_sampling = ArchSampling::kUniform;
  double valid_fraction = 0.2, test_fraction = 0.2;
  ProxyPreset preset;
  uint64_t seed = 0;
  int shard = 0, shards = 1;  // this process does tasks t with t % shards == shard
  ComputeDevice device = ComputeDevice::kAuto;
  TrainingMode mode = TrainingMode::kAuto;
  std::string out;
};

// One planned pair.
struct CollectPair {
  int task = 0;      // 0..T-1 in the full plan
  std::string arch;  // configuration in the space's text form
  uint64_t train_seed = 0;
};

struct PlannedTask {
  uint64_t seed = 0;
  int classes = 0, images_per_class = 0;
  std::vector<std::string> archs;
};

// The full plan (all shards). Deterministic in the options.
std::vector<PlannedTask> plan_collection(const CollectOptions& options);

// Runs (or resumes) this shard's part of the plan; `progress` gets one line per finished pair.
// Returns the number of pairs trained in this call.
int run_collection(const CollectOptions& options, const std::function<void(const std::string&)>& progress);

}  // namespace tnas
