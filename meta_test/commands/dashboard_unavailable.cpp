// meta_test dashboard / report in a build configured without cpp-httplib or Chart.js: say what to install.
#include "basics/error.h"
#include "meta_test/commands/commands.h"

namespace tnas {

namespace {
[[noreturn]] void explain(const char* command) {
  throw Error(
      std::string("meta_test ") + command +
      ": this build has no dashboard; install libcpp-httplib-dev and libjs-chart.js (scripts/setup.sh "
      "does) and configure the build again");
}
}  // namespace

int run_dashboard_command(int, char**) { explain("dashboard"); }
int run_report_command(int, char**) { explain("report"); }

}  // namespace tnas
