// SPDX-License-Identifier: MIT
// ReduceLROnPlateau, as torch.optim.lr_scheduler's: cuts every group's learning rate when a
// metric stops improving. Call step(metric) once per epoch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kaon/optim/lr_scheduler.hpp"

namespace kaon::optim {

/// ReduceLROnPlateau's options (mode "min" or "max", relative or absolute threshold):
/// ReduceLROnPlateauOptions().factor(0.5).patience(2). Each setter has a getter of the same name.
struct ReduceLROnPlateauOptions {
 public:
  /// Mode "max": the metric should grow (an accuracy); the default, "min", a loss.
  ReduceLROnPlateauOptions& mode_max(bool v) { return max_ = v, *this; }
  ReduceLROnPlateauOptions& factor(double v) { return factor_ = v, *this; }
  ReduceLROnPlateauOptions& patience(std::int64_t v) { return patience_ = v, *this; }
  ReduceLROnPlateauOptions& threshold(double v) { return threshold_ = v, *this; }
  /// threshold_mode "abs" instead of the default "rel".
  ReduceLROnPlateauOptions& threshold_mode_abs(bool v) { return abs_ = v, *this; }
  ReduceLROnPlateauOptions& cooldown(std::int64_t v) { return cooldown_ = v, *this; }
  ReduceLROnPlateauOptions& min_lr(double v) { return min_lr_ = v, *this; }
  ReduceLROnPlateauOptions& eps(double v) { return eps_ = v, *this; }
  [[nodiscard]] bool mode_max() const { return max_; }
  [[nodiscard]] double factor() const { return factor_; }
  [[nodiscard]] std::int64_t patience() const { return patience_; }
  [[nodiscard]] double threshold() const { return threshold_; }
  [[nodiscard]] bool threshold_mode_abs() const { return abs_; }
  [[nodiscard]] std::int64_t cooldown() const { return cooldown_; }
  [[nodiscard]] double min_lr() const { return min_lr_; }
  [[nodiscard]] double eps() const { return eps_; }

 private:
  bool max_ = false, abs_ = false;
  double factor_ = 0.1, threshold_ = 1e-4, min_lr_ = 0, eps_ = 1e-8;
  std::int64_t patience_ = 10, cooldown_ = 0;
};

/// Cuts every group's learning rate by `factor` when a metric has not improved for `patience`
/// epochs.
template <class T = float, class D = cpu>
class ReduceLROnPlateau {
 public:
  explicit ReduceLROnPlateau(Optimizer<T, D>& opt,
                             ReduceLROnPlateauOptions options = ReduceLROnPlateauOptions())
      : opt_(opt), o_(options) {
    KAON_CHECK(options.factor() < 1, ValueError, "ReduceLROnPlateau: factor should be < 1.0, got ",
               options.factor());
    best_ = o_.mode_max() ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
  }
  /// Feeds the epoch's metric (a validation loss, say).
  void step(double metric) {
    if (better(metric)) {
      best_ = metric;
      bad_epochs_ = 0;
    } else {
      ++bad_epochs_;
    }
    if (cooldown_counter_ > 0) {
      --cooldown_counter_;
      bad_epochs_ = 0;
    }
    if (bad_epochs_ > o_.patience()) {
      for (std::size_t g = 0; g < opt_.num_param_groups(); ++g) {
        const double lr = opt_.lr(g), new_lr = std::max(lr * o_.factor(), o_.min_lr());
        if (lr - new_lr > o_.eps()) opt_.set_lr(g, new_lr);
      }
      cooldown_counter_ = o_.cooldown();
      bad_epochs_ = 0;
    }
  }
  /// Each group's learning rate.
  [[nodiscard]] std::vector<double> get_last_lr() const { return detail::group_lrs(opt_); }

  /// The best metric so far and the two counters, as PyTorch's state_dict() (the rates are in
  /// the optimiser's).
  [[nodiscard]] io::NamedTensors<double> state_dict() const {
    return {{"best", full<double>(Shape{}, best_)},
            {"num_bad_epochs", full<double>(Shape{}, static_cast<double>(bad_epochs_))},
            {"cooldown_counter", full<double>(Shape{}, static_cast<double>(cooldown_counter_))}};
  }
  /// Restores what state_dict() saved; checks it all first.
  void load_state_dict(const io::NamedTensors<double>& state) {
    const detail::SchedulerState s("ReduceLROnPlateau", state,
                                   {{"best"}, {"num_bad_epochs"}, {"cooldown_counter"}});
    const auto bad = s.count("num_bad_epochs", 0), cooldown = s.count("cooldown_counter", 0);
    const double best = s.value("best");
    KAON_CHECK(!std::isnan(best), ValueError,
               "ReduceLROnPlateau: load_state_dict: \"best\" is NaN");
    best_ = best;
    bad_epochs_ = bad;
    cooldown_counter_ = cooldown;
  }

 private:
  bool better(double a) const {
    const double t = o_.threshold();
    if (o_.mode_max()) return o_.threshold_mode_abs() ? a > best_ + t : a > best_ * (1 + t);
    return o_.threshold_mode_abs() ? a < best_ - t : a < best_ * (1 - t);
  }
  Optimizer<T, D>& opt_;
  ReduceLROnPlateauOptions o_;
  double best_;
  std::int64_t bad_epochs_ = 0, cooldown_counter_ = 0;
};

}  // namespace kaon::optim
