#include "datasets/meta/meta_dataset.h"
#include "datasets/meta/meta_dataset_csv.h"
#include "datasets/meta/meta_dataset_subset.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <H5Cpp.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "basics/error.h"
#include "basics/rng.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

MetaDataset small_meta(int results, uint64_t seed = 5) {
  MetaDataset d;
  d.created_by = "tnas test";
  d.seed = seed;
  d.proxy_config = R"({"preset":"smoke"})";
  const int32_t s =
      d.source_index({"fashion-mnist", "idx", "/usr/share/datasets/fashion-mnist", 60000, 10, ""});
  d.tasks.push_back({s, {1, 4, 7}, seed, 20});
  d.tasks.push_back({s, {0, 2}, seed + 1, 50});
  for (int i = 0; i < results; ++i) {
    MetaArch a{{i % 5, 0, 1, 2, 3, 4}, "arch" + std::to_string(i % 7)};
    MetaResult r;
    r.task = i % 2;
    r.arch = d.arch_index(a);
    r.valid_acc = 50 + i;
    r.test_acc = 49 + i;
    r.train_seconds = 0.5 * i;
    r.epochs = 3;
    r.params = 1000 + i;
    r.flops = 2000 + i;
    d.results.push_back(r);
  }
  return d;
}

TEST(MetaDataset, RoundTripKeepsEverything) {
  const auto dir = test::scratch_dir("meta_rt");
  const std::string path = (dir / "m.h5").string();
  const MetaDataset d = small_meta(9);
  write_meta_dataset(path, d);
  const MetaDataset back = read_meta_dataset(path);
  EXPECT_EQ(back.created_by, d.created_by);
  EXPECT_EQ(back.seed, d.seed);
  EXPECT_EQ(back.proxy_config, d.proxy_config);
  ASSERT_EQ(back.sources.size(), 1u);
  EXPECT_EQ(back.sources[0].n_images, 60000);
  ASSERT_EQ(back.tasks.size(), 2u);
  EXPECT_EQ(back.tasks[0].classes, (std::vector<int32_t>{1, 4, 7}));
  EXPECT_EQ(back.tasks[1].classes, (std::vector<int32_t>{0, 2}));  // -1 padding removed
  EXPECT_EQ(back.tasks[1].images_per_class, 50);
  ASSERT_EQ(back.archs.size(), 7u);
  ASSERT_EQ(back.results.size(), 9u);
  EXPECT_EQ(back.results[8].valid_acc, 58);
  EXPECT_EQ(back.results[8].arch, d.results[8].arch);
  EXPECT_EQ(back.results[8].flops, 2008);
}

TEST(MetaDataset, OtherSchemaVersionIsRejected) {
  const auto dir = test::scratch_dir("meta_version");
  const std::string path = (dir / "m.h5").string();
  write_meta_dataset(path, small_meta(2));
  {
    H5::H5File f(path, H5F_ACC_RDWR);
    H5::Attribute a = f.openAttribute("schema_version");
    const int64_t two = 2;
    a.write(H5::PredType::NATIVE_INT64, &two);
  }
  try {
    read_meta_dataset(path);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": meta-dataset schema version 2, this tnas reads version 1");
  }
}

TEST(MetaDataset, MergeJoinsShards) {
  MetaDataset a = small_meta(4, 5), b = small_meta(6, 9);
  const MetaDataset m = merge_meta_datasets({a, b}, {"a.h5", "b.h5"});
  EXPECT_EQ(m.sources.size(), 1u);
  EXPECT_EQ(m.tasks.size(), 4u);  // different seeds: distinct tasks
  EXPECT_EQ(m.results.size(), 10u);
  EXPECT_EQ(m.archs.size(), 6u);  // "arch0".."arch5" shared by name
  const MetaDataset again = merge_meta_datasets({a, a}, {"a.h5", "a2.h5"});
  EXPECT_EQ(again.results.size(), 4u);  // overlapping shards: each pair once
  // One source under two protocols would mix labels of different meaning: refused, naming the shard.
  b.proxy_config = R"({"preset":"fast"})";
  try {
    merge_meta_datasets({a, b}, {"a.h5", "b.h5"});
    ADD_FAILURE() << "a source under two protocols was merged";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "b.h5: meta-dataset: source 'fashion-mnist' is already recorded with another proxy config"),
              std::string::npos)
        << e.what();
  }
}

// The same images labelled by two presets (a collection at fast and one at fast-long): the second source is
// kept apart as NAME@PRESET, so that each label keeps its protocol.
TEST(MetaDataset, MergeNamesASecondPresetsSourceAfterItsPreset) {
  MetaDataset a = small_meta(4, 5), b = small_meta(4, 5);
  a.proxy_config = R"({"preset":{"name":"fast","epochs":10}})";
  b.proxy_config = R"({"preset":{"name":"fast-long","epochs":40}})";
  const MetaDataset m = merge_meta_datasets({a, b}, {"a.h5", "b.h5"});
  ASSERT_EQ(m.sources.size(), 2u);
  EXPECT_EQ(m.sources[0].name, "fashion-mnist");
  EXPECT_EQ(m.sources[1].name, "fashion-mnist@fast-long");
  EXPECT_EQ(m.proxy_config_of(1), b.proxy_config);
  EXPECT_EQ(m.tasks.size(), 4u);    // the same draws, once per protocol
  EXPECT_EQ(m.results.size(), 8u);  // every label kept
}

// A second collection of the same protocol with another seed (more subtasks and cells) is more of the same
// source, not a second protocol: one source whose config lists each collection's sampler settings once, also
// when a file merged before is merged again, and beside a source of another preset.
TEST(MetaDataset, MergeJoinsCollectionsOfOneProtocolIntoOneSource) {
  const auto collection = [](int seed, const std::string& preset) {
    return R"({"collect":{"seed":)" + std::to_string(seed) +
           R"(,"tasks":2,"classes":[5,20],"valid_fraction":0.2},"preset":{"name":")" + preset + R"("}})";
  };
  MetaDataset a = small_meta(4, 5), b = small_meta(6, 9), c = small_meta(4, 11);
  a.proxy_config = collection(2030, "fast");
  b.proxy_config = collection(2031, "fast");
  c.proxy_config = collection(2030, "fast-long");
  const MetaDataset m = merge_meta_datasets({a, b}, {"a.h5", "b.h5"});
  ASSERT_EQ(m.sources.size(), 1u);
  EXPECT_EQ(m.results.size(), 10u);
  const auto joined = nlohmann::json::parse(m.proxy_config);
  EXPECT_EQ(joined.at("collect").at("valid_fraction"), 0.2);
  EXPECT_FALSE(joined.at("collect").contains("seed"));
  EXPECT_EQ(joined.at("collect").at("collections"),
            nlohmann::json::parse(R"([{"seed":2030,"tasks":2,"classes":[5,20]},)"
                                  R"({"seed":2031,"tasks":2,"classes":[5,20]}])"));
  EXPECT_EQ(merge_meta_datasets({m, a, b}, {"m.h5", "a.h5", "b.h5"}).proxy_config, m.proxy_config);
  const MetaDataset mixed = merge_meta_datasets({a, c, b}, {"a.h5", "c.h5", "b.h5"});
  ASSERT_EQ(mixed.sources.size(), 2u);
  EXPECT_EQ(mixed.sources[1].name, "fashion-mnist@fast-long");
  EXPECT_EQ(mixed.proxy_config_of(0), m.proxy_config);
  EXPECT_EQ(mixed.proxy_config_of(1), c.proxy_config);
  EXPECT_EQ(mixed.results.size(), 14u);
  // A different split of the subtasks' images is another protocol: not joined.
  MetaDataset d = small_meta(4, 13);
  d.proxy_config = collection(2031, "fast");
  d.proxy_config.replace(d.proxy_config.find("0.2"), 3, "0.3");
  EXPECT_EQ(merge_meta_datasets({a, d}, {"a.h5", "d.h5"}).sources.size(), 2u);
}

// The same subtasks under another protocol (another images per class): kept in the reference's order, each
// with its own results, so that two fits draw the same held-out subtasks; a reference subtask the data lacks
// is an error, not a smaller comparison.
TEST(MetaDataset, RestrictToSubtasksOfKeepsTheReferencesSubtasksInItsOrder) {
  MetaDataset data = small_meta(8, 5);  // tasks: ({1, 4, 7}, seed 5), ({0, 2}, seed 6)
  data.tasks.push_back({0, {3, 8}, 40, 20});
  data.results[1].task = 2;  // arch1 now belongs to the third subtask only
  MetaDataset reference = small_meta(0, 5);
  reference.tasks = {{0, {3, 8}, 40, 500}, {0, {1, 4, 7}, 5, 500}};
  const MetaDataset kept = restrict_to_subtasks_of(data, reference, "ref.h5");
  ASSERT_EQ(kept.tasks.size(), 2u);
  EXPECT_EQ(kept.tasks[0].seed, 40u);
  EXPECT_EQ(kept.tasks[0].images_per_class, 20);  // the data's own protocol stays
  EXPECT_EQ(kept.tasks[1].classes, (std::vector<int32_t>{1, 4, 7}));
  ASSERT_EQ(kept.results.size(), 5u);  // one of the third subtask, four of the first
  EXPECT_EQ(kept.results[0].task, 0);
  EXPECT_EQ(kept.archs[kept.results[0].arch].string, "arch1");
  EXPECT_EQ(kept.results[1].valid_acc, 50);  // then the first subtask's results in the data's order
  EXPECT_EQ(kept.results[4].valid_acc, 56);
  for (const MetaResult& r : kept.results) EXPECT_LT(r.arch, static_cast<int32_t>(kept.archs.size()));
  EXPECT_EQ(kept.archs.size(), 5u);  // arch0..arch6 minus the second subtask's arch3 and arch5
  reference.tasks.push_back({0, {9}, 77, 500});
  try {
    restrict_to_subtasks_of(data, reference, "ref.h5");
    FAIL() << "a missing subtask must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ref.h5: subtask 2 (task seed 77)"), std::string::npos) << e.what();
  }
}

// Sources labelled under different protocols (MetaD2A's import next to a collection) join into one file
// that keeps each protocol with its source, through a write and a read, and merges again.
TEST(MetaDataset, MergeKeepsEachSourcesProtocol) {
  const auto dir = test::scratch_dir("meta_mixed");
  MetaDataset a = small_meta(4, 5), b = small_meta(6, 9);
  b.sources[0].name = "imagenet16";
  b.proxy_config = R"({"preset":"fast"})";
  const MetaDataset m = merge_meta_datasets({a, b}, {"a.h5", "b.h5"});
  ASSERT_EQ(m.sources.size(), 2u);
  EXPECT_EQ(m.proxy_config_of(0), a.proxy_config);
  EXPECT_EQ(m.proxy_config_of(1), b.proxy_config);
  EXPECT_NE(m.proxy_config.find("per_source"), std::string::npos);
  EXPECT_EQ(m.results.size(), 10u);
  EXPECT_EQ(m.tasks[m.results.back().task].source, 1);
  const std::string path = (dir / "m.h5").string();
  write_meta_dataset(path, m);
  const MetaDataset back = read_meta_dataset(path);
  EXPECT_EQ(back.proxy_config_of(0), a.proxy_config);
  EXPECT_EQ(back.proxy_config_of(1), b.proxy_config);
  const MetaDataset twice = merge_meta_datasets({back, a}, {"m.h5", "a.h5"});
  EXPECT_EQ(twice.sources.size(), 2u);
  EXPECT_EQ(twice.results.size(), 10u);
  EXPECT_EQ(twice.proxy_config_of(0), a.proxy_config);
}

// A writer killed at random moments leaves a readable file holding every result it reported written.
TEST(MetaDataset, KilledWriterLeavesEveryWrittenResult) {
  const auto dir = test::scratch_dir("meta_kill");
  const std::string path = (dir / "m.h5").string();
  Rng rng(99 + test::test_seed());
  for (int trial = 0; trial < 12; ++trial) {
    std::filesystem::remove(path);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      MetaDataset d = small_meta(0);
      for (int i = 1;; ++i) {
        MetaResult r;
        r.task = 0;
        r.arch = d.arch_index({{0, 0, 0, 0, 0, i % 5}, "a" + std::to_string(i)});
        r.valid_acc = i;
        d.results.push_back(r);
        write_meta_dataset(path, d);
        if (write(fds[1], &i, sizeof i) != sizeof i) _exit(1);
      }
    }
    close(fds[1]);
    usleep(static_cast<useconds_t>(20000 + rng.uniform_int(200000)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    int last = 0, v = 0;
    while (read(fds[0], &v, sizeof v) == sizeof v) last = v;
    close(fds[0]);
    if (last == 0) continue;  // killed before the first write finished
    const MetaDataset back = read_meta_dataset(path);
    ASSERT_GE(static_cast<int>(back.results.size()), last) << "trial " << trial;
    ASSERT_LE(static_cast<int>(back.results.size()), last + 1);
    for (size_t i = 0; i < back.results.size(); ++i) EXPECT_EQ(back.results[i].valid_acc, i + 1.0);
  }
}

// The CSV export: one row per result with its subtask's and configuration's fields; a derivation's string
// with commas and quotes is one quoted field, and an accuracy that is not a short decimal comes back exactly.
TEST(MetaDataset, CsvExportHasOneExactRowPerResult) {
  MetaDataset d = small_meta(3);
  d.archs[1].string = "Sequential3(Cell(zero, id), \"x\")";
  d.results[2].valid_acc = 1.0 / 3.0;
  d.results[2].heldout = 1;
  std::ostringstream csv;
  write_meta_dataset_csv(csv, d);
  std::istringstream lines(csv.str());
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(
      rows[0],
      "result,task,source,classes,images_per_class,task_seed,arch,valid_acc,test_acc,epochs,params,flops,"
      "train_seconds,heldout");
  EXPECT_EQ(rows[1], "0,0,fashion-mnist,1 4 7,20,5,arch0,50,49,3,1000,2000,0,0");
  EXPECT_EQ(rows[2],
            "1,1,fashion-mnist,0 2,50,6,\"Sequential3(Cell(zero, id), \"\"x\"\")\",51,50,3,1001,2001,0.5,0");
  EXPECT_EQ(rows[3], "2,0,fashion-mnist,1 4 7,20,5,arch2,0.33333333333333331,51,3,1002,2002,1,1");
  EXPECT_EQ(std::stod("0.33333333333333331"), 1.0 / 3.0);
}

}  // namespace
}  // namespace tnas
