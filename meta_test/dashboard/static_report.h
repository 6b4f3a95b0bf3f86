#pragma once
// `meta_test report`: the dashboard's page as one self-contained HTML file, its script, style, Chart.js and
// every run's data inlined, so that it renders with no server and no network (to mail, or to attach to a
// paper's supplement).
#include <string>

#include <nlohmann/json.hpp>

namespace tnas {

// The page with `snapshot` (DashboardContent::snapshot) as its data. Throws tnas::Error if an asset could
// end the inline <script> element early (it never does for the shipped ones; checked rather than assumed).
std::string render_report(const nlohmann::json& snapshot);

}  // namespace tnas
