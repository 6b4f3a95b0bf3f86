// meta_test arch: inspect NAS-Bench-201 cells (canonical form, isomorphism key, parameters, FLOPs).
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "basics/cli/cli_options.h"
#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "meta_test/commands/commands.h"

namespace tnas {
namespace {

// The member of each isomorphism class with the smallest dense id, by key.
std::map<std::string, Nb201Cell> canonical_cells() {
  std::map<std::string, Nb201Cell> out;
  for (int64_t id = 0; id < kNb201NumCells; ++id) {
    const Nb201Cell cell = Nb201Cell::from_id(id);
    out.emplace(cell.iso_key(), cell);
  }
  return out;
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string millions(int64_t v) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(6) << static_cast<double>(v) / 1e6;
  return os.str();
}

}  // namespace

int run_arch_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Inspect NAS-Bench-201 cells. One output line per cell, from the arguments or, when "
      "there are none, from the lines of standard input:\n"
      "  arch_str<TAB>canonical<TAB>iso_key<TAB>params_m<TAB>flops_m\n"
      "canonical = the isomorphic cell with the smallest dense id; iso_key = NAS-Bench-201's "
      "isomorphism key; params_m = parameters of the NB201 network in millions; flops_m = "
      "multiply-accumulates of its convolutions and classifier per image, in millions.\n"
      "Malformed cells are reported on stderr with their line number; exit status 1 if any.");
  options.add_options()("C", "Channels of the first stage", cxxopts::value<int>()->default_value("16"))(
      "N", "Cells per stage", cxxopts::value<int>()->default_value("5"))(
      "classes", "Output classes", cxxopts::value<int>()->default_value("10"))(
      "resolution", "Input resolution (multiple of 4)", cxxopts::value<int>()->default_value("32"))(
      "format", "Output format: tsv or json (one object per line)",
      cxxopts::value<std::string>()->default_value("tsv"))("archs", "Cell strings",
                                                           cxxopts::value<std::vector<std::string>>());
  add_common_options(options);
  options.parse_positional({"archs"});
  options.positional_help("[ARCH ...]");
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;

  Nb201MacroConfig config;
  config.channels = args["C"].as<int>();
  config.cells_per_stage = args["N"].as<int>();
  config.num_classes = args["classes"].as<int>();
  config.resolution = args["resolution"].as<int>();
  validate(config);
  const std::string format = args["format"].as<std::string>();
  if (format != "tsv" && format != "json") throw Error("--format must be tsv or json, got '" + format + "'");

  std::vector<std::string> lines;
  if (args.count("archs")) {
    lines = args["archs"].as<std::vector<std::string>>();
  } else {
    for (std::string line; std::getline(std::cin, line);) lines.push_back(line);
  }

  const auto canonical = canonical_cells();
  int bad = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string text = trim(lines[i]);
    Nb201Cell cell;
    try {
      cell = Nb201Cell::parse(text);
    } catch (const Error& e) {
      std::fprintf(stderr, "line %zu: %s\n", i + 1, e.what());
      ++bad;
      continue;
    }
    const std::string key = cell.iso_key();
    const std::string canon = canonical.at(key).to_string();
    const int64_t params = nb201_param_count(cell, config);
    const int64_t flops = nb201_flops(cell, config);
    if (format == "tsv") {
      std::cout << text << '\t' << canon << '\t' << key << '\t' << millions(params) << '\t' << millions(flops)
                << '\n';
    } else {
      nlohmann::json j = {{"arch_str", text},      {"canonical", canon}, {"iso_key", key},
                          {"id", cell.id()},       {"params", params},   {"params_m", params / 1e6},
                          {"flops_m", flops / 1e6}};
      std::cout << j.dump() << '\n';
    }
  }
  std::cout.flush();
  if (bad) std::fprintf(stderr, "%d of %zu cells were malformed\n", bad, lines.size());
  return bad ? 1 : 0;
}

}  // namespace tnas
