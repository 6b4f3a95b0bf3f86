#pragma once
// `meta_train collect --curves`: a learning-curve table for multi-fidelity benchmarks (our own oracle). Each
// of N configurations (distinct isomorphism classes, drawn with the seed) is trained once on one dataset
// with a preset's protocol for E epochs (the cosine schedule spanning E) and its validation and test accuracy
// recorded after every epoch, with that epoch's training seconds (datasets/tables/learning_curve_table.h).
// The file is rewritten atomically after every configuration and its settings are in FILE.json: a killed run
// resumes with the configurations it has not finished; --shard i/n splits the plan (join the shards' rows
// with `meta_train merge --curves`).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/trainer/compute_device.h"
#include "models/trainer/proxy_preset.h"

namespace tnas {

struct CurveCollectOptions {
  std::string source;  // dataset spec (the preset's images per class are drawn from it)
  std::string space = "nb201";
  int configs = 100;  // N
  int epochs = 0;     // E (0: the preset's, for the source's channels)
  ProxyPreset preset;
  uint64_t seed = 0;
  int shard = 0, shards = 1;  // this process trains configurations i with i % shards == shard
  ComputeDevice device = ComputeDevice::kAuto;
  TrainingMode mode = TrainingMode::kAuto;
  std::string out;  // FILE.csv
};

// The configurations of the full plan (all shards), in the space's text form. Deterministic in the options.
std::vector<std::string> plan_curves(const CurveCollectOptions& options);

// Runs (or resumes) this shard's part; returns the number of configurations trained in this call.
int run_curve_collection(const CurveCollectOptions& options,
                         const std::function<void(const std::string&)>& progress);

// Joins shards' tables into `out` (each configuration once; the shards must share their settings but for
// the shard). Throws tnas::Error naming a file that is missing, not a curve table, or of other settings.
void merge_curve_tables(const std::vector<std::string>& inputs, const std::string& out);

}  // namespace tnas
