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
#include "datasets/output_lock.h"
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
  int source = 0;
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

// Classes of a source that have at least one image (a source loaded with its empty classes kept).
std::vector<int> present_classes(const ImageDataset& d) {
  std::vector<bool> seen(d.num_classes(), false);
  for (int32_t l : d.labels) seen[l] = true;
  std::vector<int> out;
  for (int k = 0; k < d.num_classes(); ++k)
    if (seen[k]) out.push_back(k);
  return out;
}

// Every source of the meta-dataset, from --source NAME=SPEC or the recorded path, as featurizer input (RGB
// 32x32), with empty classes kept so that the tasks' class ids index them as recorded.
std::vector<ImageDataset> load_meta_sources(const MetaDataset& md, const FitOptions& o,
                                            const std::function<void(const std::string&)>& progress) {
  for (const auto& [name, spec] : o.source_specs)
    if (std::none_of(md.sources.begin(), md.sources.end(), [&](const MetaSource& m) { return m.name == name; }))
      throw Error("--source " + name + "=" + spec + ": " + o.meta_dataset + " has no source named '" + name + "'");
  std::vector<ImageDataset> sources;
  for (const auto& m : md.sources) {
    const auto it = o.source_specs.find(m.name);
    const std::string spec = it != o.source_specs.end() ? it->second : m.path;
    if (spec.empty())
      throw Error(o.meta_dataset + ": source '" + m.name + "' records no images; pass --source " + m.name +
                  "=SPEC (e.g. imagenet32:DIR) or fit with --no-dataset-embedding");
    progress("source " + m.name + ": loading " + spec);
    // Imported tasks index the file's classes, empty ones included (MetaD2A's 1,000 labels); collected tasks
    // index the classes that have images, as `collect` loaded them.
    ImageDataset d = featurizer_input(load_dataset(spec, LoadOptions{true}));
    if (d.num_classes() != m.n_classes && static_cast<int64_t>(present_classes(d).size()) == m.n_classes)
      d = keep_classes(d, present_classes(d));
    if (d.num_classes() != m.n_classes)
      throw Error(spec + ": has " + std::to_string(d.num_classes()) + " classes, but source '" + m.name + "' of " +
                  o.meta_dataset + " was recorded with " + std::to_string(m.n_classes));
    d.source = spec;
    sources.push_back(std::move(d));
  }
  return sources;
}

// Each task's training images (source image ids in feature_rows for now; task_features maps them to rows):
// a collected task is redrawn exactly from its source, classes, seed and n; an imported task (n = -1, e.g.
// MetaD2A's) takes all images of those of its classes that have any. A task left with none has classes = 0.
std::vector<TaskData> list_task_images(const MetaDataset& md, const std::vector<ImageDataset>& sources,
                                       const std::string& path) {
  nlohmann::json collect;
  try {
    collect = nlohmann::json::parse(md.proxy_config).value("collect", nlohmann::json::object());
  } catch (const std::exception&) {
  }
  std::vector<ClassIndex> index;
  for (const auto& src : sources) index.emplace_back(src);
  std::vector<TaskData> tasks(md.tasks.size());
  for (size_t t = 0; t < md.tasks.size(); ++t) {
    const MetaTask& mt = md.tasks[t];
    const ImageDataset& src = sources.at(mt.source);
    TaskData& task = tasks[t];
    task.source = mt.source;
    if (mt.images_per_class < 0) {
      for (int32_t c : mt.classes) {
        if (c < 0 || c >= src.num_classes()) throw Error(path + ": task " + std::to_string(t) + " names class " + std::to_string(c) + ", outside " + src.source);
        const auto& ids = index[mt.source].images_of(c);
        if (ids.empty()) continue;
        for (int64_t i : ids) task.feature_rows.push_back(i), task.labels.push_back(task.classes);
        ++task.classes;
      }
      continue;
    }
    if (!collect.contains("valid_fraction"))
      throw Error(path + ": no collect settings recorded, so subtask images cannot be redrawn (fit it with --no-dataset-embedding)");
    SubtaskConfig config;
    config.valid_fraction = collect.at("valid_fraction");
    config.test_fraction = collect.at("test_fraction");
    config.classes = static_cast<int>(mt.classes.size());
    config.images_per_class = mt.images_per_class;
    const Subtask sub = sample_subtask(src, index[mt.source], config, mt.seed);
    if (std::vector<int32_t>(sub.classes.begin(), sub.classes.end()) != mt.classes)
      throw Error(path + ": task " + std::to_string(t) + " cannot be redrawn (classes differ): was it collected from another version of " + src.source + "?");
    task.classes = config.classes;
    for (int64_t i : sub.train) {
      task.feature_rows.push_back(i);
      task.labels.push_back(static_cast<int32_t>(std::find(sub.classes.begin(), sub.classes.end(), src.labels[i]) - sub.classes.begin()));
    }
  }
  return tasks;
}

// Features of every image some task uses (through the per-source cache), one matrix for all sources; each
// task's feature_rows are rewritten from source image ids to rows of that matrix.
torch::Tensor task_features(const Surrogate& surrogate, const MetaDataset& md, const std::vector<ImageDataset>& sources,
                            std::vector<TaskData>& tasks, const FitOptions& o,
                            const std::function<void(const std::string&)>& progress) {
  const std::string featurizer = surrogate.featurizer_id();
  const int64_t dim = surrogate.options().feature_dim;
  std::vector<float> all;
  int64_t rows_total = 0;
  for (size_t si = 0; si < sources.size(); ++si) {
    const ImageDataset& src = sources[si];
    std::map<int64_t, int64_t> row_of;  // source image -> row of the matrix
    std::vector<int64_t> images;
    for (auto& t : tasks)
      if (t.source == static_cast<int>(si))
        for (int64_t& r : t.feature_rows) {
          auto [it, fresh] = row_of.emplace(r, rows_total + static_cast<int64_t>(images.size()));
          if (fresh) images.push_back(r);
          r = it->second;
        }
    if (images.empty()) continue;
    FeatureCacheStats stats;
    const auto values = cached_features(
        o.feature_cache_dir.empty() ? "" : feature_cache_path(o.feature_cache_dir, src.source, featurizer), src.source,
        featurizer, src.size(), dim, images,
        [&](const std::vector<int64_t>& rows) {
          progress("features: running the featurizer on " + std::to_string(rows.size()) + " images of " + src.source);
          const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> f = surrogate.image_features(select_images(src, rows));
          return std::vector<float>(f.data(), f.data() + f.size());
        },
        &stats);
    if (!stats.warning.empty()) progress("feature cache " + stats.path + ": " + stats.warning);
    all.insert(all.end(), values.begin(), values.end());
    rows_total += static_cast<int64_t>(images.size());
    progress("features: source " + md.sources[si].name + ": " + std::to_string(images.size()) + " images (" +
             std::to_string(stats.from_cache) + " from the cache, " + std::to_string(stats.computed) + " computed; featurizer " +
             featurizer + (stats.path.empty() ? ", no cache" : ", cache " + stats.path) + ")");
  }
  return torch::from_blob(all.data(), {rows_total, dim}, torch::kFloat32).clone();
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
  if (o.out.empty()) throw Error("missing --out DIR");
  const OutputLock lock(o.out, LockTarget::kDirectory, "fit");  // also checks --out is writable before any work
  const MetaDataset md = read_meta_dataset(o.meta_dataset);
  if (md.search_space != o.model.search_space)
    throw Error(o.meta_dataset + ": search space '" + md.search_space + "' differs from the model's '" + o.model.search_space + "'");
  if (md.results.size() < 10) throw Error(o.meta_dataset + ": too few results to fit (" + std::to_string(md.results.size()) + ")");
  const bool use_d = o.model.dataset_embedding;
  const torch::Device device(resolve_device(o.device) == "cuda" ? torch::kCUDA : torch::kCPU);

  // The images behind every task: each source loaded once, each task's training images listed.
  std::vector<ImageDataset> sources;
  std::vector<TaskData> tasks(md.tasks.size());
  int featurizer_classes = 1;
  size_t featurizer_source = 0;
  if (use_d) {
    sources = load_meta_sources(md, o, progress);
    tasks = list_task_images(md, sources, o.meta_dataset);
    // The built-in featurizer learns the classes of the source with the most classes that have images.
    for (size_t i = 0; i < sources.size(); ++i)
      if (present_classes(sources[i]).size() > present_classes(sources[featurizer_source]).size()) featurizer_source = i;
    featurizer_classes = static_cast<int>(present_classes(sources[featurizer_source]).size());
  }
  Surrogate surrogate(o.model, featurizer_classes, o.seed, o.featurizer_path);
  const bool builtin_featurizer = surrogate.options().featurizer == "builtin-cnn";
  SurrogateImpl& s = surrogate.impl();

  torch::Tensor features;
  if (use_d) {
    if (builtin_featurizer) {
      const ImageDataset& src = sources[featurizer_source];
      train_featurizer(s, keep_classes(src, present_classes(src)), o, progress);
    }
    features = task_features(surrogate, md, sources, tasks, o, progress);
  }

  // Split: held-out subtasks, then held-out pairs of the remaining subtasks (or the source's own flag).
  Rng split_rng(o.seed + 1);
  std::vector<bool> heldout_task(md.tasks.size(), false);
  for (auto&& h : heldout_task) h = split_rng.uniform01() < o.heldout_task_fraction;
  const bool source_flags = std::any_of(md.results.begin(), md.results.end(), [](const MetaResult& r) { return r.heldout; });
  std::vector<Pair> train, val_pairs, val_tasks;
  double sum = 0, sum2 = 0;
  std::vector<int> kind(md.results.size());
  size_t without_images = 0;
  for (size_t i = 0; i < md.results.size(); ++i) {
    const auto& r = md.results[i];
    if (use_d && tasks[r.task].classes == 0) {  // nothing to embed: left out (the meta-dataset says so)
      kind[i] = 3;
      ++without_images;
      continue;
    }
    kind[i] = heldout_task[r.task] ? 2 : (source_flags ? r.heldout : split_rng.uniform01() < o.heldout_pair_fraction) ? 1 : 0;
    if (kind[i] == 0) sum += r.valid_acc, sum2 += r.valid_acc * r.valid_acc;
  }
  size_t n_train = std::count(kind.begin(), kind.end(), 0);
  if (n_train < 10) throw Error("too few training pairs after the split");
  const double mean = sum / n_train, std = std::sqrt(std::max(1e-12, sum2 / n_train - mean * mean));
  surrogate.set_label_stats(mean, std);
  for (size_t i = 0; i < md.results.size(); ++i) {
    const auto& r = md.results[i];
    if (kind[i] == 3) continue;
    Pair p{r.task, r.arch, (r.valid_acc - mean) / std, r.valid_acc};
    (kind[i] == 0 ? train : kind[i] == 1 ? val_pairs : val_tasks).push_back(p);
  }
  std::vector<Nb201Cell> cells;
  for (const auto& a : md.archs) cells.push_back(Nb201Cell::parse(a.string));
  progress("split: " + std::to_string(train.size()) + " training pairs, " + std::to_string(val_pairs.size()) +
           " held-out pairs, " + std::to_string(val_tasks.size()) + " pairs of " +
           std::to_string(std::count(heldout_task.begin(), heldout_task.end(), true)) + " held-out subtasks" +
           (without_images ? " (" + std::to_string(without_images) + " pairs left out: no class of their task has images)" : "") +
           "; labels " +
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
  if (!o.source_specs.empty()) fit_config["sources"] = o.source_specs;
  if (fs::exists(last + "/state.json")) {
    std::ifstream in(last + "/state.json");
    const auto state = nlohmann::json::parse(in);
    if (state.at("fit") != fit_config)
      throw Error(last + ": was written by a fit with other settings; use another --out or the same options");
    // The weights and optimizer state this state.json was written with (older states: the fixed names).
    torch::load(s.net, last + "/" + state.value("model", std::string("model.pt")));
    torch::load(opt, last + "/" + state.value("optimizer", std::string("optimizer.pt")));
    start_epoch = state.at("epoch");
    lr = state.at("lr");
    // LibTorch's optimizer archive keeps Adam's moments but not the plateau-reduced learning rate.
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
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
    auto context_bytes = [&] {
      torch::NoGradGuard no_grad;
      s.net->eval();
      Rng crng(o.seed + 4);
      auto z = embed(context, crng).cpu();
      c10::Dict<std::string, torch::Tensor> ctx;
      ctx.insert("z", z);
      ctx.insert("y", labels(context));
      const auto bytes = torch::pickle_save(c10::IValue(ctx));
      return std::vector<uint8_t>(bytes.begin(), bytes.end());
    };
    const nlohmann::json metrics = history.back();
    if (m.task_spearman > best.task_spearman || val_tasks.size() < 3) {
      best = m;
      surrogate.save(o.out, {{"metrics", metrics}, {"fit", fit_config},
                             {"meta_dataset", {{"path", o.meta_dataset}, {"created_by", md.created_by}, {"results", md.results.size()},
                                               {"tasks", md.tasks.size()}, {"proxy_config", nlohmann::json::parse(md.proxy_config)}}}},
                     {{"context.pt", context_bytes()}});
      s.net->to(device);
    }
    // Resume state: this epoch's weights and optimizer under names of their own, then state.json naming
    // them (the commit point), then the previous epoch's files. A kill anywhere leaves a state.json whose
    // files are complete and belong to it, so a resumed fit repeats exactly the epoch that did not finish.
    fs::create_directories(last);
    const std::string model_file = "model-" + std::to_string(m.epoch) + ".pt", optimizer_file = "optimizer-" + std::to_string(m.epoch) + ".pt";
    write_file_atomically(last + "/" + model_file, torch_bytes(s.net));
    write_file_atomically(last + "/" + optimizer_file, torch_bytes(opt));
    s.net->to(device);
    const nlohmann::json state = {{"fit", fit_config}, {"epoch", m.epoch}, {"lr", lr}, {"best_loss", best_loss},
                                  {"since_best_loss", since_best_loss},
                                  {"best", {{"epoch", best.epoch}, {"task_spearman", best.task_spearman}}},
                                  {"history", history}, {"model", model_file}, {"optimizer", optimizer_file}};
    const std::string text = state.dump();
    write_file_atomically(last + "/state.json", std::vector<uint8_t>(text.begin(), text.end()));
    for (const auto& entry : fs::directory_iterator(last)) {
      const std::string name = entry.path().filename().string();
      if ((name.rfind("model", 0) == 0 || name.rfind("optimizer", 0) == 0) && name != model_file && name != optimizer_file)
        fs::remove(entry.path());
    }
  }
  return best;
}

}  // namespace tnas
