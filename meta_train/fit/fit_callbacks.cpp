#include "meta_train/fit/fit_callbacks.h"

#include <cmath>
#include <cstdio>

#include "basics/error.h"

namespace tnas {

void StopOnNonFiniteLoss::on_batch_loss(const FitLoop& loop, int epoch, double loss) {
  (void)loop;
  if (!std::isfinite(loss))
    throw Error("fit: the loss is not finite at epoch " + std::to_string(epoch + 1) +
                " (try a smaller --lr)");
}

void PlateauSchedule::on_training_loss(FitLoop& loop, int epoch, double loss) {
  (void)epoch;
  if (loss < best_loss_ - min_delta_) {
    best_loss_ = loss;
    since_best_ = 0;
  } else if (++since_best_ > patience_) {
    since_best_ = 0;
    loop.set_learning_rate(loop.learning_rate() * factor_);
  }
}

void PlateauSchedule::save(nlohmann::json& state) const {
  state["best_loss"] = best_loss_;
  state["since_best_loss"] = since_best_;
}

void PlateauSchedule::restore(const nlohmann::json& state) {
  best_loss_ = state.at("best_loss");
  since_best_ = state.at("since_best_loss");
}

void ProgressLog::on_epoch_end(FitLoop& loop, const FitMetrics& metrics) {
  char line[300];
  std::snprintf(
      line, sizeof line,
      "epoch %d/%d loss %.4f lr %.0e | held-out pairs: spearman %.3f | held-out subtasks: spearman %.3f "
      "(within-subtask %.3f), pearson %.3f, kendall %.3f | %.0fs",
      metrics.epoch, loop.options().epochs, metrics.loss, metrics.learning_rate, metrics.pair_spearman,
      metrics.task_spearman, metrics.task_spearman_within, metrics.task_pearson, metrics.task_kendall,
      metrics.seconds);
  progress_(line);
  for (const auto& [name, s] : metrics.sources) {
    std::snprintf(line, sizeof line,
                  "  source %s: held-out pairs: spearman %.3f (%d) | held-out subtasks: spearman %.3f "
                  "(within-subtask %.3f; %d pairs)",
                  name.c_str(), s.pairs.spearman, s.pairs.pairs, s.tasks.spearman, s.tasks.within,
                  s.tasks.pairs);
    progress_(line);
  }
}

void KeepBest::on_epoch_end(FitLoop& loop, const FitMetrics& metrics) {
  if (metrics.selection > best_.selection || loop.split().heldout_tasks.size() < 3) {
    best_ = metrics;
    write_(loop, metrics);
  }
}

void KeepBest::save(nlohmann::json& state) const {
  state["best"] = {{"epoch", best_.epoch}, {"selection", best_.selection}};
}

void KeepBest::restore(const nlohmann::json& state) {
  best_.epoch = state.at("best").at("epoch");
  const auto& best = state.at("best");
  best_.selection =
      best.contains("selection") ? best.at("selection") : best.at("task_spearman");  // older states
}

bool ResumeState::resume(FitLoop& loop) {
  const auto state = folder_.resume_state();
  if (!state) return false;
  if (state->value("fit", nlohmann::json()) != fit_config_)
    throw Error(folder_.dir() +
                "/last: was written by a fit with other settings; use another --out or the same options");
  // The weights and optimizer state this state.json was written with (older states: the fixed names).
  loop.restore(*state, folder_.resume_file(*state, "model", "model.pt"),
               folder_.resume_file(*state, "optimizer", "optimizer.pt"));
  for (auto* c : callbacks_) c->restore(*state);
  return true;
}

void ResumeState::on_epoch_end(FitLoop& loop, const FitMetrics& metrics) {
  nlohmann::json state = loop.state();
  state["fit"] = fit_config_;
  for (const auto* c : callbacks_) c->save(state);
  folder_.write_resume_state(metrics.epoch, loop.model_bytes(), loop.optimizer_bytes(), std::move(state));
}

}  // namespace tnas
