#include "datasets/meta/metad2a_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "basics/error.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

TEST(MetaD2AImport, TheReferenceDatabase) {
  TNAS_REQUIRE_SHARED_FILE(db, "metad2a/metad2a_meta_train_db.csv");
  TNAS_REQUIRE_SHARED_FILE(split, "metad2a/metad2a_predictor_split_idx.txt");
  TNAS_REQUIRE_SHARED_FILE(classes, "metad2a/metad2a_meta_train_task_classes.csv");
  const MetaDataset d = import_metad2a({db, split, 400, classes, ""});
  EXPECT_EQ(d.results.size(), 4630u);
  EXPECT_EQ(d.tasks.size(), 3031u);  // the README's facts
  EXPECT_EQ(d.archs.size(), 1553u);
  int held = 0;
  double lo = 100, hi = 0;
  for (const auto& r : d.results) {
    held += r.heldout;
    lo = std::min(lo, r.valid_acc);
    hi = std::max(hi, r.valid_acc);
  }
  EXPECT_EQ(held, 400);
  EXPECT_GE(lo, 40.9);  // the README rounds: "range 41-86"
  EXPECT_LE(hi, 86.1);
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0].name, "imagenet32");
  for (const auto& t : d.tasks) {
    ASSERT_EQ(t.classes.size(), 20u);
    for (int c : t.classes) ASSERT_TRUE(c >= 0 && c < 600);  // MetaD2A's 1..600, now 0-based
  }
  // Row 0 of the CSV: task 3890, first class id 187 (1-based) -> 186.
  EXPECT_EQ(d.tasks[d.results[0].task].seed, 3890u);
  EXPECT_EQ(d.tasks[d.results[0].task].classes[0], 186);
}

TEST(MetaD2AImport, CountsTheClassesWithImagesPerTask) {
  TNAS_REQUIRE_SHARED_FILE(db, "metad2a/metad2a_meta_train_db.csv");
  TNAS_REQUIRE_SHARED_FILE(images, "imagenet/imagenet32/train_data_batch_1.npz");
  const std::string spec = "imagenet32:" + std::filesystem::path(images).parent_path().string();
  const MetaDataset d = import_metad2a({db, "", 0, "", spec});
  EXPECT_EQ(d.sources.at(0).path, spec);
  EXPECT_EQ(d.sources.at(0).n_images, 16500);
  // ../shared/data/imagenet/README.md: rows by classes with images: 0: 29, 1: 168, 2: 424, 3: 865, 4: 1,011.
  std::vector<int> rows(21, 0);
  for (const auto& r : d.results) ++rows.at(d.tasks[r.task].classes_with_images);
  EXPECT_EQ(rows[0], 29);
  EXPECT_EQ(rows[1], 168);
  EXPECT_EQ(rows[2], 424);
  EXPECT_EQ(rows[3], 865);
  EXPECT_EQ(rows[4], 1011);
  EXPECT_NE(d.proxy_config.find("rows_without_images"), std::string::npos);
  // The count survives a write and a read.
  const auto path = (test::scratch_dir("metad2a_images") / "m.h5").string();
  write_meta_dataset(path, d);
  const MetaDataset back = read_meta_dataset(path);
  for (size_t t = 0; t < d.tasks.size(); ++t)
    ASSERT_EQ(back.tasks[t].classes_with_images, d.tasks[t].classes_with_images);
}

TEST(MetaD2AImport, BadRowsNameLineAndProblem) {
  const auto dir = test::scratch_dir("metad2a_bad");
  const std::string db = (dir / "db.csv").string();
  const std::string header = "row,task_id,arch_str,acc,flops,params,latency,task_classes\n";
  const std::string arch = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  test::write_bytes(db, header + "0,7," + arch + ",70.5,0.1,0.1,0.1,1 2 3\n1,7,|bad~0|,70,0,0,0,1 2 3\n");
  try {
    import_metad2a({db, "", 0, "", ""});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(db + ": line 3: architecture '|bad~0|'"), std::string::npos)
        << e.what();
  }
  test::write_bytes(db, header + "0,7," + arch + ",70.5,0.1,0.1,0.1,0 2 3\n");
  EXPECT_THROW(import_metad2a({db, "", 0, "", ""}), Error);  // 1-based ids: 0 is out of range
  test::write_bytes(db, "row,task_id,arch_str\n0,7," + arch + "\n");
  try {
    import_metad2a({db, "", 0, "", ""});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing column 'acc'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tnas
