#include "graphs/spaces/nb201/nb201_cell.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "basics/error.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

const char* kExample =
    "|nor_conv_1x1~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|";

TEST(Nb201Cell, ParseFormatRoundTrip) {
  const Nb201Cell cell = Nb201Cell::parse(kExample);
  EXPECT_EQ(cell.to_string(), kExample);
  EXPECT_EQ(cell.op(0), Nb201Op::kConv1x1);
  EXPECT_EQ(cell.op(2), Nb201Op::kNone);
  EXPECT_EQ(cell.op(5), Nb201Op::kConv3x3);
}

TEST(Nb201Cell, DenseIdsAreABijection) {
  std::set<std::string> strings;
  for (int64_t id = 0; id < kNb201NumCells; ++id) {
    const Nb201Cell cell = Nb201Cell::from_id(id);
    ASSERT_EQ(cell.id(), id);
    ASSERT_EQ(Nb201Cell::parse(cell.to_string()), cell);
    strings.insert(cell.to_string());
  }
  EXPECT_EQ(strings.size(), 15625u);
  EXPECT_EQ(Nb201Cell::from_id(0).to_string(), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(Nb201Cell::from_id(1).op(5), Nb201Op::kSkipConnect);  // edge 0 is the most significant digit
  EXPECT_THROW(Nb201Cell::from_id(15625), Error);
  EXPECT_THROW(Nb201Cell::from_id(-1), Error);
}

TEST(Nb201Cell, IsomorphismKeysMatchNasBench201Count) {
  std::set<std::string> keys;
  for (int64_t id = 0; id < kNb201NumCells; ++id) keys.insert(Nb201Cell::from_id(id).iso_key());
  EXPECT_EQ(keys.size(), 6466u);
}

TEST(Nb201Cell, IsomorphicCellsShareAKey) {
  // A conv straight from the input to the output, or through a skip to node 1 first: the same function.
  const auto a = Nb201Cell::parse("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|");
  const auto b = Nb201Cell::parse("|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|");
  EXPECT_EQ(a.iso_key(), "#+#+(0)@nor_conv_3x3");
  EXPECT_EQ(b.iso_key(), a.iso_key());
  // Inputs of a node are sorted: the order of parallel edges does not matter.
  const auto c = Nb201Cell::parse("|nor_conv_1x1~0|+|none~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|");
  const auto d = Nb201Cell::parse("|avg_pool_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|");
  EXPECT_EQ(c.iso_key(), d.iso_key());
  // A different op on the same path is a different function.
  const auto e = Nb201Cell::parse("|none~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|");
  EXPECT_NE(a.iso_key(), e.iso_key());
  // Output disconnected from the input: everything is zero.
  EXPECT_EQ(Nb201Cell().iso_key(), "#+#+#");
  EXPECT_EQ(Nb201Cell::parse("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|").iso_key(), "#+#+#");
  EXPECT_EQ(Nb201Cell::parse("|skip_connect~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|").iso_key(),
            "#+#+0");
}

void expect_parse_error(const std::string& text, const std::string& fragment) {
  try {
    Nb201Cell::parse(text);
    ADD_FAILURE() << "parsed without error: '" << text << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message '" << e.what() << "' lacks '" << fragment << "'";
  }
}

TEST(Nb201Cell, MalformedStringsNameTheBadToken) {
  expect_parse_error("", "empty");
  expect_parse_error("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", "'conv_5x5'");
  expect_parse_error("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "'none~1'");
  expect_parse_error("|none~0|+|none~0|none~1|", "3 node groups");
  expect_parse_error("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|", "3 node groups");
  expect_parse_error("|none~0|+|none~0|+|none~0|none~1|none~2|", "node 2 needs 2");
  expect_parse_error("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|none~3|", "node 3 needs 3");
  expect_parse_error("none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "must start and end with '|'");
  expect_parse_error("|none~0+|none~0|none~1|+|none~0|none~1|none~2|", "must start and end with '|'");
  expect_parse_error("|none~0|+|none~0| none~1|+|none~0|none~1|none~2|", "whitespace at position 17");
  expect_parse_error("|none~0|+|none~0|none1|+|none~0|none~1|none~2|", "'none1' is not of the form op~j");
  expect_parse_error("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\r", "whitespace");
}

TEST(Nb201Cell, AllTableStringsRoundTrip) {
  TNAS_REQUIRE_SHARED_FILE(path, "nb201/cifar10_test_acc_200ep.csv");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header: index,arch_str,test_acc
  std::set<int64_t> ids;
  int rows = 0;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string index, arch;
    std::getline(fields, index, ',');
    std::getline(fields, arch, ',');
    const Nb201Cell cell = Nb201Cell::parse(arch);
    ASSERT_EQ(cell.to_string(), arch);
    ids.insert(cell.id());
    ++rows;
  }
  EXPECT_EQ(rows, 15625);
  EXPECT_EQ(ids.size(), 15625u);
}

}  // namespace
}  // namespace tnas
