#pragma once
// What the deep-kernel BO (tnas, gp) computes before its first proposal: the architecture embeddings of the
// whole pool, the featurized target images, the first dataset embedding and the zero-shot prediction over
// the pool. It depends only on the checkpoint, the pool, the target's files and the seed, so it is kept in
// the data cache (data_cache_dir()/pool-embeddings/) and a later search with the same inputs reads it
// instead of recomputing it (issue 26: the first proposal without a wait). The cached values are the
// computed ones bit for bit, so a search reads the same with and without the cache.
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tnas {

struct PoolEmbedding {
  Eigen::MatrixXf arch_embeddings;  // G, one row per pool configuration
  Eigen::MatrixXf target_features;  // featurized target images (rows); empty without a dataset encoder
  std::vector<int32_t> target_labels;
  int32_t target_classes = 0;
  Eigen::VectorXf dataset_embedding;  // the first D
  Eigen::VectorXd zero_shot_mean;     // over the pool (standardized units); empty without meta-training
};

// The cache file for `key` (a description of every input; hashed into the file name and stored whole in
// the file, so that a hash collision reads as a miss).
std::string pool_embedding_cache_path(const std::string& key);

// The cached value for `key`, or nothing when the file is absent, written for another key, or damaged (a
// damaged file is said on stderr and then recomputed and replaced by the caller).
std::optional<PoolEmbedding> read_pool_embedding(const std::string& path, const std::string& key);

// Writes atomically. A cache that cannot be written (read-only or full disk) is said on stderr; the search
// goes on without it.
void write_pool_embedding(const std::string& path, const std::string& key, const PoolEmbedding& value);

}  // namespace tnas
