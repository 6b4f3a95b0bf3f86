#include "datasets/tables/tabular_benchmark.h"

#include <gtest/gtest.h>

#include "basics/error.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

TEST(TabularBenchmark, NasBench201Cifar10) {
  TNAS_REQUIRE_SHARED_FILE(path, "nb201/cifar10_test_acc_200ep.csv");
  const auto t = TabularBenchmark::read(path, "test_acc");
  EXPECT_EQ(t.size(), 15625u);
  EXPECT_NEAR(t.max_value(), 94.3733, 1e-9);  // index 6111, the README's fact
  double sum = 0;
  for (const auto& a : t.archs()) sum += *t.lookup(a);
  EXPECT_NEAR(sum / 15625, 87.06, 0.01);
  // A cell whose output is cut off from the input scores chance (10 %).
  EXPECT_NEAR(*t.lookup("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|"), 10.0,
              1e-9);
}

TEST(TabularBenchmark, CsvAndHdf5AndIsomorphicLookup) {
  const auto dir = test::scratch_dir("table");
  const std::string a = "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|";
  const std::string b = "|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|";  // isomorphic to a
  test::write_bytes((dir / "t.csv").string(), "arch_str,acc,other\n\"" + a + "\",80.5,1\n");
  const auto t = TabularBenchmark::read((dir / "t.csv").string(), "acc");
  EXPECT_EQ(*t.lookup(a), 80.5);
  EXPECT_FALSE(t.lookup(b).has_value());
  EXPECT_EQ(*t.lookup_isomorphic(b, Nb201Cell::parse(b).iso_key()), 80.5);

  test::write_bytes((dir / "dup.csv").string(), "arch_str,acc\n" + a + ",1\n" + a + ",2\n");
  try {
    TabularBenchmark::read((dir / "dup.csv").string(), "acc");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3: duplicate arch"), std::string::npos) << e.what();
  }
  EXPECT_THROW(TabularBenchmark::read((dir / "t.csv").string(), "valid_acc"), Error);  // missing column
  test::write_bytes((dir / "nan.csv").string(), "arch_str,acc\n" + a + ",abc\n");
  EXPECT_THROW(TabularBenchmark::read((dir / "nan.csv").string(), "acc"), Error);
}

}  // namespace
}  // namespace tnas
