// The Python module's native part (tnas._tnas): the ask/tell search of include/tnas/ask_tell.h. The GIL is
// released while tnas computes (opening a search, proposing, recording), so that other Python threads run.
// The Python layer (tnas/__init__.py) adds optimize(), reading run directories and DataFrames.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "basics/error.h"
#include "tnas/ask_tell.h"
#include "tnas/space.h"
#include "tnas/surrogate.h"

namespace py = pybind11;

namespace {

using tnas::AskedTrial;
using tnas::AskTellSearch;
using tnas::Prediction;
using tnas::PredictionTarget;
using tnas::PretrainedSurrogate;
using tnas::SearchOptions;
using tnas::TrialRecord;
using tnas::TrialReport;

SearchOptions search_options(const std::string& out, const std::string& space, const std::string& method,
                             const std::string& objective, const std::string& objectives,
                             const std::string& checkpoint, const std::string& dataset, int budget,
                             uint64_t seed, int threads, bool force,
                             const std::vector<std::string>& options) {
  SearchOptions o;
  o.out = out;
  o.space = space;
  o.method = method;
  o.objective = objective;
  o.objectives = objectives;
  o.checkpoint = checkpoint;
  o.dataset = dataset;
  o.budget = budget;
  o.seed = seed;
  o.threads = threads;
  o.force = force;
  o.more_options = options;
  return o;
}

TrialReport report(bool ok, const std::map<std::string, double>& metrics, double seconds, int epochs,
                   const std::string& error) {
  TrialReport r;
  r.ok = ok;
  r.metrics = metrics;
  r.seconds = seconds;
  r.epochs = epochs;
  r.error = error;
  return r;
}

}  // namespace

PYBIND11_MODULE(_tnas, m) {
  m.doc() = "tnas: neural architecture search with meta-learned surrogates (native part; use `import tnas`)";
  py::register_exception<tnas::Error>(m, "Error", PyExc_ValueError);

  py::class_<AskedTrial>(m, "Trial", "A trial to evaluate: its number, configuration and fidelity")
      .def_readonly("number", &AskedTrial::number)
      .def_readonly("config", &AskedTrial::config)
      .def_readonly("epochs", &AskedTrial::epochs)
      .def_readonly("previous_epochs", &AskedTrial::previous_epochs)
      .def_readonly("seed", &AskedTrial::seed)
      .def_readonly("note", &AskedTrial::note)
      .def("__repr__", [](const AskedTrial& t) {
        return "Trial(number=" + std::to_string(t.number) + ", config='" + t.config + "'" +
               (t.epochs > 0 ? ", epochs=" + std::to_string(t.epochs) : std::string()) + ")";
      });

  py::class_<AskTellSearch>(m, "AskTellSearch")
      .def(py::init([](const std::string& out, const std::string& space, const std::string& method,
                       const std::string& objective, const std::string& objectives,
                       const std::string& checkpoint, const std::string& dataset, int budget, uint64_t seed,
                       int threads, bool force, const std::vector<std::string>& options) {
             const SearchOptions o = search_options(out, space, method, objective, objectives, checkpoint,
                                                    dataset, budget, seed, threads, force, options);
             py::gil_scoped_release release;
             return std::make_unique<AskTellSearch>(o);
           }),
           py::arg("out"), py::arg("space"), py::arg("method"), py::arg("objective"), py::arg("objectives"),
           py::arg("checkpoint"), py::arg("dataset"), py::arg("budget"), py::arg("seed"), py::arg("threads"),
           py::arg("force"), py::arg("options"))
      .def("ask", &AskTellSearch::ask, py::call_guard<py::gil_scoped_release>())
      .def(
          "tell",
          [](AskTellSearch& search, int number, bool ok, const std::map<std::string, double>& metrics,
             double seconds, int epochs, const std::string& error) {
            const TrialReport r = report(ok, metrics, seconds, epochs, error);
            py::gil_scoped_release release;
            search.tell(number, r);
          },
          py::arg("number"), py::arg("ok"), py::arg("metrics"), py::arg("seconds"), py::arg("epochs"),
          py::arg("error"))
      .def("done", &AskTellSearch::done, py::call_guard<py::gil_scoped_release>())
      .def("pending", &AskTellSearch::pending)
      .def("trial_lines",
           [](const AskTellSearch& search) {
             std::vector<std::string> lines;
             for (const TrialRecord& r : search.trials()) lines.push_back(r.json);
             return lines;
           })
      .def("best_line",
           [](const AskTellSearch& search) -> std::optional<std::string> {
             const auto best = search.best();
             if (!best) return std::nullopt;
             return best->json;
           })
      .def("pareto_lines",
           [](const AskTellSearch& search) {
             std::vector<std::string> lines;
             for (const TrialRecord& r : search.pareto()) lines.push_back(r.json);
             return lines;
           })
      .def("finish", &AskTellSearch::finish, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("run_directory", &AskTellSearch::run_directory);

  py::class_<tnas::Space>(m, "Space", "A search space: configurations as text")
      .def(py::init<const std::string&>(), py::arg("name"))
      .def_property_readonly("name", &tnas::Space::name)
      .def("size", &tnas::Space::size)
      .def("parse", &tnas::Space::parse, py::arg("config"))
      .def("sample", &tnas::Space::sample, py::arg("count"), py::arg("seed") = 0)
      .def("mutate", &tnas::Space::mutate, py::arg("config"), py::arg("seed") = 0)
      .def("neighbours", &tnas::Space::neighbours, py::arg("config"))
      .def("params", &tnas::Space::params, py::arg("config"))
      .def("flops", &tnas::Space::flops, py::arg("config"))
      .def("isomorphism_key", &tnas::Space::isomorphism_key, py::arg("config"));

  // Predictions come back as (configs, means, sds) lists; the Python layer makes numpy arrays of them.
  const auto columns = [](const std::vector<Prediction>& predictions) {
    std::vector<std::string> configs;
    std::vector<double> means, sds;
    for (const Prediction& p : predictions) {
      configs.push_back(p.config);
      means.push_back(p.mean);
      sds.push_back(p.sd);
    }
    return py::make_tuple(configs, means, sds);
  };
  py::class_<PretrainedSurrogate>(m, "PretrainedSurrogate")
      .def(py::init<const std::string&>(), py::arg("checkpoint"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("space", &PretrainedSurrogate::space)
      .def(
          "predict",
          [columns](const PretrainedSurrogate& surrogate, const std::vector<std::string>& configs,
                    const std::string& dataset, uint64_t seed, const std::string& protocol) {
            std::vector<Prediction> predictions;
            {
              py::gil_scoped_release release;
              predictions = surrogate.predict(configs, PredictionTarget{dataset, seed, protocol});
            }
            return columns(predictions);
          },
          py::arg("configs"), py::arg("dataset"), py::arg("seed"), py::arg("protocol"))
      .def(
          "rank",
          [columns](const PretrainedSurrogate& surrogate, const std::string& dataset, uint64_t seed,
                    const std::string& protocol, bool dedupe, int pool_size) {
            std::vector<Prediction> ranked;
            {
              py::gil_scoped_release release;
              ranked = surrogate.rank(PredictionTarget{dataset, seed, protocol}, dedupe, pool_size);
            }
            return columns(ranked);
          },
          py::arg("dataset"), py::arg("seed"), py::arg("protocol"), py::arg("dedupe"), py::arg("pool_size"));
}
