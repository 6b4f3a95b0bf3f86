#pragma once
// The dashboard page's files, built into the binary (cmake/embed_files.cmake): the page, its script and style
// from meta_test/dashboard/assets/, and Chart.js from Debian's libjs-chart.js. The server serves them under
// their routes; the static report inlines them.
#include <string_view>

namespace tnas {

enum class PageAsset { kPage, kScript, kStyle, kChartJs };

std::string_view page_asset(PageAsset asset);
// "/", "/assets/dashboard.js", "/assets/dashboard.css", "/assets/chart.min.js".
const char* page_asset_route(PageAsset asset);
const char* page_asset_content_type(PageAsset asset);

}  // namespace tnas
