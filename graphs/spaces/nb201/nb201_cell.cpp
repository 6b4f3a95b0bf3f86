#include "graphs/spaces/nb201/nb201_cell.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "basics/error.h"

namespace tnas {
namespace {

constexpr std::array<const char*, kNb201NumOps> kOpNames = {"none", "skip_connect", "nor_conv_1x1",
                                                            "nor_conv_3x3", "avg_pool_3x3"};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace

const char* nb201_op_name(Nb201Op op) { return kOpNames.at(static_cast<size_t>(op)); }

Nb201Op nb201_op_from_name(std::string_view name) {
  for (size_t i = 0; i < kOpNames.size(); ++i)
    if (name == kOpNames[i]) return static_cast<Nb201Op>(i);
  throw Error("unknown operation " + quoted(name) +
              " (expected none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3)");
}

Nb201Cell Nb201Cell::parse(std::string_view text) {
  const std::string where = "architecture " + quoted(text) + ": ";
  if (text.empty()) throw Error("empty architecture string");
  for (size_t i = 0; i < text.size(); ++i)
    if (std::isspace(static_cast<unsigned char>(text[i])))
      throw Error(where + "whitespace at position " + std::to_string(i));
  const auto groups = split(text, '+');
  if (groups.size() != kNb201NumNodes - 1)
    throw Error(where + "expected 3 node groups joined by '+', found " + std::to_string(groups.size()));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  int edge = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::string_view group = groups[g];
    const int node = static_cast<int>(g) + 1;
    if (group.size() < 2 || group.front() != '|' || group.back() != '|')
      throw Error(where + "node group " + quoted(group) + " must start and end with '|'");
    const auto tokens = split(group.substr(1, group.size() - 2), '|');
    if (static_cast<int>(tokens.size()) != node)
      throw Error(where + "node " + std::to_string(node) + " needs " + std::to_string(node) +
                  " input edges, group " + quoted(group) + " has " + std::to_string(tokens.size()));
    for (int j = 0; j < node; ++j) {
      const std::string_view token = tokens[j];
      const size_t tilde = token.find('~');
      if (tilde == std::string_view::npos)
        throw Error(where + "edge token " + quoted(token) + " is not of the form op~j");
      const std::string_view name = token.substr(0, tilde);
      const std::string_view source = token.substr(tilde + 1);
      if (source != std::to_string(j))
        throw Error(where + "edge token " + quoted(token) + " has input " + quoted(source) + ", expected '" +
                    std::to_string(j) + "' at this position");
      try {
        ops[edge++] = nb201_op_from_name(name);
      } catch (const Error& e) {
        throw Error(where + "edge token " + quoted(token) + ": " + e.what());
      }
    }
  }
  return Nb201Cell(ops);
}

Nb201Cell Nb201Cell::from_id(int64_t id) {
  if (id < 0 || id >= kNb201NumCells)
    throw Error("cell id " + std::to_string(id) + " is outside 0.." + std::to_string(kNb201NumCells - 1));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (int k = kNb201NumEdges - 1; k >= 0; --k) {
    ops[k] = static_cast<Nb201Op>(id % kNb201NumOps);
    id /= kNb201NumOps;
  }
  return Nb201Cell(ops);
}

std::string Nb201Cell::to_string() const {
  std::string s;
  int edge = 0;
  for (int node = 1; node < kNb201NumNodes; ++node) {
    if (node > 1) s += '+';
    s += '|';
    for (int j = 0; j < node; ++j) {
      s += nb201_op_name(ops_[edge++]);
      s += '~';
      s += std::to_string(j);
      s += '|';
    }
  }
  return s;
}

int64_t Nb201Cell::id() const {
  int64_t id = 0;
  for (Nb201Op op : ops_) id = id * kNb201NumOps + static_cast<int64_t>(op);
  return id;
}

std::string Nb201Cell::iso_key() const {
  // Exactly NAS-Bench-201's CellStructure.to_unique_str(consider_zero=True).
  std::array<std::string, kNb201NumNodes> node_str;
  node_str[0] = "0";
  int edge = 0;
  for (int node = 1; node < kNb201NumNodes; ++node) {
    std::vector<std::string> terms;
    for (int j = 0; j < node; ++j) {
      const Nb201Op op = ops_[edge++];
      if (op == Nb201Op::kNone || node_str[j] == "#")
        terms.push_back("#");
      else if (op == Nb201Op::kSkipConnect)
        terms.push_back(node_str[j]);
      else
        terms.push_back("(" + node_str[j] + ")@" + nb201_op_name(op));
    }
    std::sort(terms.begin(), terms.end());
    std::string joined;
    for (size_t t = 0; t < terms.size(); ++t) joined += (t ? "+" : "") + terms[t];
    node_str[node] = joined;
  }
  return node_str[kNb201NumNodes - 1];
}

}  // namespace tnas
