// meta_test report: the dashboard's views as one self-contained HTML file
// (meta_test/dashboard/static_report.h).
#include <cstdio>
#include <ctime>

#include "basics/binary_file.h"
#include "basics/cli/cli_options.h"
#include "meta_test/commands/commands.h"
#include "meta_test/dashboard/dashboard_content.h"
#include "meta_test/dashboard/static_report.h"

namespace tnas {

int run_report_command(int argc, char** argv) {
  cxxopts::Options options(argv[0],
                           "Write the dashboard's views of runs and meta_train outputs as one self-contained "
                           "HTML file (scripts and "
                           "data inlined; opens with no server and no network).");
  options.add_options()("paths",
                        "Run directories, checkpoint folders, meta-datasets (.h5) or folders of them",
                        cxxopts::value<std::vector<std::string>>())("out", "The HTML file to write",
                                                                    cxxopts::value<std::string>());
  add_common_options(options);
  options.parse_positional({"paths"});
  options.positional_help("RUN_DIR [RUN_DIR ...] --out report.html");
  const auto parsed = parse_command_line(options, argc, argv, false);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (!args.count("paths"))
    throw Error("name at least one run directory: meta_test report RUN_DIR [RUN_DIR ...] (see --help)");
  require_option(args, "out", "report.html");
  const std::string out = args["out"].as<std::string>();
  require_file_destination(out);
  DashboardContent content(args["paths"].as<std::vector<std::string>>());
  nlohmann::json snapshot = content.snapshot();
  const std::time_t now = std::time(nullptr);
  char written[32];
  std::strftime(written, sizeof written, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  snapshot["written"] = written;
  const std::string page = render_report(snapshot);
  write_text_atomically(out, page);
  std::printf("report: %s (%zu runs, %zu meta_train outputs, %.1f MB)\n", out.c_str(),
              snapshot["runs"].size(), snapshot["artifacts"].size(), static_cast<double>(page.size()) / 1e6);
  return 0;
}

}  // namespace tnas
