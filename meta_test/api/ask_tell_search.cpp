// The ask/tell API (include/tnas/ask_tell.h) over the search session of meta_test search
// (meta_test/search/search_session.h). The options become meta_test search's command line, read by its own
// parser; asked trials are kept in the run directory's queue (meta_test/parallel/trial_queue.h), so that a
// process killed between an ask and its tell leaves them to be asked again, and so that `meta_test search`
// run on the same directory (a table or train objective) would evaluate them with its parallel loop.
#include <algorithm>
#include <deque>

#include "basics/error.h"
#include "meta_test/multi_objective/pareto_report.h"
#include "meta_test/parallel/trial_queue.h"
#include "meta_test/search/search_options.h"
#include "meta_test/search/search_session.h"
#include "tnas/ask_tell.h"

namespace tnas {
namespace {

AskedTrial asked_trial(const SearchSpace& space, const AskedTrialState& state) {
  return {state.number,
          space.format(state.request.config),
          state.request.fidelity.epochs,
          state.request.previous_epochs,
          state.request.seed,
          state.proposal.note};
}

TrialRecord trial_record_view(const nlohmann::json& t) {
  TrialRecord r;
  r.number = t.at("trial").get<int>();
  r.config = t.at("arch").get<std::string>();
  r.ok = t.at("ok").get<bool>();
  r.accuracy = t.value("accuracy", 0.0);
  if (t.contains("metrics"))
    r.metrics = t.at("metrics").get<std::map<std::string, double>>();
  else if (r.ok)
    r.metrics["accuracy"] = r.accuracy;
  r.error = t.value("error", std::string());
  r.epochs = t.value("fidelity_epochs", 0);
  r.seconds = t.value("seconds", 0.0);
  r.json = t.dump();
  return r;
}

SearchSettings settings_of(const SearchOptions& options) {
  if (options.out.empty()) throw Error("SearchOptions.out: the run directory is required");
  return parse_search_words(options.command_line(), "", false).settings;  // threads: only when given
}

}  // namespace

std::vector<std::string> SearchOptions::command_line() const {
  std::vector<std::string> words = {"--out",        out,
                                    "--space",      space,
                                    "--method",     method,
                                    "--objective",  objective,
                                    "--objectives", objectives,
                                    "--checkpoint", checkpoint,
                                    "--budget",     std::to_string(budget),
                                    "--seed",       std::to_string(seed)};
  if (!dataset.empty()) words.insert(words.end(), {"--dataset", dataset});
  if (threads > 0) words.insert(words.end(), {"--threads", std::to_string(threads)});
  if (force) words.push_back("--force");
  words.insert(words.end(), more_options.begin(), more_options.end());
  return words;
}

TrialReport TrialReport::success(double accuracy) {
  TrialReport report;
  report.metrics["accuracy"] = accuracy;
  return report;
}

TrialReport TrialReport::failure(std::string reason) {
  TrialReport report;
  report.ok = false;
  report.error = std::move(reason);
  return report;
}

struct AskTellSearch::State {
  explicit State(const SearchSettings& settings)
      : session(settings, [](const std::string&) {}), queue(settings.out) {
    // Trials an earlier process asked: told ones (by a parallel search's worker) are recorded, the others
    // asked again first, in their order.
    for (const QueuedTrial& q : queue.list()) {
      const Proposal proposal = proposal_from_json(*session.setup().space, q.request);
      session.restore(q.trial, proposal, q.request.value("propose_seconds", 0.0));
      if (q.result) {
        session.tell_record(*q.result);
        queue.remove(q.trial);
      } else {
        to_ask_again.push_back(q.trial);
      }
    }
  }
  SearchSession session;
  TrialQueue queue;
  std::deque<int> to_ask_again;
};

AskTellSearch::AskTellSearch(const SearchOptions& options)
    : state_(std::make_unique<State>(settings_of(options))) {}

AskTellSearch::~AskTellSearch() = default;

std::optional<AskedTrial> AskTellSearch::ask() {
  SearchSession& session = state_->session;
  const SearchSpace& space = *session.setup().space;
  while (!state_->to_ask_again.empty()) {
    const int number = state_->to_ask_again.front();
    state_->to_ask_again.pop_front();
    const auto it = session.pending().find(number);
    if (it != session.pending().end()) return asked_trial(space, it->second);  // (not told meanwhile)
  }
  const auto state = session.ask();
  if (!state) return std::nullopt;
  // Kept before it is handed out: a process killed from here on asks it again when reopened.
  state_->queue.add(proposal_json(space, state->number, state->proposal, state->propose_seconds));
  return asked_trial(space, *state);
}

void AskTellSearch::tell(int number, const TrialReport& report) {
  TrialResult result;
  result.ok = report.ok;
  result.metrics = report.metrics;
  result.cost.seconds = std::max(0.0, report.seconds);
  result.cost.epochs = report.epochs;
  result.error = report.ok ? "" : (report.error.empty() ? "failed (no reason told)" : report.error);
  state_->session.tell(number, checked_result(result), report.seconds);
  state_->queue.remove(number);  // after the record is in trials.jsonl: a kill in between loses nothing
}

bool AskTellSearch::done() { return state_->session.finished() && state_->to_ask_again.empty(); }

std::vector<AskedTrial> AskTellSearch::pending() const {
  std::vector<AskedTrial> trials;
  for (const auto& [number, state] : state_->session.pending())
    trials.push_back(asked_trial(*state_->session.setup().space, state));
  return trials;
}

std::vector<TrialRecord> AskTellSearch::trials() const {
  std::vector<TrialRecord> records;
  for (const auto& t : state_->session.run().trials()) records.push_back(trial_record_view(t));
  return records;
}

std::optional<TrialRecord> AskTellSearch::best() const {
  const int incumbent = state_->session.tally().incumbent.trial;
  for (const auto& t : state_->session.run().trials())
    if (t.at("trial").get<int>() == incumbent) return trial_record_view(t);
  return std::nullopt;
}

std::vector<TrialRecord> AskTellSearch::pareto() const {
  const SearchSetup& setup = state_->session.setup();
  const auto& told = state_->session.run().trials();
  if (!setup.multi_objective())
    throw Error("pareto: the search has one objective (SearchOptions.objectives)");
  std::vector<TrialRecord> front;
  for (size_t index : pareto_report(told, setup.objectives, setup.reference, *setup.space).front)
    front.push_back(trial_record_view(told[index]));
  return front;
}

std::string AskTellSearch::finish() { return state_->session.finish().dump(2); }

const std::string& AskTellSearch::run_directory() const { return state_->session.run().path(); }

}  // namespace tnas
