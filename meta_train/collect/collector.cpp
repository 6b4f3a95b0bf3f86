#include "meta_train/collect/collector.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "basics/duration_text.h"
#include "basics/error.h"
#include "basics/memory_scope.h"
#include "basics/output_lock.h"
#include "basics/rng.h"
#include "basics/stable_hash.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/images/subtask_sampler.h"
#include "datasets/meta/meta_dataset.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/joint/joint_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "graphs/spaces/search_space_factory.h"
#include "models/runtime/runtime.h"
#include "models/trainer/cell_trainer.h"
#include "models/trainer/configured_training.h"
#include "tnas_version.h"

namespace tnas {
namespace {

int draw_between(Rng& rng, int lo, int hi) { return lo + static_cast<int>(rng.uniform_int(hi - lo + 1)); }

// Cells sorted by parameter count (one per isomorphism class), for params-spread sampling: larger
// cells tend to be more accurate, so strata of the parameter range spread the cells over accuracies.
std::vector<Nb201Cell> cells_by_params() {
  const Nb201Space space;
  std::vector<std::pair<int64_t, Nb201Cell>> cells;
  for (const Arch& a : dedupe_by_iso_key(space, space.enumerate())) {
    const Nb201Cell c = Nb201Space::to_cell(a);
    cells.emplace_back(nb201_param_count(c, Nb201MacroConfig()), c);
  }
  std::stable_sort(cells.begin(), cells.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Nb201Cell> out;
  for (auto& [p, c] : cells) out.push_back(c);
  return out;
}

// How many edges of the cell carry each operation: its operation mix.
std::array<int, kNb201NumOps> op_mix(const Nb201Cell& cell) {
  std::array<int, kNb201NumOps> counts{};
  for (const Nb201Op op : cell.ops()) ++counts[static_cast<int>(op)];
  return counts;
}

// Stratified sampling's draw from one parameter stratum [lo, hi) of `sorted`: of a few random candidates,
// the one whose operation mix is farthest (L1) from the nearest mix already chosen for the task, so that a
// task's cells cover both sizes and kinds of operation rather than only sizes.
Nb201Cell most_novel_op_mix(const std::vector<Nb201Cell>& sorted, size_t lo, size_t hi,
                            const std::vector<Nb201Cell>& chosen, Rng& rng) {
  constexpr int kCandidates = 8;
  Nb201Cell best;
  int best_distance = -1;
  for (int c = 0; c < kCandidates; ++c) {
    const Nb201Cell candidate = sorted[lo + rng.uniform_int(hi - lo)];
    int nearest = kNb201NumEdges * 2 + 1;
    for (const Nb201Cell& other : chosen) {
      int distance = 0;
      const auto mine = op_mix(candidate), theirs = op_mix(other);
      for (int op = 0; op < kNb201NumOps; ++op) distance += std::abs(mine[op] - theirs[op]);
      nearest = std::min(nearest, distance);
    }
    if (nearest > best_distance) best_distance = nearest, best = candidate;
  }
  return best;
}

// The collect configuration recorded in the meta-dataset; a resumed run must match it exactly.
std::string collect_config_json(const CollectOptions& options) {
  nlohmann::json j = {{"preset", to_json(options.preset)},
                      {"collect",
                       {{"source", options.source},
                        {"tasks", options.tasks},
                        {"classes", {options.min_classes, options.max_classes}},
                        {"images_per_class", {options.min_images, options.max_images}},
                        {"archs_per_task", options.archs_per_task},
                        {"arch_sampling", enum_name(options.arch_sampling)},
                        {"valid_fraction", options.valid_fraction},
                        {"test_fraction", options.test_fraction},
                        {"seed", options.seed}}}};
  // Only another space says so, as only a fast-mode collection does: files from before keep their settings.
  if (options.space != "nb201") j["collect"]["space"] = options.space;
  // Only a fast-mode collection says so: strict is what files written before the option used.
  if (resolve_train_mode(options.mode, resolve_device(options.device)) == TrainingMode::kFast)
    j["collect"]["mode"] = "fast";
  return j.dump();
}

}  // namespace

template <>
const EnumNames<ArchSampling>& enum_names<ArchSampling>() {
  static const EnumNames<ArchSampling> names = {{ArchSampling::kUniform, "uniform"},
                                                {ArchSampling::kParamsSpread, "params-spread"},
                                                {ArchSampling::kStratified, "stratified"}};
  return names;
}

std::vector<PlannedTask> plan_collection(const CollectOptions& options) {
  // A plan is held in memory: a typo like 1e9 tasks is refused by name rather than ending in bad_alloc.
  if (options.tasks < 1 || options.tasks > 1000000)
    throw Error("--tasks must be in 1..1000000, got " + std::to_string(options.tasks));
  if (options.min_classes < 2 || options.max_classes < options.min_classes)
    throw Error("--classes-per-task must be K or LO-HI with 2 <= LO <= HI");
  if (options.min_images < 2 || options.max_images < options.min_images)
    throw Error("--images-per-class must be N or LO-HI with 2 <= LO <= HI");
  const std::unique_ptr<SearchSpace> space = make_search_space(options.space);
  const int64_t most = space->size() < 0 ? 1000000 : std::min<int64_t>(space->size(), 1000000);
  if (options.archs_per_task < 1 || options.archs_per_task > most)
    throw Error("--archs-per-task must be in 1.." + std::to_string(most) + " (the " + space->name() +
                " space), got " + std::to_string(options.archs_per_task));
  const bool uniform = options.arch_sampling == ArchSampling::kUniform;
  if (!uniform && space->name() != "nb201")
    throw Error("--arch-sampling " + enum_name(options.arch_sampling) +
                " draws NB201 cells; use uniform for space " + space->name());
  const MemoryScope scope("planning " + std::to_string(options.tasks) + " tasks x " +
                          std::to_string(options.archs_per_task) + " configurations");
  Rng rng(options.seed);
  const auto sorted = uniform ? std::vector<Nb201Cell>{} : cells_by_params();
  std::vector<PlannedTask> plan(options.tasks);
  for (auto& t : plan) {
    t.seed = rng.next_u64();
    t.classes = draw_between(rng, options.min_classes, options.max_classes);
    t.images_per_class = draw_between(rng, options.min_images, options.max_images);
    std::set<std::string> keys;  // distinct isomorphism classes within a task
    std::vector<Nb201Cell> chosen;
    for (int a = 0; static_cast<int>(t.archs.size()) < options.archs_per_task; ++a) {
      Arch config;
      if (uniform) {
        config = space->sample(rng);
      } else {
        const size_t strata = static_cast<size_t>(options.archs_per_task), k = t.archs.size();
        const size_t lo = sorted.size() * k / strata, hi = sorted.size() * (k + 1) / strata;
        const Nb201Cell cell = options.arch_sampling == ArchSampling::kStratified
                                   ? most_novel_op_mix(sorted, lo, hi, chosen, rng)
                                   : sorted[lo + rng.uniform_int(hi - lo)];
        config = Nb201Space::from_cell(cell);
        chosen.push_back(cell);
      }
      if (keys.insert(space->iso_key(config)).second) {
        t.archs.push_back(space->format(config));
      } else if (!chosen.empty()) {
        chosen.pop_back();
      }
      if (a > 100 * options.archs_per_task) throw Error("cannot draw enough distinct configurations");
    }
  }
  return plan;
}

namespace {

// The meta-dataset at o.out to resume (refused when it holds another collection), or a new one.
MetaDataset open_collection(const CollectOptions& options, const std::string& config) {
  MetaDataset md;
  if (std::filesystem::exists(options.out)) {
    md = read_meta_dataset(options.out);
    if (md.proxy_config != config || md.search_space != options.space)
      throw Error(options.out +
                  ": holds a collection with other settings; use a new --out or the same options "
                  "(recorded: " +
                  md.proxy_config + ")");
    return md;
  }
  md.created_by = std::string("tnas ") + TNAS_VERSION + " (collect, shard " + std::to_string(options.shard) +
                  "/" + std::to_string(options.shards) + ", " + runtime_versions().dump() + ")";
  md.seed = options.seed;
  md.proxy_config = config;
  md.search_space = options.space;
  return md;
}

// This shard's (task, configuration) pairs of the plan that `md` does not hold yet; `total` = all of them.
std::vector<std::pair<int, int>> pending_pairs(const std::vector<PlannedTask>& plan, const MetaDataset& md,
                                               const CollectOptions& options, size_t& total) {
  std::set<std::pair<uint64_t, std::string>> done;  // (task seed, configuration)
  for (const auto& r : md.results) done.emplace(md.tasks[r.task].seed, md.archs[r.arch].string);
  std::vector<std::pair<int, int>> pending;
  total = 0;
  for (int t = 0; t < static_cast<int>(plan.size()); ++t) {
    if (t % options.shards != options.shard) continue;
    for (int a = 0; a < static_cast<int>(plan[t].archs.size()); ++a) {
      ++total;
      if (!done.count({plan[t].seed, plan[t].archs[a]})) pending.emplace_back(t, a);
    }
  }
  return pending;
}

// Appends one trained pair (adding its task on first use).
void record_result(MetaDataset& md, int32_t source_id, const PlannedTask& pt, const Subtask& task,
                   const MetaArch& arch, const TrainResult& result) {
  int32_t task_id = -1;
  for (size_t i = 0; i < md.tasks.size(); ++i)
    if (md.tasks[i].seed == pt.seed && md.tasks[i].source == source_id) task_id = static_cast<int32_t>(i);
  if (task_id < 0) {
    md.tasks.push_back({source_id, std::vector<int32_t>(task.classes.begin(), task.classes.end()), pt.seed,
                        pt.images_per_class});
    task_id = static_cast<int32_t>(md.tasks.size() - 1);
  }
  MetaResult res;
  res.task = task_id;
  res.arch = md.arch_index(arch);
  res.valid_acc = result.valid_acc;
  res.test_acc = result.test_acc;
  res.train_seconds = result.seconds;
  res.epochs = result.epochs;
  res.params = result.params;
  res.flops = result.flops;
  md.results.push_back(res);
}

// What a result's training seed derives from besides the task's: the configuration's dense id (nb201, jahs:
// as for every result collected so far), or for a joint or grammar space, whose configurations have no dense
// ids, a stable hash of its canonical text.
uint64_t configuration_key(const SearchSpace& space, const Arch& config) {
  if (dynamic_cast<const JointSpace*>(&space) || dynamic_cast<const GrammarSpace*>(&space))
    return stable_hash(space.format(config));
  return static_cast<uint64_t>(space.id(config));
}

}  // namespace

int run_collection(const CollectOptions& options, const std::function<void(const std::string&)>& progress) {
  if (options.shards < 1 || options.shard < 0 || options.shard >= options.shards)
    throw Error("--shard must be i/n with 0 <= i < n");
  if (options.out.empty()) throw Error("missing --out FILE.h5");
  const OutputLock lock(options.out, LockTarget::kFile,
                        "collect");  // shards write their own files; one writer per file
  const auto plan = plan_collection(options);
  const ImageDataset source = load_dataset(options.source);
  if (source.num_classes() < options.max_classes)
    throw Error(source.source + ": has " + std::to_string(source.num_classes()) +
                " classes, fewer than the " + std::to_string(options.max_classes) + " a task may need");
  const ClassIndex index(source);
  const std::unique_ptr<SearchSpace> space = make_search_space(options.space);
  require_trainable(*space);
  MetaDataset md = open_collection(options, collect_config_json(options));
  const auto spec = parse_dataset_spec(options.source);
  const int32_t source_id =
      md.source_index({spec.name(), spec.kind, options.source, source.size(), source.num_classes(), ""});
  size_t total = 0;
  const auto pending = pending_pairs(plan, md, options, total);
  progress("collect: " + std::to_string(total) + " pairs in this shard, " +
           std::to_string(total - pending.size()) + " already in " + options.out + ", " +
           std::to_string(pending.size()) + " to train (preset " + options.preset.name + ")");

  const auto start = std::chrono::steady_clock::now();
  TrainOptions train;
  train.device = options.device;
  train.mode = options.mode;
  int trained = 0;
  for (const auto& [t, a] : pending) {
    const PlannedTask& pt = plan[t];
    SubtaskConfig sc;
    sc.classes = pt.classes;
    sc.images_per_class = pt.images_per_class;
    sc.valid_fraction = options.valid_fraction;
    sc.test_fraction = options.test_fraction;
    const Subtask task = sample_subtask(source, index, sc, pt.seed);
    const Arch config = space->parse(pt.archs[a]);
    const ConfiguredTraining trainee =
        configure_training(*space, config, options.preset);  // jahs: its hyperparameters
    train.seed = pt.seed ^ (configuration_key(*space, config) * 0x9E3779B97F4A7C15ULL);
    const TrainResult r = train_and_evaluate(
        trainee.network, evaluation_data_from_subtask(source, task, trainee.preset), trainee.preset, train);
    record_result(md, source_id, pt, task,
                  MetaArch{std::vector<int32_t>(config.choices.begin(), config.choices.end()), pt.archs[a]},
                  r);
    write_meta_dataset(options.out, md);  // atomic: a kill leaves every result up to this one
    ++trained;

    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double per_min = trained / elapsed * 60;
    const size_t left = pending.size() - trained;
    char line[256];
    std::snprintf(line, sizeof line,
                  "[%zu/%zu] %.1f pairs/min, ETA %s | task %d (k=%d, n=%d) valid %.1f%% test %.1f%% %.1fs",
                  total - left, total, per_min, format_duration(left / per_min * 60).c_str(), t, pt.classes,
                  pt.images_per_class, r.valid_acc, r.test_acc, r.seconds);
    progress(line);
  }
  return trained;
}

}  // namespace tnas
