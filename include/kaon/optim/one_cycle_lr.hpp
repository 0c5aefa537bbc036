// SPDX-License-Identifier: MIT
// The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR): stepped after every batch, the rate
// rises from max_lr / div_factor to max_lr over the first pct_start of total_steps, then falls to
// the initial rate / final_div_factor, while the momentum (beta1 for Adam) moves the other way
// between max_momentum and base_momentum. Each rate is computed from the step number, as
// PyTorch's, so the sequence agrees with PyTorch's to the last bit.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "kaon/optim/lr_scheduler.hpp"
#include "kaon/optim/optimizer.hpp"
#include "kaon/optim/scheduler_state.hpp"

namespace kaon::optim {

template <class T = float, class D = cpu>
class OneCycleLR {
 public:
  /// anneal_strategy is "cos" or "linear"; three_phase adds PyTorch's symmetric third phase.
  OneCycleLR(Optimizer<T, D>& opt, double max_lr, std::int64_t total_steps, double pct_start = 0.3,
             const std::string& anneal_strategy = "cos", bool cycle_momentum = true,
             double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25.0,
             double final_div_factor = 1e4, bool three_phase = false)
      : opt_(opt), total_steps_(total_steps), cycle_momentum_(cycle_momentum) {
    KAON_CHECK(total_steps > 0, ValueError, "OneCycleLR: total_steps must be positive, got ",
               total_steps);
    KAON_CHECK(pct_start >= 0 && pct_start <= 1, ValueError,
               "OneCycleLR: pct_start must be in [0, 1], got ", pct_start);
    KAON_CHECK(anneal_strategy == "cos" || anneal_strategy == "linear", ValueError,
               "OneCycleLR: anneal_strategy must be \"cos\" or \"linear\", got \"", anneal_strategy,
               "\"");
    KAON_CHECK(!cycle_momentum || opt.momentum(0).has_value(), ValueError,
               "OneCycleLR: cycle_momentum needs an optimiser with momentum or betas (SGD, "
               "RMSprop, Adam, AdamW); pass cycle_momentum = false");
    cosine_ = anneal_strategy == "cos";
    const Levels initial{max_lr / div_factor, max_momentum};
    const Levels peak{max_lr, base_momentum};
    const Levels last{initial.lr / final_div_factor, max_momentum};
    const double steps = static_cast<double>(total_steps);
    if (three_phase)
      phases_ = {{pct_start * steps - 1, initial, peak},
                 {2 * pct_start * steps - 2, peak, initial},
                 {steps - 1, initial, last}};
    else
      phases_ = {{pct_start * steps - 1, initial, peak}, {steps - 1, peak, last}};
    step();  // step 0: the initial rate and max_momentum, as PyTorch's constructor sets
  }

  /// Moves to the next step; a ValueError past total_steps, as PyTorch's.
  void step() {
    ++last_epoch_;
    KAON_CHECK(last_epoch_ <= total_steps_, ValueError, "OneCycleLR: tried to step ",
               last_epoch_ + 1, " times; the specified number of total steps is ", total_steps_);
    apply();
  }
  /// The step count (last_epoch), as PyTorch's state_dict(); the schedule is fixed by the
  /// constructor's arguments.
  [[nodiscard]] io::NamedTensors<double> state_dict() const {
    return {{"last_epoch", full<double>(Shape{}, static_cast<double>(last_epoch_))}};
  }
  /// Restores the step count and sets that step's rate and momentum on the optimiser (its
  /// state_dict keeps the rate but not the momentum).
  void load_state_dict(const io::NamedTensors<double>& state) {
    const detail::SchedulerState s("OneCycleLR", state, {{"last_epoch"}});
    const auto epoch = s.count("last_epoch", 0);
    KAON_CHECK(epoch <= total_steps_, ValueError, "OneCycleLR: load_state_dict: last_epoch ", epoch,
               " is past total_steps ", total_steps_);
    last_epoch_ = epoch;
    apply();
  }
  /// Each group's learning rate, as PyTorch's get_last_lr().
  [[nodiscard]] std::vector<double> get_last_lr() const { return detail::group_lrs(opt_); }
  /// Steps taken since construction (PyTorch's last_epoch).
  [[nodiscard]] std::int64_t last_epoch() const { return last_epoch_; }

 private:
  struct Levels {
    double lr, momentum;
  };
  struct Phase {
    double end_step;
    Levels from, to;
  };
  /// Sets the rate (and momentum) of step last_epoch_ on every group.
  void apply() {
    const auto now = static_cast<double>(last_epoch_);
    double start_step = 0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& p = phases_[i];
      if (now <= p.end_step || i + 1 == phases_.size()) {
        KAON_CHECK(p.end_step != start_step, ValueError, "OneCycleLR: phase ", i + 1,
                   " has no length at step ", last_epoch_, " (it ends at step ", p.end_step,
                   "); choose a pct_start and total_steps that give each phase a step");
        const double pct = (now - start_step) / (p.end_step - start_step);
        for (std::size_t g = 0; g < opt_.num_param_groups(); ++g) {
          opt_.set_lr(g, anneal(p.from.lr, p.to.lr, pct));
          if (cycle_momentum_) opt_.set_momentum(g, anneal(p.from.momentum, p.to.momentum, pct));
        }
        return;
      }
      start_step = p.end_step;
    }
  }
  [[nodiscard]] double anneal(double start, double end, double pct) const {
    if (cosine_) return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1);
    return (end - start) * pct + start;
  }

  Optimizer<T, D>& opt_;
  std::int64_t total_steps_, last_epoch_ = -1;
  bool cycle_momentum_, cosine_ = true;
  std::vector<Phase> phases_;
};

}  // namespace kaon::optim
