// meta_test dashboard: a live, read-only web page over run directories and meta_train outputs
// (meta_test/dashboard/dashboard_server.h).
#include <pthread.h>
#include <signal.h>

#include <cctype>
#include <cstdio>
#include <thread>

#include "basics/cli/cli_options.h"
#include "meta_test/commands/commands.h"
#include "meta_test/dashboard/dashboard_content.h"
#include "meta_test/dashboard/dashboard_server.h"

namespace tnas {

namespace {

// Stops `server` on SIGINT or SIGTERM: a thread waits for the signal (blocked in every other thread), so the
// server shuts down from ordinary code rather than from a signal handler.
std::thread stop_on_signal(DashboardServer& server, sigset_t signals) {
  return std::thread([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
}

// `text` as a URL query value (RFC 3986 unreserved characters kept, everything else %XX).
std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

}  // namespace

int run_dashboard_command(int argc, char** argv) {
  cxxopts::Options options(
      argv[0],
      "Serve a live dashboard of searches and meta-training on this machine: each run's status and "
      "incumbent, "
      "every trial, Pareto fronts, fidelities, workers, meta-datasets and fits. Read-only; updates as trials "
      "land. Open the printed address in a browser.");
  options.add_options()("paths",
                        "Run directories, checkpoint folders, meta-datasets (.h5) or folders of them",
                        cxxopts::value<std::vector<std::string>>())(
      "port", "Port (0: any free one)", cxxopts::value<int>()->default_value("8050"))(
      "host", "Address to listen on; anything but loopback needs --token",
      cxxopts::value<std::string>()->default_value("127.0.0.1"))(
      "token", "Secret every data request must carry (?token=; the printed address has it)",
      cxxopts::value<std::string>()->default_value(""));
  add_common_options(options);
  options.parse_positional({"paths"});
  options.positional_help("RUN_DIR [RUN_DIR ...]");
  const auto parsed = parse_command_line(options, argc, argv, false);
  if (!parsed) return 0;
  const auto& args = *parsed;
  if (!args.count("paths"))
    throw Error("name at least one run directory: meta_test dashboard RUN_DIR [RUN_DIR ...] (see --help)");
  DashboardServerOptions server_options{args["host"].as<std::string>(), args["port"].as<int>(),
                                        args["token"].as<std::string>()};
  check_exposure(server_options);
  DashboardContent content(args["paths"].as<std::vector<std::string>>());
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server starts its threads
  DashboardServer server(content, server_options);
  const int port = server.bind();
  const nlohmann::json overview = content.overview();
  const std::string host = server_options.host.find(':') != std::string::npos
                               ? "[" + server_options.host + "]"
                               : server_options.host;
  std::printf("tnas dashboard: http://%s:%d/%s  (%zu runs, %zu meta_train outputs; Ctrl-C stops)\n",
              host.c_str(), port,
              server_options.token.empty() ? "" : ("?token=" + url_encoded(server_options.token)).c_str(),
              overview["runs"].size(), overview["artifacts"].size());
  std::fflush(stdout);
  std::thread stopper = stop_on_signal(server, signals);
  server.serve();
  stopper.join();
  return 0;
}

}  // namespace tnas
