#include "meta_test/methods/hyperband_schedule.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "basics/error.h"

namespace tnas {
namespace {

// Indices of a rung's trials from best to worst: successful ones by accuracy, then failed ones; ties in
// trial order (stable), so that replays promote the same configurations.
std::vector<size_t> ranked(const std::vector<Observation>& history, size_t begin, size_t end) {
  std::vector<size_t> order(end - begin);
  std::iota(order.begin(), order.end(), begin);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (history[a].ok != history[b].ok) return history[a].ok;
    return history[a].ok && history[a].accuracy > history[b].accuracy;
  });
  return order;
}

std::string ordinal(int k) {
  const int last = k % 10, last_two = k % 100;
  const char* suffix = (last == 1 && last_two != 11)   ? "st"
                       : (last == 2 && last_two != 12) ? "nd"
                       : (last == 3 && last_two != 13) ? "rd"
                                                       : "th";
  return std::to_string(k) + suffix;
}

}  // namespace

std::string ScheduledTrial::describe() const {
  std::string s = "round " + std::to_string(round) + " bracket " + std::to_string(bracket) + " rung " +
                  std::to_string(rung) + ": ";
  return s + (promotion ? "promoted (" + ordinal(slot + 1) + " best)" : "new");
}

HyperbandSchedule::HyperbandSchedule(int min_epochs, int max_epochs, double eta,
                                     bool successive_halving_only) {
  if (min_epochs < 1) throw Error("--min-fidelity must be >= 1 epoch, got " + std::to_string(min_epochs));
  if (max_epochs < min_epochs)
    throw Error("--max-fidelity (" + std::to_string(max_epochs) + ") must be >= --min-fidelity (" +
                std::to_string(min_epochs) + ")");
  if (!(eta > 1)) throw Error("--eta must be > 1, got " + std::to_string(eta));
  // A tolerance so that e.g. log_3(27) counts as 3, not 2.999...
  const int s_max = static_cast<int>(
      std::floor(std::log(static_cast<double>(max_epochs) / min_epochs) / std::log(eta) + 1e-9));
  for (int s = s_max; s >= (successive_halving_only ? s_max : 0); --s) {
    Bracket b;
    b.s = s;
    const int n = static_cast<int>(std::ceil((s_max + 1.0) / (s + 1.0) * std::pow(eta, s) - 1e-9));
    for (int i = 0; i <= s; ++i) {
      Rung r;
      r.size = std::max(1, static_cast<int>(std::floor(n * std::pow(eta, -i) + 1e-9)));
      r.epochs = std::clamp(static_cast<int>(std::lround(max_epochs * std::pow(eta, i - s))), min_epochs,
                            max_epochs);
      b.rungs.push_back(r);
    }
    brackets_.push_back(b);
  }
}

ScheduledTrial HyperbandSchedule::next(const std::vector<Observation>& history) const {
  const size_t position = history.size();
  size_t p = 0;  // first trial of the current rung
  for (int round = 0;; ++round) {
    for (const Bracket& b : brackets_) {
      size_t previous_rung = 0;
      for (size_t i = 0; i < b.rungs.size(); ++i) {
        const Rung& r = b.rungs[i];
        if (position < p + static_cast<size_t>(r.size)) {
          ScheduledTrial t;
          t.round = round, t.bracket = b.s, t.rung = static_cast<int>(i),
          t.slot = static_cast<int>(position - p), t.epochs = r.epochs;
          if (i > 0) {
            for (size_t k = previous_rung; k < previous_rung + static_cast<size_t>(b.rungs[i - 1].size); ++k)
              if (history[k].pending) throw WaitForResults();  // promotions rank the whole rung below
            const Observation& from =
                history[ranked(history, previous_rung, previous_rung + b.rungs[i - 1].size)[t.slot]];
            t.promotion = true;
            t.config = from.config;
            t.previous_epochs = from.ok ? from.epochs : 0;
          }
          return t;
        }
        previous_rung = p;
        p += static_cast<size_t>(r.size);
      }
    }
  }
}

}  // namespace tnas
