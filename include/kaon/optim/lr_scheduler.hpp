// SPDX-License-Identifier: MIT
// Epoch-based learning-rate schedulers, as torch.optim.lr_scheduler: StepLR, MultiStepLR,
// ExponentialLR, LinearLR and CosineAnnealingLR (ReduceLROnPlateau is in
// reduce_lr_on_plateau.hpp). Call step() once per epoch, after the optimiser's steps. Each
// updates every parameter group with PyTorch's chainable formula (the new rate from the
// current one), so a sequence agrees with PyTorch's to the last bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "kaon/optim/optimizer.hpp"
#include "kaon/optim/scheduler_state.hpp"

namespace kaon::optim {
namespace detail {
template <class T, class D>
std::vector<double> group_lrs(const Optimizer<T, D>& opt) {
  std::vector<double> lrs;
  for (std::size_t g = 0; g < opt.num_param_groups(); ++g) lrs.push_back(opt.lr(g));
  return lrs;
}

/// What the schedulers share, as PyTorch's _LRScheduler: each group's rate at construction
/// (base_lrs), the epoch count, and step(), which sets every group's rate to Derived's
/// `next_lr(group, current rate, base rate)`. PyTorch steps once when a scheduler is made
/// (epoch 0); Derived's constructor calls `start()` for that.
template <class T, class D, class Derived>
class EpochScheduler {
 public:
  void step() {
    ++last_epoch_;
    for (std::size_t g = 0; g < opt_.num_param_groups(); ++g)
      opt_.set_lr(g, static_cast<Derived&>(*this).next_lr(opt_.lr(g), base_lrs_[g]));
  }
  /// Each group's learning rate, as PyTorch's get_last_lr().
  [[nodiscard]] std::vector<double> get_last_lr() const { return group_lrs(opt_); }
  /// Epochs stepped since construction (PyTorch's last_epoch).
  [[nodiscard]] std::int64_t last_epoch() const { return last_epoch_; }

  /// last_epoch and each group's base rate, as PyTorch's state_dict(); the rates in use are in
  /// the optimiser's state_dict. Save both to resume: `io::save_npz(path, sched.state_dict())`.
  [[nodiscard]] io::NamedTensors<double> state_dict() const {
    return {{"last_epoch", full<double>(Shape{}, static_cast<double>(last_epoch_))},
            {"base_lrs", from_vector<double>(base_lrs_)}};
  }
  /// Restores what state_dict() saved, for an optimiser with as many groups; checks it all first.
  void load_state_dict(const io::NamedTensors<double>& state) {
    const auto groups = static_cast<std::int64_t>(base_lrs_.size());
    const SchedulerState s("lr_scheduler", state, {{"last_epoch"}, {"base_lrs", groups}});
    const auto epoch = s.count("last_epoch", 0);
    base_lrs_ = s.values("base_lrs");
    last_epoch_ = epoch;
  }

 protected:
  explicit EpochScheduler(Optimizer<T, D>& opt) : opt_(opt), base_lrs_(group_lrs(opt)) {}
  void start() { step(); }
  Optimizer<T, D>& opt_;
  std::vector<double> base_lrs_;
  std::int64_t last_epoch_ = -1;
};
}  // namespace detail

/// Multiplies every group's learning rate by gamma every step_size epochs.
template <class T = float, class D = cpu>
class StepLR : public detail::EpochScheduler<T, D, StepLR<T, D>> {
 public:
  StepLR(Optimizer<T, D>& opt, std::int64_t step_size, double gamma = 0.1)
      : detail::EpochScheduler<T, D, StepLR>(opt), step_size_(step_size), gamma_(gamma) {
    KAON_CHECK(step_size > 0, ValueError, "StepLR: step_size must be positive, got ", step_size);
    this->start();
  }
  [[nodiscard]] double next_lr(double lr, double) const {
    const auto e = this->last_epoch_;
    return e == 0 || e % step_size_ != 0 ? lr : lr * gamma_;
  }

 private:
  std::int64_t step_size_;
  double gamma_;
};

/// Multiplies every group's learning rate by gamma at each milestone epoch (a milestone given
/// twice applies gamma twice, as PyTorch's Counter).
template <class T = float, class D = cpu>
class MultiStepLR : public detail::EpochScheduler<T, D, MultiStepLR<T, D>> {
 public:
  MultiStepLR(Optimizer<T, D>& opt, std::vector<std::int64_t> milestones, double gamma = 0.1)
      : detail::EpochScheduler<T, D, MultiStepLR>(opt),
        milestones_(std::move(milestones)),
        gamma_(gamma) {
    this->start();
  }
  [[nodiscard]] double next_lr(double lr, double) const {
    const auto hits = std::count(milestones_.begin(), milestones_.end(), this->last_epoch_);
    return hits == 0 ? lr : lr * std::pow(gamma_, static_cast<double>(hits));
  }

 private:
  std::vector<std::int64_t> milestones_;
  double gamma_;
};

/// Multiplies every group's learning rate by gamma every epoch.
template <class T = float, class D = cpu>
class ExponentialLR : public detail::EpochScheduler<T, D, ExponentialLR<T, D>> {
 public:
  ExponentialLR(Optimizer<T, D>& opt, double gamma)
      : detail::EpochScheduler<T, D, ExponentialLR>(opt), gamma_(gamma) {
    this->start();
  }
  [[nodiscard]] double next_lr(double lr, double) const {
    return this->last_epoch_ == 0 ? lr : lr * gamma_;
  }

 private:
  double gamma_;
};

/// Scales every group's base rate by a factor going linearly from start_factor to end_factor
/// over total_iters epochs (the rate at construction is already base * start_factor).
template <class T = float, class D = cpu>
class LinearLR : public detail::EpochScheduler<T, D, LinearLR<T, D>> {
 public:
  explicit LinearLR(Optimizer<T, D>& opt, double start_factor = 1.0 / 3, double end_factor = 1.0,
                    std::int64_t total_iters = 5)
      : detail::EpochScheduler<T, D, LinearLR>(opt),
        start_(start_factor),
        end_(end_factor),
        total_(total_iters) {
    KAON_CHECK(start_factor > 0 && start_factor <= 1, ValueError,
               "LinearLR: start_factor must be in (0, 1], got ", start_factor);
    KAON_CHECK(end_factor >= 0 && end_factor <= 1, ValueError,
               "LinearLR: end_factor must be in [0, 1], got ", end_factor);
    this->start();
  }
  [[nodiscard]] double next_lr(double lr, double) const {
    const auto e = this->last_epoch_;
    if (e == 0) return lr * start_;
    if (e > total_) return lr;
    return lr * (1. + (end_ - start_) / (static_cast<double>(total_) * start_ +
                                         static_cast<double>(e - 1) * (end_ - start_)));
  }

 private:
  double start_, end_;
  std::int64_t total_;
};

/// Anneals every group's rate from its base rate to eta_min along a half cosine of T_max
/// epochs (and back up over the next T_max, as PyTorch's).
template <class T = float, class D = cpu>
class CosineAnnealingLR : public detail::EpochScheduler<T, D, CosineAnnealingLR<T, D>> {
 public:
  CosineAnnealingLR(Optimizer<T, D>& opt, std::int64_t T_max, double eta_min = 0)
      : detail::EpochScheduler<T, D, CosineAnnealingLR>(opt), t_max_(T_max), eta_min_(eta_min) {
    KAON_CHECK(T_max > 0, ValueError, "CosineAnnealingLR: T_max must be positive, got ", T_max);
    this->start();
  }
  [[nodiscard]] double next_lr(double lr, double base) const {
    const auto e = this->last_epoch_;
    const double pi = std::numbers::pi, t = static_cast<double>(t_max_);
    if (e == 0) return lr;
    if ((e - 1 - t_max_) % (2 * t_max_) == 0)
      return lr + (base - eta_min_) * (1 - std::cos(pi / t)) / 2;
    return (1 + std::cos(pi * static_cast<double>(e) / t)) /
               (1 + std::cos(pi * static_cast<double>(e - 1) / t)) * (lr - eta_min_) +
           eta_min_;
  }

 private:
  std::int64_t t_max_;
  double eta_min_;
};

}  // namespace kaon::optim
