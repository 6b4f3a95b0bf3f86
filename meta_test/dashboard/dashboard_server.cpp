#include "meta_test/dashboard/dashboard_server.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "basics/error.h"
#include "meta_test/dashboard/page_assets.h"
#include "meta_test/dashboard/served_file.h"

namespace tnas {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Debian's cpp-httplib compresses "application/json" and "text/..." answers with Brotli at its highest
// quality (about 0.5 s for Chart.js, 40 ms for a run's trials); on the loopback address sending them as they
// are is faster, and a type with a charset parameter is one it leaves alone.
constexpr const char* kJsonType = "application/json; charset=utf-8";

void send_json(httplib::Response& response, const nlohmann::json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJsonType);
}

void send_error(httplib::Response& response, int status, const std::string& message) {
  send_json(response, {{"error", message}}, status);
}

// Tokens compared in time independent of where they differ.
bool same_token(const std::string& given, const std::string& expected) {
  if (given.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < given.size(); ++i) difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return difference == 0;
}

// The host part of a Host header ("127.0.0.1:8050", "[::1]:8050", "localhost").
std::string host_of(const std::string& header) {
  if (!header.empty() && header.front() == '[') return header.substr(1, header.find(']') - 1);
  return header.substr(0, header.find(':'));
}

size_t index_of(const std::string& text) {
  try {
    return static_cast<size_t>(std::stoull(text));
  } catch (const std::exception&) {
    return static_cast<size_t>(-1);
  }
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void check_exposure(const DashboardServerOptions& options) {
  if (!is_loopback_host(options.host) && options.token.empty())
    throw Error("--host " + options.host +
                " lets other machines read the runs: give --token SECRET too (every request must carry it)");
  if (options.port < 0 || options.port > 65535)
    throw Error("--port " + std::to_string(options.port) + ": not a port (0..65535; 0 picks a free one)");
}

struct DashboardServer::Routes {
  DashboardContent& content;
  DashboardServerOptions options;
  httplib::Server server;

  Routes(DashboardContent& content_, DashboardServerOptions options_)
      : content(content_), options(std::move(options_)) {
    server.set_tcp_nodelay(true);  // else small JSON answers wait ~40 ms for the client's delayed ACK
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                {"Cache-Control", "no-store"},
                                {"Referrer-Policy", "no-referrer"}});
    server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      return admit(request, response);
    });
    for (PageAsset asset : {PageAsset::kPage, PageAsset::kScript, PageAsset::kStyle, PageAsset::kChartJs})
      server.Get(page_asset_route(asset), [asset](const httplib::Request&, httplib::Response& response) {
        const std::string_view body = page_asset(asset);
        response.set_header("Content-Security-Policy", kContentSecurityPolicy);
        response.set_content(body.data(), body.size(), page_asset_content_type(asset));
      });
    server.Get("/api/overview", [this](const httplib::Request&, httplib::Response& response) {
      send_json(response, content.overview());
    });
    server.Get(
        R"(/api/runs/(\d+)/trials)", [this](const httplib::Request& request, httplib::Response& response) {
          const size_t run = index_of(request.matches[1]);
          if (run >= content.run_count()) return send_error(response, 404, "no such run");
          const size_t first = request.has_param("from") ? index_of(request.get_param_value("from")) : 0;
          if (first == static_cast<size_t>(-1)) return send_error(response, 400, "from: not a trial index");
          send_json(response, content.trials(run, first));
        });
    server.Get(R"(/api/runs/(\d+)/files/(.+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 const auto directory = content.run_directory(index_of(request.matches[1]));
                 const auto file = directory ? file_inside(*directory, request.matches[2]) : std::nullopt;
                 if (!file) return send_error(response, 404, "no such file in the run directory");
                 std::ifstream in(*file, std::ios::binary);
                 std::ostringstream bytes;
                 bytes << in.rdbuf();
                 response.set_content(bytes.str(), content_type_of(*file));
               });
    server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
      if (response.body.empty())
        send_error(response, response.status, response.status == 404 ? "no such page" : "refused");
    });
  }

  // Refuses what the server never does (anything but GET), foreign Host headers on loopback, and /api
  // requests without the token when one is set.
  httplib::Server::HandlerResponse admit(const httplib::Request& request, httplib::Response& response) {
    using Handled = httplib::Server::HandlerResponse;
    if (request.method != "GET" && request.method != "HEAD") {
      send_error(response, 405, "read-only: only GET");
      return Handled::Handled;
    }
    if (is_loopback_host(options.host) && !is_loopback_host(host_of(request.get_header_value("Host")))) {
      send_error(response, 403, "Host header names another machine");
      return Handled::Handled;
    }
    const bool data = request.path.rfind("/api/", 0) == 0;
    if (data && !options.token.empty()) {
      const std::string given = request.has_param("token") ? request.get_param_value("token")
                                                           : request.get_header_value("X-Tnas-Token");
      if (!same_token(given, options.token)) {
        send_error(response, 401, "missing or wrong token");
        return Handled::Handled;
      }
    }
    return Handled::Unhandled;
  }
};

DashboardServer::DashboardServer(DashboardContent& content, DashboardServerOptions options)
    : routes_(std::make_unique<Routes>(content, std::move(options))) {
  check_exposure(routes_->options);
}

DashboardServer::~DashboardServer() = default;

int DashboardServer::bind() {
  const auto& options = routes_->options;
  const int port = options.port == 0
                       ? routes_->server.bind_to_any_port(options.host)
                       : (routes_->server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0)
    throw Error(options.host + ":" + std::to_string(options.port) +
                ": cannot listen there (in use? another --port, or 0 for any free one)");
  return port;
}

void DashboardServer::serve() { routes_->server.listen_after_bind(); }

void DashboardServer::stop() { routes_->server.stop(); }

}  // namespace tnas
