#include "meta_train/fit/pair_embedder.h"

#include <map>

#include "basics/error.h"

namespace tnas {

PairEmbedder::PairEmbedder(SurrogateImpl& surrogate, std::vector<TaskImages> tasks,
                           const FeatureMatrix& features, std::vector<EncoderInput> configs,
                           PairProxyInputs proxies, torch::Device device)
    : s_(surrogate),
      tasks_(std::move(tasks)),
      configs_(std::move(configs)),
      proxies_(std::move(proxies)),
      device_(device) {
  if (features.rows > 0)
    features_ = torch::from_blob(const_cast<float*>(features.values.data()), {features.rows, features.dim},
                                 torch::kFloat32)
                    .clone();
}

// `per` random training images per class (drawn with replacement once a class runs out).
torch::Tensor PairEmbedder::task_feature_set(const TaskImages& images, Rng& rng) const {
  const int64_t per = s_.options.images_per_class;
  std::vector<std::vector<int64_t>> by_class(images.classes);
  for (size_t i = 0; i < images.labels.size(); ++i)
    by_class[images.labels[i]].push_back(images.feature_rows[i]);
  std::vector<int64_t> rows;
  for (auto& pool : by_class) {
    if (pool.empty()) throw Error("a subtask class has no training images");
    rng.shuffle(pool);
    for (int64_t k = 0; k < per; ++k)
      rows.push_back(k < static_cast<int64_t>(pool.size()) ? pool[k] : pool[rng.uniform_int(pool.size())]);
  }
  auto idx = torch::from_blob(rows.data(), {static_cast<int64_t>(rows.size())}, torch::kInt64).clone();
  return features_.index_select(0, idx).view({images.classes, per, features_.size(1)});
}

torch::Tensor PairEmbedder::kernel_features(const std::vector<FitPair>& batch, Rng& rng) const {
  std::map<int, int64_t> task_slot, arch_slot;
  std::vector<int> task_list, arch_list;
  for (const auto& p : batch) {
    if (task_slot.emplace(p.task, task_list.size()).second) task_list.push_back(p.task);
    if (arch_slot.emplace(p.arch, arch_list.size()).second) arch_list.push_back(p.arch);
  }
  std::vector<torch::Tensor> ds;
  for (int t : task_list)
    ds.push_back(s_.options.dataset_embedding
                     ? s_.dataset_embedding(task_feature_set(tasks_[t], rng).to(device_))
                     : torch::zeros({s_.options.nz}, device_));
  std::vector<EncoderInput> batch_configs;
  for (int a : arch_list) batch_configs.push_back(configs_[a]);
  auto g = s_.arch_embedding(batch_configs);
  std::vector<int64_t> ti, ai;
  for (const auto& p : batch) ti.push_back(task_slot[p.task]), ai.push_back(arch_slot[p.arch]);
  auto d = torch::stack(ds).index_select(0, torch::tensor(ti));
  auto pair_g = g.index_select(0, torch::tensor(ai).to(device_));
  const int64_t count = kernel_extra_inputs(s_.options);
  if (count == 0) return s_.net->kernel->features(d, pair_g);
  std::vector<float> values;  // (B, P): each pair's proxy and protocol inputs beside its G
  for (const auto& p : batch) {
    const auto it = proxies_.find({p.task, p.arch});
    if (it == proxies_.end() || static_cast<int64_t>(it->second.size()) != count)
      throw Error("no proxy or protocol inputs for task " + std::to_string(p.task) + ", cell " +
                  std::to_string(p.arch));
    values.insert(values.end(), it->second.begin(), it->second.end());
  }
  const auto proxies =
      torch::from_blob(values.data(), {static_cast<int64_t>(batch.size()), count}, torch::kFloat32).clone();
  return s_.net->kernel->features(d, torch::cat({pair_g, proxies.to(device_)}, 1));
}

torch::Tensor PairEmbedder::labels(const std::vector<FitPair>& batch) {
  std::vector<double> y;
  for (const auto& p : batch) y.push_back(p.y);
  return torch::tensor(y, torch::kFloat64);
}

std::vector<double> PairEmbedder::predict(const std::vector<FitPair>& context,
                                          const std::vector<FitPair>& heldout, Rng& rng) const {
  torch::NoGradGuard no_grad;
  s_.net->eval();
  auto zc = kernel_features(context, rng), zh = kernel_features(heldout, rng);
  auto& k = s_.net->kernel;
  auto kcc = k->covariance(zc, zc) + k->noise() * torch::eye(zc.size(0), zc.options());
  auto l = robust_cholesky(kcc);
  auto alpha = torch::cholesky_solve((labels(context) - k->mean).unsqueeze(1), l);
  auto mu = (k->covariance(zh, zc).matmul(alpha).squeeze(1) + k->mean).contiguous();
  return std::vector<double>(mu.data_ptr<double>(), mu.data_ptr<double>() + mu.size(0));
}

std::vector<uint8_t> PairEmbedder::context_bytes(const std::vector<FitPair>& context, Rng& rng) const {
  torch::NoGradGuard no_grad;
  s_.net->eval();
  auto z = kernel_features(context, rng).cpu();
  c10::Dict<std::string, torch::Tensor> ctx;
  ctx.insert("z", z);
  ctx.insert("y", labels(context));
  const auto bytes = torch::pickle_save(c10::IValue(ctx));
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace tnas
