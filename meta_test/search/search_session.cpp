#include "meta_test/search/search_session.h"

#include <chrono>

#include "basics/error.h"
#include "basics/rng.h"

namespace tnas {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

SearchSession::SearchSession(const SearchSettings& settings, std::function<void(const std::string&)> progress)
    : settings_(settings),
      progress_(std::move(progress)),
      setup_(set_up(settings, progress_)),
      run_(settings.out, setup_.config, settings.force) {
  if (!run_.resume_note().empty()) progress_(run_.resume_note());
  for (const auto& t : run_.trials()) {
    const int number = t.at("trial").get<int>();
    finished_[number] = observation(setup_, t);
    tally_.add(t);
    next_ = std::max(next_, number + 1);
  }
  if (!finished_.empty())
    progress_("resuming " + settings.out + ": " + std::to_string(finished_.size()) +
              " finished trials replayed");
}

void SearchSession::restore(int number, const Proposal& proposal, double propose_seconds) {
  if (finished_.count(number) || pending_.count(number)) return;  // told already, or restored twice
  pending_[number] = {number, proposal, trial_request(settings_, setup_, number, proposal), propose_seconds,
                      now_seconds()};
  next_ = std::max(next_, number + 1);
}

std::optional<AskedTrialState> SearchSession::ask() {
  if (!budget_left()) return std::nullopt;
  // One seed per trial number: a replayed history proposes exactly what the uninterrupted run did.
  Rng rng(settings_.seed * 1000003ULL + static_cast<uint64_t>(next_ - 1));
  Proposal proposal;
  try {
    proposal = setup_.method->propose_trial(history(), rng);
  } catch (const PoolExhausted& e) {
    exhausted_ = true;
    progress_(std::string(e.what()) + (pending_.empty() ? "" : " or is being evaluated") +
              ": the search ends after " + std::to_string(finished_.size() + pending_.size()) + " trials");
    return std::nullopt;
  } catch (const WaitForResults&) {
    return std::nullopt;  // asked again after the next tell
  }
  const int number = next_++;
  AskedTrialState& asked = pending_[number];
  asked = {number, proposal, trial_request(settings_, setup_, number, proposal), setup_.method->last_seconds,
           now_seconds()};
  return asked;
}

void SearchSession::tell(int number, const TrialResult& outcome, double seconds) {
  const AskedTrialState& asked = pending_trial(number);
  if (seconds < 0) seconds = now_seconds() - asked.asked_at;
  tell_record(trial_record(setup_, setup_.objectives, number, asked.proposal, outcome, seconds,
                           asked.propose_seconds));
}

void SearchSession::tell_record(const nlohmann::json& trial) {
  const int number = trial.at("trial").get<int>();
  pending_trial(number);  // throws for one that is not pending
  pending_.erase(number);
  finished_[number] = record_trial(run_, setup_, tally_, finished_.size() + 1, trial, progress_);
}

const AskedTrialState& SearchSession::pending_trial(int number) const {
  const auto it = pending_.find(number);
  if (it == pending_.end())
    throw Error("tell: trial " + std::to_string(number) +
                (finished_.count(number) ? " was told already" : " was not asked"));
  return it->second;
}

bool SearchSession::finished() { return exhausted_ || !budget_left(); }

nlohmann::json SearchSession::finish() {
  if (!exhausted_ && !tally_.budget_left(settings_.max_cost_seconds, setup_.max_epochs_total))
    progress_("stopped by " + stop_reason(settings_, setup_, tally_) + " after " +
              std::to_string(finished_.size()) + " evaluations");
  return finish_search(settings_, setup_, run_, tally_, finished_.size(), progress_);
}

std::vector<Observation> SearchSession::history() const {
  std::map<int, Observation> by_number = finished_;
  for (const auto& [number, asked] : pending_) by_number[number] = pending_observation(asked.proposal);
  std::vector<Observation> trials;
  for (auto& [number, o] : by_number) trials.push_back(std::move(o));
  return trials;
}

// Trials finished and pending can go over no budget: trials, epochs (pending ones counted as requested),
// cost seconds (only finished ones are known).
bool SearchSession::budget_left() const {
  if (exhausted_) return false;
  std::vector<Proposal> in_flight;
  for (const auto& [number, asked] : pending_) in_flight.push_back(asked.proposal);
  return trials_budget_left(settings_, setup_, tally_, finished_.size(), in_flight);
}

}  // namespace tnas
