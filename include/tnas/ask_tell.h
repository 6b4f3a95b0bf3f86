#pragma once
// tnas as a library: the search of `meta_test search`, driven by its caller. Ask for a trial, evaluate it
// however you like (your training code, a cluster job, a table), tell its result; the search proposes the
// next one with everything told so far, as the command line's search does.
//
//   tnas::SearchOptions options;
//   options.out = "runs/mine";          // the run directory: reopened, the search resumes
//   options.method = "bowl";
//   tnas::AskTellSearch search(options);
//   while (auto trial = search.ask()) search.tell(trial->number,
//   tnas::TrialReport::success(train(trial->config))); std::cout << search.best()->config;
//
// It is the same machinery as `meta_test search`: the same options and checks, the same run directory
// (config.json, trials.jsonl, summary.json, ...) and its lock, the same trials for the same seed when each
// ask is followed by its tell. Several asks before a tell are allowed (batch or asynchronous evaluation): the
// trials asked and not told are the search's pending evaluations, never proposed again. Asked trials are kept
// in the run directory (queue/, as a parallel search's): a process that dies before telling loses nothing —
// reopened, the search asks those trials again first. Errors (a bad option, a tell for a trial never asked)
// are thrown as std::runtime_error with a one-line message.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tnas {

// The settings of a search, named as `meta_test search`'s options (its --help says what each does).
struct SearchOptions {
  std::string out;                     // --out: the run directory (required)
  std::string space = "nb201";         // --space
  std::string method = "tnas";         // --method
  std::string objective = "external";  // --objective: external (the caller evaluates), or a table whose
                                       // rows are then the pool, a train objective, ...
  std::string objectives = "acc";      // --objectives: more than one makes a multi-objective search
  std::string checkpoint = "checkpoints/default";  // --checkpoint (tnas)
  std::string dataset;  // --dataset: the target's images (tnas's dataset encoder; train)
  int budget = 30;      // --budget
  uint64_t seed = 0;    // --seed
  int threads = 0;      // --threads for LibTorch and OpenBLAS (0: the process's setting is left as it is)
  bool force = false;   // --force: replace a run with other settings in `out`
  // Any other option of meta_test search, as on its command line, e.g. {"--warm-start", "3"}.
  std::vector<std::string> more_options;

  // The meta_test search command line these options make (without the program name).
  std::vector<std::string> command_line() const;
};

struct AskedTrial {
  int number = 0;           // 1-based, as trials.jsonl numbers it; tell() takes it back
  std::string config;       // the configuration's text (an NB201 cell string, a JAHS or grammar string)
  int epochs = 0;           // the fidelity asked for (multi-fidelity methods; 0: your own protocol)
  int previous_epochs = 0;  // multi-fidelity: this configuration was trained this far earlier; continue it
  uint64_t seed = 0;        // the training seed (the same at every fidelity of a configuration)
  std::string note;         // where the proposal comes from (e.g. "zero-shot warm start")
};

// What the caller tells about a trial.
struct TrialReport {
  bool ok = true;
  std::map<std::string, double> metrics;  // "accuracy" (percent, maximized) and any others (objectives)
  double seconds = -1;                    // what the evaluation cost (< 0: the wall time since the ask)
  int epochs = 0;                         // training epochs it cost (--max-epochs-total counts them)
  std::string error;                      // why it failed, when !ok

  static TrialReport success(double accuracy);
  static TrialReport failure(std::string reason);
};

// A told trial, as trials.jsonl records it.
struct TrialRecord {
  int number = 0;
  std::string config;
  bool ok = false;
  double accuracy = 0;                    // when ok
  std::map<std::string, double> metrics;  // every metric told
  std::string error;                      // when !ok
  int epochs = 0;                         // its fidelity (0: the objective's own)
  double seconds = 0;
  std::string json;  // the whole trials.jsonl line
};

class AskTellSearch {
 public:
  explicit AskTellSearch(const SearchOptions& options);
  ~AskTellSearch();
  AskTellSearch(const AskTellSearch&) = delete;
  AskTellSearch& operator=(const AskTellSearch&) = delete;

  // The next trial: first any trial asked by an earlier process and never told, then a new proposal. nullopt
  // when none can be asked now: done() then says whether the search is over (budget spent, pool exhausted)
  // or whether it waits for tells (a multi-fidelity rung's results).
  std::optional<AskedTrial> ask();
  // Records trial `number`'s result; throws for a number that was not asked or was told already.
  void tell(int number, const TrialReport& report);
  bool done();
  std::vector<AskedTrial> pending() const;  // asked and not told

  std::vector<TrialRecord> trials() const;  // told, in the order they were told
  std::optional<TrialRecord> best() const;  // the incumbent (highest fidelity's best accuracy)
  std::vector<TrialRecord> pareto() const;  // multi-objective searches: the non-dominated trials
  // Writes the plots and the final summary (and, with a train objective, trains the incumbent once more at
  // the final preset); returns summary.json's text. Trials may still be asked and told afterwards.
  std::string finish();
  const std::string& run_directory() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tnas
