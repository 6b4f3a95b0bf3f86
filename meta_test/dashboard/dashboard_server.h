#pragma once
// `meta_test dashboard`: a read-only local web server over a DashboardContent. Routes:
//   /, /assets/...                    the page, its script and style, Chart.js (built in; no data)
//   /api/overview                     every run's overview and the meta_train outputs
//   /api/runs/N/trials?from=K         run N's trials from the K-th on (the page polls for new ones)
//   /api/runs/N/files/PATH            a file of run N's directory (incumbent.png, trajectory.csv, logs)
// and nothing else (404). It binds the loopback address unless told otherwise, and then only with a token
// that every /api request must carry (?token= or the X-Tnas-Token header); on loopback it also refuses
// requests whose Host header names another machine (a DNS-rebinding page in the user's browser). It never
// writes a file or runs a program.
#include <memory>
#include <string>

#include "meta_test/dashboard/dashboard_content.h"

namespace tnas {

struct DashboardServerOptions {
  std::string host = "127.0.0.1";
  int port = 8050;    // 0: any free port
  std::string token;  // required when host is not a loopback address
};

// Throws tnas::Error when `options` would expose the runs to other machines without a token.
void check_exposure(const DashboardServerOptions& options);

class DashboardServer {
 public:
  DashboardServer(DashboardContent& content, DashboardServerOptions options);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // Binds the address; returns the port (the chosen one when the options said 0). Throws tnas::Error naming
  // the address when it cannot be bound.
  int bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  void serve();
  void stop();

 private:
  struct Routes;
  std::unique_ptr<Routes> routes_;
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

}  // namespace tnas
