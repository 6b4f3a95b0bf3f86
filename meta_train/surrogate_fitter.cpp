#include "meta_train/surrogate_fitter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "datasets/binary_file.h"
#include "datasets/dataset_spec.h"
#include "datasets/feature_cache.h"
#include "datasets/meta_dataset.h"
#include "datasets/subtask_sampler.h"
#include "graphs/error.h"
#include "graphs/rng.h"
#include "models/cell_trainer.h"
#include "models/rank_correlation.h"
#include "models/runtime.h"
#include "models/surrogate_impl.h"

namespace tnas {
namespace {
namespace fs = std::filesystem;

struct TaskData {
  std::vector<int64_t> feature_rows;  // rows of the feature matrix (the subtask's training images)
  std::vector<int32_t> labels;        // 0..k-1 per row
  int classes = 0;
};

struct Pair {
  int task, arch;
  double y;  // standardized label
  double accuracy;
};

// Trains the built-in featurizer supervised on a random subset of the source's images.
void train_featurizer(SurrogateImpl& s, const ImageDataset& rgb32, const FitOptions& o,
                      const std::function<void(const std::string&)>& progress) {
  torch::manual_seed(o.seed + 17);
  Rng rng(o.seed + 17);
  std::vector<int64_t> ids(rgb32.size());
  for (int64_t i = 0; i < rgb32.size(); ++i) ids[i] = i;
  rng.shuffle(ids);
  ids.resize(std::min<size_t>(ids.size(), static_cast<size_t>(o.featurizer_images)));
  const ImageDataset subset = select_images(rgb32, ids);
  auto x = torch::from_blob(const_cast<uint8_t*>(subset.pixels.data()), {subset.size(), 3, 32, 32}, torch::kUInt8)
               .to(torch::kFloat32) / 255.0;
  auto y = torch::from_blob(const_cast<int32_t*>(subset.labels.data()), {subset.size()}, torch::kInt32).to(torch::kInt64);
  auto& f = s.net->featurizer;
  torch::optim::Adam opt(f->parameters(), torch::optim::AdamOptions(1e-3));
  for (int epoch = 0; epoch < o.featurizer_epochs; ++epoch) {
    f->train();
    std::vector<int64_t> order(subset.size());
    for (int64_t i = 0; i < subset.size(); ++i) order[i] = i;
    rng.shuffle(order);
    auto perm = torch::from_blob(order.data(), {subset.size()}, torch::kInt64).clone();
    double loss_sum = 0, correct = 0;
    for (int64_t b = 0; b < subset.size(); b += 128) {
      auto idx = perm.narrow(0, b, std::min<int64_t>(128, subset.size() - b));
      auto logits = f->forward(x.index_select(0, idx));
      auto target = y.index_select(0, idx);
      auto loss = torch::cross_entropy_loss(logits, target);
      opt.zero_grad();
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>() * idx.size(0);
      correct += logits.argmax(1).eq(target).sum().item<double>();
    }
    char line[160];
    std::snprintf(line, sizeof line, "featurizer epoch %d/%d: loss %.3f, train accuracy %.1f%% (%lld images)", epoch + 1,
                  o.featurizer_epochs, loss_sum / subset.size(), 100 * correct / subset.size(),
                  static_cast<long long>(subset.size()));
    progress(line);
  }
  f->eval();
}

// (classes, per, F) feature tensor for one task: `per` random training images per class.
torch::Tensor task_feature_set(const TaskData& t, const torch::Tensor& features, int64_t per, Rng& rng) {
  std::vector<std::vector<int64_t>> by_class(t.classes);
  for (size_t i = 0; i < t.labels.size(); ++i) by_class[t.labels[i]].push_back(t.feature_rows[i]);
  std::vector<int64_t> rows;
  for (auto& pool : by_class) {
    if (pool.empty()) throw Error("a subtask class has no training images");
    rng.shuffle(pool);
    for (int64_t k = 0; k < per; ++k) rows.push_back(k < static_cast<int64_t>(pool.size()) ? pool[k] : pool[rng.uniform_int(pool.size())]);
  }
  auto idx = torch::from_blob(rows.data(), {static_cast<int64_t>(rows.size())}, torch::kInt64).clone();
  return features.index_select(0, idx).view({t.classes, per, features.size(1)});
}

}  // namespace

FitMetrics fit_surrogate(const FitOptions& o, const std::function<void(const std::string&)>& progress) {
  const MetaDataset md = read_meta_dataset(o.meta_dataset);
  if (md.search_space != o.model.search_space)
    throw Error(o.meta_dataset + ": search space '" + md.search_space + "' differs from the model's '" + o.model.search_space + "'");
  if (md.results.size() < 10) throw Error(o.meta_dataset + ": too few results to fit (" + std::to_string(md.results.size()) + ")");
  const bool use_d = o.model.dataset_embedding;
  const torch::Device device(resolve_device(o.device) == "cuda" ? torch::kCUDA : torch::kCPU);

  // Images of each task's training split, redrawn from the recorded source, classes, seed and n.
  nlohmann::json collect;
  try {
    collect = nlohmann::json::parse(md.proxy_config).value("collect", nlohmann::json::object());
  } catch (const std::exception&) {
  }
  std::vector<TaskData> tasks(md.tasks.size());
  std::vector<ImageDataset> sources;
  int featurizer_classes = 1;
  if (use_d) {
    if (md.sources.size() != 1)
      throw Error(o.meta_dataset + ": fitting with the dataset embedding supports one image source, found " + std::to_string(md.sources.size()));
    if (!collect.contains("valid_fraction"))
      throw Error(o.meta_dataset + ": no collect settings recorded, so subtask images cannot be redrawn (fit it with --no-dataset-embedding)");
    sources.push_back(featurizer_input(load_dataset(md.sources[0].path)));
    featurizer_classes = sources[0].num_classes();
  }
  Surrogate surrogate(o.model, featurizer_classes, o.seed, o.featurizer_path);
  const bool builtin_featurizer = surrogate.options().featurizer == "builtin-cnn";
  SurrogateImpl& s = surrogate.impl();

  torch::Tensor features;
  if (use_d) {
    const ImageDataset& src = sources[0];
    const ClassIndex index(src);
    SubtaskConfig config;
    config.valid_fraction = collect.at("valid_fraction");
    config.test_fraction = collect.at("test_fraction");
    std::map<int64_t, int64_t> row_of;  // source image -> feature row
    std::vector<int64_t> images;
    for (size_t t = 0; t < md.tasks.size(); ++t) {
      const MetaTask& mt = md.tasks[t];
      config.classes = static_cast<int>(mt.classes.size());
      config.images_per_class = mt.images_per_class;
      const Subtask sub = sample_subtask(src, index, config, mt.seed);
      if (std::vector<int32_t>(sub.classes.begin(), sub.classes.end()) != mt.classes)
        throw Error(o.meta_dataset + ": task " + std::to_string(t) + " cannot be redrawn (classes differ): was it collected from another version of " + md.sources[0].path + "?");
      tasks[t].classes = config.classes;
      for (int64_t i : sub.train) {
        auto [it, fresh] = row_of.emplace(i, static_cast<int64_t>(images.size()));
        if (fresh) images.push_back(i);
        tasks[t].feature_rows.push_back(it->second);
        tasks[t].labels.push_back(static_cast<int32_t>(std::find(sub.classes.begin(), sub.classes.end(), src.labels[i]) - sub.classes.begin()));
      }
    }
    if (builtin_featurizer) train_featurizer(s, src, o, progress);
    const std::string featurizer = surrogate.featurizer_id();
    const int64_t dim = surrogate.options().feature_dim;
    const std::string& spec = md.sources[0].path;
    FeatureCacheStats stats;
    const auto values = cached_features(
        o.feature_cache_dir.empty() ? "" : feature_cache_path(o.feature_cache_dir, spec, featurizer), spec, featurizer,
        src.size(), dim, images,
        [&](const std::vector<int64_t>& rows) {
          progress("features: running the featurizer on " + std::to_string(rows.size()) + " images");
          const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> f =
              surrogate.image_features(select_images(src, rows));
          return std::vector<float>(f.data(), f.data() + f.size());
        },
        &stats);
    if (!stats.warning.empty()) progress("feature cache " + stats.path + ": " + stats.warning);
    features = torch::from_blob(const_cast<float*>(values.data()), {static_cast<int64_t>(images.size()), dim}, torch::kFloat32).clone();
    progress("features: " + std::to_string(images.size()) + " images of " + std::to_string(md.tasks.size()) + " subtasks (" +
             std::to_string(stats.from_cache) + " from the cache, " + std::to_string(stats.computed) + " computed; featurizer " +
             featurizer + (stats.path.empty() ? ", no cache" : ", cache " + stats.path) + ")");
  }

  // Split: held-out subtasks, then held-out pairs of the remaining subtasks (or the source's own flag).
  Rng split_rng(o.seed + 1);
  std::vector<bool> heldout_task(md.tasks.size(), false);
  for (auto&& h : heldout_task) h = split_rng.uniform01() < o.heldout_task_fraction;
  const bool source_flags = std::any_of(md.results.begin(), md.results.end(), [](const MetaResult& r) { return r.heldout; });
  std::vector<Pair> train, val_pairs, val_tasks;
  double sum = 0, sum2 = 0;
  std::vector<int> kind(md.results.size());
  for (size_t i = 0; i < md.results.size(); ++i) {
    const auto& r = md.results[i];
    kind[i] = heldout_task[r.task] ? 2 : (source_flags ? r.heldout : split_rng.uniform01() < o.heldout_pair_fraction) ? 1 : 0;
    if (kind[i] == 0) sum += r.valid_acc, sum2 += r.valid_acc * r.valid_acc;
  }
  size_t n_train = std::count(kind.begin(), kind.end(), 0);
  if (n_train < 10) throw Error("too few training pairs after the split");
  const double mean = sum / n_train, std = std::sqrt(std::max(1e-12, sum2 / n_train - mean * mean));
  surrogate.set_label_stats(mean, std);
  for (size_t i = 0; i < md.results.size(); ++i) {
    const auto& r = md.results[i];
    Pair p{r.task, r.arch, (r.valid_acc - mean) / std, r.valid_acc};
    (kind[i] == 0 ? train : kind[i] == 1 ? val_pairs : val_tasks).push_back(p);
  }
  std::vector<Nb201Cell> cells;
  for (const auto& a : md.archs) cells.push_back(Nb201Cell::parse(a.string));
  progress("split: " + std::to_string(train.size()) + " training pairs, " + std::to_string(val_pairs.size()) +
           " held-out pairs, " + std::to_string(val_tasks.size()) + " pairs of " +
           std::to_string(std::count(heldout_task.begin(), heldout_task.end(), true)) + " held-out subtasks; labels " +
           std::to_string(mean) + " +- " + std::to_string(std));

  std::vector<torch::Tensor> params;
  for (auto* m : std::vector<torch::nn::Module*>{s.net->dataset_encoder.get(), s.net->arch_encoder.get(), s.net->kernel.get()})
    for (auto& p : m->parameters()) params.push_back(p);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(o.learning_rate));
  double lr = o.learning_rate, best_loss = 1e300;
  int since_best_loss = 0, start_epoch = 0;
  FitMetrics best;
  best.task_spearman = -2;
  std::vector<nlohmann::json> history;

  const std::string last = o.out + "/last";
  nlohmann::json fit_config = {{"meta_dataset", o.meta_dataset}, {"epochs", o.epochs}, {"batch", o.batch},
                               {"learning_rate", o.learning_rate}, {"plateau_patience", o.plateau_patience},
                               {"heldout_task_fraction", o.heldout_task_fraction},
                               {"heldout_pair_fraction", o.heldout_pair_fraction},
                               {"featurizer_epochs", o.featurizer_epochs}, {"featurizer_images", o.featurizer_images},
                               {"context_size", o.context_size}, {"seed", o.seed}, {"model", to_json(surrogate.options())}};
  if (!builtin_featurizer) fit_config["featurizer"] = surrogate.featurizer_id();
  if (fs::exists(last + "/state.json")) {
    std::ifstream in(last + "/state.json");
    const auto state = nlohmann::json::parse(in);
    if (state.at("fit") != fit_config)
      throw Error(last + ": was written by a fit with other settings; use another --out or the same options");
    torch::load(s.net, last + "/model.pt");
    torch::load(opt, last + "/optimizer.pt");
    start_epoch = state.at("epoch");
    lr = state.at("lr");
    best_loss = state.at("best_loss");
    since_best_loss = state.at("since_best_loss");
    best.epoch = state.at("best").at("epoch");
    best.task_spearman = state.at("best").at("task_spearman");
    for (const auto& h : state.at("history")) history.push_back(h);
    progress("resuming from " + last + " after epoch " + std::to_string(start_epoch));
  }
  s.net->to(device);

  auto embed = [&](const std::vector<Pair>& batch, Rng& rng) {
    std::map<int, int64_t> task_slot, arch_slot;
    std::vector<int> task_list, arch_list;
    for (const auto& p : batch) {
      if (task_slot.emplace(p.task, task_list.size()).second) task_list.push_back(p.task);
      if (arch_slot.emplace(p.arch, arch_list.size()).second) arch_list.push_back(p.arch);
    }
    std::vector<torch::Tensor> ds;
    for (int t : task_list)
      ds.push_back(use_d ? s.dataset_embedding(task_feature_set(tasks[t], features, o.model.images_per_class, rng).to(device))
                         : torch::zeros({o.model.nz}, device));
    std::vector<Nb201Cell> batch_cells;
    for (int a : arch_list) batch_cells.push_back(cells[a]);
    auto g = s.arch_embedding(batch_cells);
    std::vector<int64_t> ti, ai;
    for (const auto& p : batch) ti.push_back(task_slot[p.task]), ai.push_back(arch_slot[p.arch]);
    auto d = torch::stack(ds).index_select(0, torch::tensor(ti));
    return s.net->kernel->features(d, g.index_select(0, torch::tensor(ai)));
  };
  auto labels = [](const std::vector<Pair>& batch) {
    std::vector<double> y;
    for (const auto& p : batch) y.push_back(p.y);
    return torch::tensor(y, torch::kFloat64);
  };

  // Fixed context (meta-training points) for validation and zero-shot prediction.
  Rng context_rng(o.seed + 2);
  std::vector<Pair> context = train;
  context_rng.shuffle(context);
  context.resize(std::min<size_t>(context.size(), static_cast<size_t>(o.context_size)));

  auto evaluate = [&](const std::vector<Pair>& heldout, Rng& rng, double* pooled_s, double* pooled_p, double* pooled_k, double* within) {
    if (heldout.size() < 3) {
      *pooled_s = *pooled_p = *pooled_k = *within = 0;
      return;
    }
    torch::NoGradGuard no_grad;
    s.net->eval();
    auto zc = embed(context, rng), zh = embed(heldout, rng);
    auto& k = s.net->kernel;
    auto kcc = k->covariance(zc, zc) + k->noise() * torch::eye(zc.size(0), zc.options());
    auto l = robust_cholesky(kcc);
    auto alpha = torch::cholesky_solve((labels(context) - k->mean).unsqueeze(1), l);
    auto mu = (k->covariance(zh, zc).matmul(alpha).squeeze(1) + k->mean).contiguous();
    std::vector<double> pred(mu.data_ptr<double>(), mu.data_ptr<double>() + mu.size(0)), truth;
    for (const auto& p : heldout) truth.push_back(p.accuracy);
    *pooled_s = spearman(pred, truth);
    *pooled_p = pearson(pred, truth);
    *pooled_k = kendall_tau_b(pred, truth);
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> by_task;
    for (size_t i = 0; i < heldout.size(); ++i) {
      by_task[heldout[i].task].first.push_back(pred[i]);
      by_task[heldout[i].task].second.push_back(truth[i]);
    }
    double total = 0;
    int counted = 0;
    for (auto& [t, pt] : by_task)
      if (pt.first.size() >= 3) total += spearman(pt.first, pt.second), ++counted;
    *within = counted ? total / counted : 0;
  };

  const auto start = std::chrono::steady_clock::now();
  for (int epoch = start_epoch; epoch < o.epochs; ++epoch) {
    Rng rng(o.seed * 1000003 + static_cast<uint64_t>(epoch));  // per epoch, so that a resume replays exactly
    torch::manual_seed(o.seed * 1000003 + static_cast<uint64_t>(epoch));
    std::vector<Pair> order = train;
    rng.shuffle(order);
    s.net->train();
    if (builtin_featurizer) s.net->featurizer->eval();
    double loss_sum = 0;
    int batches = 0;
    for (size_t b = 0; b < order.size(); b += o.batch) {
      std::vector<Pair> batch(order.begin() + b, order.begin() + std::min(order.size(), b + o.batch));
      if (batch.size() < 2) continue;
      auto loss = s.net->kernel->negative_mll(embed(batch, rng), labels(batch).to(device));
      if (!torch::isfinite(loss).item<bool>()) throw Error("fit: the loss is not finite at epoch " + std::to_string(epoch + 1) + " (try a smaller --lr)");
      opt.zero_grad();
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    FitMetrics m;
    m.epoch = epoch + 1;
    m.loss = loss_sum / std::max(1, batches);
    if (m.loss < best_loss - 1e-4) {
      best_loss = m.loss;
      since_best_loss = 0;
    } else if (++since_best_loss > o.plateau_patience) {
      lr *= 0.1;
      since_best_loss = 0;
      for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    }
    m.learning_rate = lr;
    Rng eval_rng(o.seed + 3);
    double within_pairs = 0;
    evaluate(val_pairs, eval_rng, &m.pair_spearman, &m.pair_pearson, &m.pair_kendall, &within_pairs);
    evaluate(val_tasks, eval_rng, &m.task_spearman, &m.task_pearson, &m.task_kendall, &m.task_spearman_within);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[300];
    std::snprintf(line, sizeof line,
                  "epoch %d/%d loss %.4f lr %.0e | held-out pairs: spearman %.3f | held-out subtasks: spearman %.3f "
                  "(within-subtask %.3f), pearson %.3f, kendall %.3f | %.0fs",
                  m.epoch, o.epochs, m.loss, m.learning_rate, m.pair_spearman, m.task_spearman, m.task_spearman_within,
                  m.task_pearson, m.task_kendall, m.seconds);
    progress(line);
    history.push_back({{"epoch", m.epoch}, {"loss", m.loss}, {"lr", lr}, {"pair_spearman", m.pair_spearman},
                       {"task_spearman", m.task_spearman}, {"task_spearman_within", m.task_spearman_within},
                       {"task_pearson", m.task_pearson}, {"task_kendall", m.task_kendall}});

    // Context of meta-training points for zero-shot predictions, stored with every saved checkpoint.
    auto save_context = [&](const std::string& dir) {
      torch::NoGradGuard no_grad;
      s.net->eval();
      Rng crng(o.seed + 4);
      auto z = embed(context, crng).cpu();
      c10::Dict<std::string, torch::Tensor> ctx;
      ctx.insert("z", z);
      ctx.insert("y", labels(context));
      const auto bytes = torch::pickle_save(c10::IValue(ctx));
      write_file_atomically(dir + "/context.pt", std::vector<uint8_t>(bytes.begin(), bytes.end()));
    };
    const nlohmann::json metrics = history.back();
    if (m.task_spearman > best.task_spearman || val_tasks.size() < 3) {
      best = m;
      surrogate.save(o.out, {{"metrics", metrics}, {"fit", fit_config},
                             {"meta_dataset", {{"path", o.meta_dataset}, {"created_by", md.created_by}, {"results", md.results.size()},
                                               {"tasks", md.tasks.size()}, {"proxy_config", nlohmann::json::parse(md.proxy_config)}}}});
      save_context(o.out);
      s.net->to(device);
    }
    fs::create_directories(last);
    torch::save(s.net, last + "/model.pt.tmp");
    fs::rename(last + "/model.pt.tmp", last + "/model.pt");
    torch::save(opt, last + "/optimizer.pt.tmp");
    fs::rename(last + "/optimizer.pt.tmp", last + "/optimizer.pt");
    s.net->to(device);
    const nlohmann::json state = {{"fit", fit_config}, {"epoch", m.epoch}, {"lr", lr}, {"best_loss", best_loss},
                                  {"since_best_loss", since_best_loss},
                                  {"best", {{"epoch", best.epoch}, {"task_spearman", best.task_spearman}}},
                                  {"history", history}};
    const std::string text = state.dump();
    write_file_atomically(last + "/state.json", std::vector<uint8_t>(text.begin(), text.end()));
  }
  return best;
}

}  // namespace tnas
