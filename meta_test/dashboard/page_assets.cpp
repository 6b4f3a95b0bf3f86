#include "meta_test/dashboard/page_assets.h"

#include <cstddef>

// Defined in the generated dashboard_assets.cpp.
extern const unsigned char tnas_dashboard_page[], tnas_dashboard_script[], tnas_dashboard_style[],
    tnas_chart_js[];
extern const std::size_t tnas_dashboard_page_size, tnas_dashboard_script_size, tnas_dashboard_style_size,
    tnas_chart_js_size;

namespace tnas {

namespace {
std::string_view view(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}
}  // namespace

std::string_view page_asset(PageAsset asset) {
  switch (asset) {
    case PageAsset::kPage:
      return view(tnas_dashboard_page, tnas_dashboard_page_size);
    case PageAsset::kScript:
      return view(tnas_dashboard_script, tnas_dashboard_script_size);
    case PageAsset::kStyle:
      return view(tnas_dashboard_style, tnas_dashboard_style_size);
    case PageAsset::kChartJs:
      return view(tnas_chart_js, tnas_chart_js_size);
  }
  return {};
}

const char* page_asset_route(PageAsset asset) {
  switch (asset) {
    case PageAsset::kPage:
      return "/";
    case PageAsset::kScript:
      return "/assets/dashboard.js";
    case PageAsset::kStyle:
      return "/assets/dashboard.css";
    case PageAsset::kChartJs:
      return "/assets/chart.min.js";
  }
  return "";
}

const char* page_asset_content_type(PageAsset asset) {
  switch (asset) {
    case PageAsset::kPage:
      return "text/html; charset=utf-8";
    case PageAsset::kStyle:
      return "text/css; charset=utf-8";
    // Not text/javascript: cpp-httplib would Brotli-compress it on every request (dashboard_server.cpp).
    case PageAsset::kScript:
    case PageAsset::kChartJs:
      return "application/javascript; charset=utf-8";
  }
  return "text/plain";
}

}  // namespace tnas
