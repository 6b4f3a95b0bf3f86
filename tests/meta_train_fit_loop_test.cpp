// meta_train fit's parts: the held-out split, the rank metrics, the loop's callbacks (plateau schedule, NaN
// stop, keep-best across a resume) and per-source held-out metrics, with golden values for a small fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "basics/error.h"
#include "datasets/meta/meta_dataset.h"
#include "meta_train/fit/checkpoint_folder.h"
#include "meta_train/fit/fit_callbacks.h"
#include "meta_train/fit/fit_loop.h"
#include "meta_train/fit/fit_split.h"
#include "meta_train/fit/pair_embedder.h"
#include "meta_train/fit/surrogate_fitter.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// `tasks` tasks x 5 cells; tasks alternate between sources "a" and "b"; accuracy rises with the cell's index
// and the task's. No images (fit without the dataset embedding).
MetaDataset two_source_meta_dataset(int tasks) {
  MetaDataset md;
  md.created_by = "test";
  md.sources.push_back({"a", "h5", "", 0, 4, ""});
  md.sources.push_back({"b", "h5", "", 0, 4, ""});
  for (int t = 0; t < tasks; ++t) {
    md.tasks.push_back(MetaTask{t % 2, {0, 1}, static_cast<uint64_t>(t), -1, -1});
    for (int a = 0; a < 5; ++a) {
      const Nb201Cell cell = Nb201Cell::from_id(1500 * a + 41 * t);
      MetaArch arch{{}, cell.to_string()};
      for (Nb201Op op : cell.ops()) arch.ops.push_back(static_cast<int32_t>(op));
      MetaResult r;
      r.task = t;
      r.arch = md.arch_index(arch);
      r.valid_acc = r.test_acc = 40 + 6 * a + 0.5 * t;
      md.results.push_back(r);
    }
  }
  return md;
}

TEST(FitSplit, HeldOutSubtasksNeverTrainAndLabelsAreZScoredByTrainingPairs) {
  const MetaDataset md = two_source_meta_dataset(40);
  const FitSplit split = split_meta_dataset(md, std::vector<bool>(40, true), 0.2, 0.1, 7);
  EXPECT_EQ(split.train.size() + split.heldout_pairs.size() + split.heldout_tasks.size(), md.results.size());
  std::set<int> held;
  for (const auto& p : split.heldout_tasks) held.insert(p.task);
  EXPECT_EQ(static_cast<int>(held.size()), split.heldout_task_count);
  EXPECT_GT(split.heldout_task_count, 0);
  EXPECT_FALSE(split.heldout_pairs.empty());
  double sum = 0, sum2 = 0;
  for (const auto& p : split.train) {
    EXPECT_EQ(held.count(p.task), 0u) << "task " << p.task << " is both trained on and held out";
    EXPECT_EQ(p.source, p.task % 2);
    sum += p.accuracy, sum2 += p.accuracy * p.accuracy;
  }
  const double n = static_cast<double>(split.train.size()), mean = sum / n;
  EXPECT_NEAR(split.label_mean, mean, 1e-9);
  EXPECT_NEAR(split.label_std, std::sqrt(sum2 / n - mean * mean), 1e-9);
  for (const auto& p : split.heldout_pairs)
    EXPECT_NEAR(p.y, (p.accuracy - split.label_mean) / split.label_std, 1e-12);
  // Same seed, same split; another seed, another one.
  const FitSplit again = split_meta_dataset(md, std::vector<bool>(40, true), 0.2, 0.1, 7);
  ASSERT_EQ(again.train.size(), split.train.size());
  for (size_t i = 0; i < split.train.size(); ++i)
    EXPECT_EQ(again.train[i].task * 100 + again.train[i].arch,
              split.train[i].task * 100 + split.train[i].arch);
  EXPECT_NE(split_meta_dataset(md, std::vector<bool>(40, true), 0.2, 0.1, 8).heldout_task_count * 1000 +
                split_meta_dataset(md, std::vector<bool>(40, true), 0.2, 0.1, 8).train.size(),
            split.heldout_task_count * 1000 + split.train.size());
}

TEST(FitSplit, ASourcesOwnFlagReplacesTheCoinAndTasksWithoutImagesAreLeftOut) {
  MetaDataset md = two_source_meta_dataset(20);
  for (size_t i = 0; i < md.results.size(); i += 4) md.results[i].heldout = 1;
  std::vector<bool> embeddable(20, true);
  embeddable[3] = false;
  const FitSplit split = split_meta_dataset(md, embeddable, 0.0, 0.5, 1);
  EXPECT_EQ(split.left_out, 5u);
  EXPECT_EQ(split.heldout_task_count, 0);
  for (const auto& p : split.train) EXPECT_NE(p.task, 3);
  size_t flagged = 0;
  for (size_t i = 0; i < md.results.size(); ++i) flagged += md.results[i].heldout && md.results[i].task != 3;
  EXPECT_EQ(split.heldout_pairs.size(), flagged);
  EXPECT_NE(split.describe().find("(5 pairs left out: no class of their task has images)"),
            std::string::npos);
  EXPECT_THROW(split_meta_dataset(two_source_meta_dataset(1), std::vector<bool>(1, true), 0.0, 0.0, 1),
               Error);
}

// --label mean-of-valid-and-test: the same split (the coins do not depend on the label), every pair's label
// the mean of its two accuracies, z-scored by the training pairs'; a result without a test accuracy is an
// error naming it, not a label of (valid - 1) / 2.
TEST(FitSplit, TheMeanOfValidAndTestLabelsTheSameSplit) {
  MetaDataset md = two_source_meta_dataset(20);
  for (size_t i = 0; i < md.results.size(); ++i) md.results[i].test_acc = md.results[i].valid_acc + (i % 3);
  const std::vector<bool> all(20, true);
  const FitSplit valid = split_meta_dataset(md, all, 0.2, 0.1, 3);
  const FitSplit mean = split_meta_dataset(md, all, 0.2, 0.1, 3, FitLabel::kMeanOfValidAndTest);
  ASSERT_EQ(mean.train.size(), valid.train.size());
  ASSERT_EQ(mean.heldout_tasks.size(), valid.heldout_tasks.size());
  for (size_t i = 0; i < mean.train.size(); ++i)
    ASSERT_EQ(mean.train[i].task * 100 + mean.train[i].arch, valid.train[i].task * 100 + valid.train[i].arch);
  for (const FitSplit* split : {&valid, &mean})
    for (const auto& p : split->heldout_tasks) {
      for (const MetaResult& r : md.results)
        if (r.task == p.task && r.arch == p.arch)
          EXPECT_EQ(p.accuracy, split == &valid ? r.valid_acc : (r.valid_acc + r.test_acc) / 2);
      EXPECT_NEAR(p.y, (p.accuracy - split->label_mean) / split->label_std, 1e-12);
    }
  EXPECT_GT(mean.label_mean, valid.label_mean);
  md.results[7].test_acc = -1;
  try {
    split_meta_dataset(md, all, 0.2, 0.1, 3, FitLabel::kMeanOfValidAndTest);
    FAIL() << "a result without a test accuracy must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("result 7 has no test accuracy"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(split_meta_dataset(md, all, 0.2, 0.1, 3));
}

TEST(FitMetrics, RankMetricsPooledAndWithinTask) {
  // Two tasks of 3 pairs: ranked right within each task, but task 1's predictions sit below task 0's.
  const std::vector<double> predicted = {1, 2, 3, -3, -2, -1}, truth = {1, 2, 3, 11, 12, 13};
  const RankMetrics m = rank_metrics(predicted, truth, {0, 0, 0, 1, 1, 1});
  EXPECT_DOUBLE_EQ(m.within, 1.0);
  EXPECT_NEAR(m.spearman, -0.5428571428571428, 1e-12);  // 1 - 6 * 54 / (6 * 35): every rank off by 3
  EXPECT_EQ(m.pairs, 6);
  const RankMetrics few = rank_metrics({1, 2}, {2, 1}, {0, 0});
  EXPECT_EQ(few.pairs, 0);
  EXPECT_EQ(few.spearman, 0);
}

// A loop over the two-source meta-dataset without the dataset embedding (no images needed).
struct SmallLoop {
  explicit SmallLoop(int epochs, double lr = 3e-4) : md(two_source_meta_dataset(30)) {
    SurrogateOptions options;
    options.dataset_embedding = false;
    options.arch_hidden = 16;
    surrogate = std::make_unique<Surrogate>(options, 1, 0);
    FitSplit split = split_meta_dataset(md, std::vector<bool>(30, true), 0.2, 0.1, 0);
    surrogate->set_label_stats(split.label_mean, split.label_std);
    std::vector<EncoderInput> configs;
    for (const auto& a : md.archs) configs.push_back({make_op_graph(Nb201Cell::parse(a.string)), {}});
    embedder = std::make_unique<PairEmbedder>(surrogate->impl(), std::vector<TaskImages>(30), FeatureMatrix{},
                                              configs, PairProxyInputs{}, torch::kCPU);
    loop =
        std::make_unique<FitLoop>(surrogate->impl(), *embedder, std::move(split),
                                  std::vector<std::string>{"a", "b"}, FitLoopOptions{epochs, 16, lr, 64, 0});
  }
  MetaDataset md;
  std::unique_ptr<Surrogate> surrogate;
  std::unique_ptr<PairEmbedder> embedder;
  std::unique_ptr<FitLoop> loop;
};

TEST(FitLoop, PlateauScheduleCutsTheRateAfterPatienceEpochsWithoutImprovement) {
  SmallLoop small(1);
  PlateauSchedule plateau(1);
  std::vector<double> rates;
  for (double loss : {5.0, 4.0, 4.0, 4.0, 3.99995, 3.9, 3.95, 3.95}) {
    plateau.on_training_loss(*small.loop, 0, loss);
    rates.push_back(small.loop->learning_rate());
  }
  // 4.0 twice without improvement (> patience 1) cuts; 3.99995 is within min_delta, 3.9 improves.
  const std::vector<double> expected = {3e-4, 3e-4, 3e-4, 3e-5, 3e-5, 3e-5, 3e-5, 3e-6};
  ASSERT_EQ(rates.size(), expected.size());
  for (size_t i = 0; i < rates.size(); ++i) EXPECT_NEAR(rates[i], expected[i], 1e-15) << "after loss " << i;
  nlohmann::json state;
  plateau.save(state);
  PlateauSchedule restored(1);
  restored.restore(state);
  nlohmann::json again;
  restored.save(again);
  EXPECT_EQ(again, state);
}

TEST(FitLoop, ANonFiniteLossStopsTheFitNamingTheEpoch) {
  SmallLoop small(2);
  StopOnNonFiniteLoss stop;
  EXPECT_NO_THROW(stop.on_batch_loss(*small.loop, 0, 1.5));
  try {
    stop.on_batch_loss(*small.loop, 2, std::nan(""));
    ADD_FAILURE() << "NaN accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not finite at epoch 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(stop.on_batch_loss(*small.loop, 0, INFINITY), Error);
}

// KeepBest writes exactly the epochs that beat every earlier one, and after a resume compares with the
// restored best, not with nothing.
TEST(FitLoop, KeepBestWritesOnlyImprovingEpochsAcrossAResume) {
  SmallLoop small(1);
  std::vector<int> written;
  KeepBest keep([&](FitLoop&, const FitMetrics& m) { written.push_back(m.epoch); });
  const std::vector<double> spearman = {0.2, 0.5, 0.4, 0.6, 0.6};
  nlohmann::json state;
  for (size_t e = 0; e < spearman.size(); ++e) {
    FitMetrics m;
    m.epoch = static_cast<int>(e) + 1;
    m.selection = spearman[e];
    if (e == 2) {  // a kill after epoch 2
      keep.save(state);
      KeepBest resumed([&](FitLoop&, const FitMetrics& x) { written.push_back(x.epoch); });
      resumed.restore(state);
      keep = resumed;
    }
    keep.on_epoch_end(*small.loop, m);
  }
  EXPECT_EQ(written, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(keep.best().epoch, 4);
}

// End to end on two sources: metrics per source next to the pooled ones, in the log and the manifest, and
// golden values for this small fit (CPU, one seed): a change of the fit's arithmetic shows here (the last:
// the level-synchronous graph encoder, which sums a node's messages and its vertex id's term in another
// order).
TEST(Fit, HeldOutMetricsArePerSourceWithGoldenValues) {
  const auto dir = test::scratch_dir("fit_sources");
  const std::string meta = (dir / "meta.h5").string();
  write_meta_dataset(meta, two_source_meta_dataset(40));
  FitOptions o;
  o.meta_dataset = meta;
  o.out = (dir / "ckpt").string();
  o.epochs = 3;
  o.batch = 32;
  o.heldout_task_fraction = 0.25;
  o.model.dataset_embedding = false;
  o.model.arch_hidden = 16;
  std::vector<std::string> lines;
  const FitMetrics best = fit_surrogate(o, [&](const std::string& l) { lines.push_back(l); });
  int source_lines = 0;
  for (const auto& l : lines) source_lines += l.rfind("  source ", 0) == 0;
  EXPECT_EQ(source_lines, 2 * 3);
  std::ifstream in(o.out + "/manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  const auto& sources = manifest.at("metrics").at("sources");
  ASSERT_TRUE(sources.contains("a") && sources.contains("b"));
  const FitSplit split =
      split_meta_dataset(two_source_meta_dataset(40), std::vector<bool>(40, true), 0.25, 0.1, 0);
  EXPECT_EQ(
      sources["a"]["heldout_task_pairs"].get<size_t>() + sources["b"]["heldout_task_pairs"].get<size_t>(),
      split.heldout_tasks.size());
  EXPECT_EQ(sources["a"]["heldout_pairs"].get<size_t>() + sources["b"]["heldout_pairs"].get<size_t>(),
            split.heldout_pairs.size());
  std::printf("golden: %.9f %.9f %.9f\n", best.task_spearman, best.sources.at("a").tasks.spearman,
              best.sources.at("b").tasks.spearman);
  EXPECT_EQ(best.epoch, manifest.at("metrics").at("epoch").get<int>());
  EXPECT_NEAR(best.task_spearman, 0.697004739, 1e-6);
  EXPECT_NEAR(best.sources.at("a").tasks.spearman, 0.824572288, 1e-6);
  EXPECT_NEAR(best.sources.at("b").tasks.spearman, 0.678502572, 1e-6);
}

}  // namespace
}  // namespace tnas
