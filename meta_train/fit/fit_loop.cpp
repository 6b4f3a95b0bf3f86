#include "meta_train/fit/fit_loop.h"

#include <chrono>
#include <map>

namespace tnas {

FitLoop::FitLoop(SurrogateImpl& surrogate, const PairEmbedder& embedder, FitSplit split,
                 std::vector<std::string> source_names, const FitLoopOptions& options)
    : s_(surrogate),
      embedder_(embedder),
      split_(std::move(split)),
      source_names_(std::move(source_names)),
      o_(options),
      lr_(options.learning_rate) {
  std::vector<torch::Tensor> params;
  for (auto* m : std::vector<torch::nn::Module*>{s_.net->dataset_encoder.get(), s_.net->arch_encoder.get(),
                                                 s_.net->kernel.get()})
    for (auto& p : m->parameters()) params.push_back(p);
  optimizer_ = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(o_.learning_rate));
  // A fixed context of meta-training points for validation and zero-shot prediction.
  Rng rng(o_.seed + 2);
  context_ = split_.train;
  rng.shuffle(context_);
  context_.resize(std::min<size_t>(context_.size(), static_cast<size_t>(o_.context_size)));
}

void FitLoop::set_learning_rate(double lr) {
  lr_ = lr;
  for (auto& g : optimizer_->param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}

namespace {

// The reference's batches: `batch` pairs at a time from the shuffled pairs, subtasks mixed.
std::vector<std::vector<FitPair>> batches_of_pairs(std::vector<FitPair> order, size_t batch, Rng& rng) {
  rng.shuffle(order);
  std::vector<std::vector<FitPair>> batches;
  for (size_t b = 0; b < order.size(); b += batch)
    batches.emplace_back(order.begin() + b, order.begin() + std::min(order.size(), b + batch));
  return batches;
}

// Whole subtasks in shuffled order, packed until a batch holds at least `batch` pairs.
std::vector<std::vector<FitPair>> batches_of_tasks(const std::vector<FitPair>& pairs, size_t batch,
                                                   Rng& rng) {
  std::map<int, std::vector<FitPair>> by_task;
  for (const FitPair& p : pairs) by_task[p.task].push_back(p);
  std::vector<std::vector<FitPair>> tasks;
  for (auto& entry : by_task) tasks.push_back(std::move(entry.second));
  rng.shuffle(tasks);
  std::vector<std::vector<FitPair>> batches(1);
  for (auto& task : tasks) {
    if (batches.back().size() >= batch) batches.emplace_back();
    for (FitPair& p : task) batches.back().push_back(p);
  }
  return batches;
}

}  // namespace

double FitLoop::train_epoch(int epoch, const std::vector<FitCallback*>& callbacks) {
  const uint64_t seed =
      o_.seed * 1000003 + static_cast<uint64_t>(epoch);  // per epoch, so that a resume replays exactly
  Rng rng(seed);
  torch::manual_seed(seed);
  const bool ranked = o_.rank_loss_weight > 0;
  const auto batches = ranked ? batches_of_tasks(split_.train, static_cast<size_t>(o_.batch), rng)
                              : batches_of_pairs(split_.train, static_cast<size_t>(o_.batch), rng);
  s_.net->train();
  if (s_.net->featurizer) s_.net->featurizer->eval();  // trained before, frozen here
  double loss_sum = 0;
  int batches_done = 0;
  for (const std::vector<FitPair>& batch : batches) {
    if (batch.size() < 2) continue;
    const auto z = embedder_.kernel_features(batch, rng);
    const auto y = PairEmbedder::labels(batch).to(embedder_.device());
    auto loss = s_.net->kernel->negative_mll(z, y);
    if (ranked) {
      std::vector<int64_t> tasks;
      for (const FitPair& p : batch) tasks.push_back(p.task);
      loss = loss + o_.rank_loss_weight * s_.net->kernel->within_task_rank_loss(z, y, torch::tensor(tasks));
    }
    const double value = loss.item<double>();
    for (auto* c : callbacks) c->on_batch_loss(*this, epoch, value);
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    loss_sum += value;
    ++batches_done;
  }
  return loss_sum / std::max(1, batches_done);
}

// GP predictions at the held-out pairs and subtasks from the context; one Rng for both, as its draws are
// part of the result.
void FitLoop::evaluate(FitMetrics& metrics) const {
  Rng rng(o_.seed + 3);
  std::vector<std::vector<double>> predicted(2), truth(2);
  std::vector<std::vector<int>> task(2), source(2);
  const std::vector<FitPair>* sets[2] = {&split_.heldout_pairs, &split_.heldout_tasks};
  for (int k = 0; k < 2; ++k) {
    if (sets[k]->size() < 3) continue;  // nothing to rank (and no draws)
    predicted[k] = embedder_.predict(context_, *sets[k], rng);
    for (const auto& p : *sets[k])
      truth[k].push_back(p.accuracy), task[k].push_back(p.task), source[k].push_back(p.source);
  }
  const RankMetrics pairs = rank_metrics(predicted[0], truth[0], task[0]),
                    tasks = rank_metrics(predicted[1], truth[1], task[1]);
  metrics.pair_spearman = pairs.spearman, metrics.pair_pearson = pairs.pearson,
  metrics.pair_kendall = pairs.kendall;
  metrics.task_spearman = tasks.spearman, metrics.task_pearson = tasks.pearson,
  metrics.task_kendall = tasks.kendall;
  metrics.task_spearman_within = tasks.within;
  const bool within = o_.selection == FitSelection::kWithinSubtask;
  metrics.selection = within ? metrics.task_spearman_within : metrics.task_spearman;
  if (source_names_.size() < 2) return;
  double sum = 0;
  int counted = 0;
  for (size_t si = 0; si < source_names_.size(); ++si) {
    RankMetrics per[2];
    for (int k = 0; k < 2; ++k) {
      std::vector<double> p, t;
      std::vector<int> ids;
      for (size_t i = 0; i < predicted[k].size(); ++i)
        if (source[k][i] == static_cast<int>(si))
          p.push_back(predicted[k][i]), t.push_back(truth[k][i]), ids.push_back(task[k][i]);
      per[k] = rank_metrics(p, t, ids);
    }
    metrics.sources[source_names_[si]] = SourceMetrics{per[0], per[1]};
    if (per[1].pairs > 0) sum += within ? per[1].within : per[1].spearman, ++counted;
  }
  if (counted > 0) metrics.selection = sum / counted;
}

void FitLoop::run(const std::vector<FitCallback*>& callbacks) {
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = epoch_; epoch < o_.epochs; ++epoch) {
    FitMetrics m;
    m.epoch = epoch + 1;
    m.loss = train_epoch(epoch, callbacks);
    for (auto* c : callbacks) c->on_training_loss(*this, epoch, m.loss);
    m.learning_rate = lr_;
    evaluate(m);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    epoch_ = m.epoch;
    history_.push_back(to_json(m));
    for (auto* c : callbacks) c->on_epoch_end(*this, m);
  }
}

nlohmann::json FitLoop::state() const { return {{"epoch", epoch_}, {"lr", lr_}, {"history", history_}}; }

std::vector<uint8_t> FitLoop::model_bytes() const {
  auto bytes = torch_bytes(s_.net);
  to_device();
  return bytes;
}

std::vector<uint8_t> FitLoop::optimizer_bytes() const { return torch_bytes(*optimizer_); }

void FitLoop::restore(const nlohmann::json& state, const std::string& model_path,
                      const std::string& optimizer_path) {
  torch::load(s_.net, model_path);
  torch::load(*optimizer_, optimizer_path);
  epoch_ = state.at("epoch");
  // LibTorch's optimizer archive keeps Adam's moments but not the plateau-reduced learning rate.
  set_learning_rate(state.at("lr"));
  history_.clear();
  for (const auto& h : state.at("history")) history_.push_back(h);
  to_device();
}

std::vector<uint8_t> FitLoop::context_bytes() const {
  Rng rng(o_.seed + 4);
  return embedder_.context_bytes(context_, rng);
}

void FitLoop::to_device() const { s_.net->to(embedder_.device()); }

}  // namespace tnas
