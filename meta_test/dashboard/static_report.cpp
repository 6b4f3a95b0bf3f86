#include "meta_test/dashboard/static_report.h"

#include "basics/error.h"
#include "meta_test/dashboard/page_assets.h"

namespace tnas {

namespace {

// Replaces the one occurrence of `tag` in `page` by `replacement`.
void replace_tag(std::string& page, const std::string& tag, const std::string& replacement) {
  const size_t at = page.find(tag);
  if (at == std::string::npos) throw Error("report: the page has no " + tag + " to inline");
  page.replace(at, tag.size(), replacement);
}

std::string inline_script(std::string_view code, const char* what) {
  const std::string text(code);
  if (text.find("</script") != std::string::npos || text.find("<!--") != std::string::npos)
    throw Error(std::string("report: ") + what + " cannot be inlined (it contains </script or <!--)");
  return "<script>" + text + "</script>";
}

}  // namespace

std::string render_report(const nlohmann::json& snapshot) {
  std::string page(page_asset(PageAsset::kPage));
  replace_tag(page, "<link rel=\"stylesheet\" href=\"assets/dashboard.css\">",
              "<style>" + std::string(page_asset(PageAsset::kStyle)) + "</style>");
  // JSON in a <script type="application/json"> element: every "<" (only ever inside a JSON string) written as
  // "\u003c", the same string to JSON.parse, so that no value (an architecture, a command) can close the
  // element or open an HTML comment in it.
  const std::string dumped = snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string data;
  data.reserve(dumped.size());
  for (char c : dumped) {
    if (c == '<')
      data.append("\\u003c");
    else
      data.push_back(c);
  }
  replace_tag(page, "<script src=\"assets/chart.min.js\"></script>",
              "<script id=\"tnas-report-data\" type=\"application/json\">" + data + "</script>\n" +
                  inline_script(page_asset(PageAsset::kChartJs), "Chart.js"));
  replace_tag(page, "<script src=\"assets/dashboard.js\"></script>",
              inline_script(page_asset(PageAsset::kScript), "dashboard.js"));
  return page;
}

}  // namespace tnas
