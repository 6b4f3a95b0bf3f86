#include "meta_test/multi_objective/pareto_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/gnuplot.h"

namespace tnas {
ParetoReport pareto_report(const std::vector<nlohmann::json>& trials, const std::vector<ObjectiveSpec>& specs,
                           const std::vector<double>& reference, const SearchSpace& space) {
  ParetoReport r;
  const ObjectiveVector ref = to_maximized(specs, reference);
  std::vector<ObjectiveVector> points;  // maximized, successful trials
  std::vector<size_t> owner;
  for (size_t i = 0; i < trials.size(); ++i) {
    const auto v = objective_values(specs, trials[i], space);
    r.values.push_back(v ? *v : std::vector<double>{});
    if (v && trials[i].value("feasible", true)) {  // the front holds only feasible trials
      points.push_back(to_maximized(specs, *v));
      owner.push_back(i);
    }
    r.hypervolume.push_back(specs.size() <= 3 ? hypervolume(points, ref) : 0.0);
  }
  for (size_t k : non_dominated(points)) r.front.push_back(owner[k]);
  return r;
}

nlohmann::json pareto_json(const ParetoReport& report, const std::vector<nlohmann::json>& trials,
                           const std::vector<ObjectiveSpec>& specs, const std::vector<double>& reference) {
  nlohmann::json front = nlohmann::json::array();
  for (size_t i : report.front) {
    nlohmann::json f = {{"trial", trials[i].at("trial")}, {"arch", trials[i].at("arch")}};
    for (size_t k = 0; k < specs.size(); ++k) f[specs[k].name] = report.values[i][k];
    front.push_back(f);
  }
  nlohmann::json objectives = nlohmann::json::array();
  for (const auto& s : specs)
    objectives.push_back({{"name", s.name}, {"metric", s.metric}, {"maximize", s.maximize}});
  return {{"objectives", objectives},
          {"reference_point", reference},
          {"hypervolume", report.hypervolume.empty() ? 0.0 : report.hypervolume.back()},
          {"front", front}};
}

std::string write_pareto_outputs(const std::string& dir, const ParetoReport& report,
                                 const std::vector<nlohmann::json>& trials,
                                 const std::vector<ObjectiveSpec>& specs, bool plot) {
  std::ostringstream csv, points;
  csv << "trial,arch";
  for (const auto& s : specs) csv << "," << s.name;
  csv << "\n";
  for (size_t i : report.front) {
    csv << trials[i].at("trial") << ",\"" << trials[i].at("arch").get<std::string>() << "\"";
    for (double v : report.values[i]) csv << "," << v;
    csv << "\n";
  }
  write_text_atomically(dir + "/pareto.csv", csv.str());
  if (!plot) return "";
  if (specs.size() < 2 || !gnuplot_available()) return "no Pareto plot: gnuplot is not installed";
  for (size_t i = 0; i < trials.size(); ++i)
    if (!report.values[i].empty()) points << report.values[i][0] << " " << report.values[i][1] << "\n";
  std::ostringstream front;
  std::vector<std::pair<double, double>> f;
  for (size_t i : report.front) f.emplace_back(report.values[i][0], report.values[i][1]);
  std::sort(f.begin(), f.end());
  for (const auto& [x, y] : f) front << x << " " << y << "\n";
  write_text_atomically(dir + "/pareto_points.dat", points.str());
  write_text_atomically(dir + "/pareto_front.dat", front.str());
  // The attainment boundary: from each front point (in ascending first objective) first along the second
  // objective to the next point's value, then along the first (fsteps), or the other way round when exactly
  // one of the two is minimized.
  const std::string steps = specs[0].maximize == specs[1].maximize ? "with steps" : "with fsteps";
  const std::string script = dir + "/pareto.gp";
  write_text_atomically(
      script,
      "set terminal pngcairo size 800,550\nset output " + gnuplot_quoted(dir + "/pareto.png") +
          "\nset xlabel " + gnuplot_quoted(specs[0].name + (specs[0].maximize ? " (max)" : " (min)")) +
          "\nset ylabel " + gnuplot_quoted(specs[1].name + (specs[1].maximize ? " (max)" : " (min)")) +
          "\nset grid\nset key outside\nplot " + gnuplot_quoted(dir + "/pareto_points.dat") +
          " with points pt 7 ps 0.6 lc rgb '#999999' title 'trials', " +
          gnuplot_quoted(dir + "/pareto_front.dat") +
          " with points pt 7 ps 1 lc rgb '#c00000' title 'front', " +
          gnuplot_quoted(dir + "/pareto_front.dat") + " " + steps + " lw 2 lc rgb '#c00000' notitle\n");
  const bool plotted = run_gnuplot(script);
  for (const char* f : {"/pareto.gp", "/pareto_points.dat", "/pareto_front.dat"})
    std::filesystem::remove(dir + f);
  return plotted ? "Pareto plot: " + dir + "/pareto.png" : "no Pareto plot: gnuplot failed";
}

}  // namespace tnas
