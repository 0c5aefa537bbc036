// SPDX-License-Identifier: MIT
// optim::RMSprop: gradients scaled by a running RMS of their history, optionally centered and
// with momentum, with torch.optim.RMSprop's update.
#pragma once

#include <cmath>

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// RMSprop's options: RMSpropOptions(0.01).alpha(0.99).eps(1e-8).weight_decay(0).momentum(0)
/// .centered(false).
struct RMSpropOptions {
  explicit RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  RMSpropOptions& alpha(double v) { return alpha_ = v, *this; }
  RMSpropOptions& eps(double v) { return eps_ = v, *this; }
  RMSpropOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  RMSpropOptions& momentum(double v) { return momentum_ = v, *this; }
  RMSpropOptions& centered(bool v) { return centered_ = v, *this; }
  double lr_, alpha_ = 0.99, eps_ = 1e-8, weight_decay_ = 0, momentum_ = 0;
  bool centered_ = false;
};

namespace fn {
/// g += wd p; sq = alpha sq + (1 - alpha) g^2; centered: ga = alpha ga + (1 - alpha) g and
/// avg = sqrt(sq - ga^2) + eps, else avg = sqrt(sq) + eps; with momentum buf = m buf + g / avg and
/// p -= lr buf, else p -= lr g / avg.
template <class T>
struct RMSpropUpdate {
  T lr, alpha, one_minus_alpha, eps, weight_decay, momentum;
  bool centered;
  KAON_HOST_DEVICE void operator()(T& p, const T& g0, T& sq, T& grad_avg, T& buf) const {
    const T g = weight_decay != T(0) ? g0 + weight_decay * p : g0;
    sq = sq * alpha + one_minus_alpha * g * g;
    T avg;
    if (centered) {
      grad_avg = grad_avg * alpha + one_minus_alpha * g;
      avg = std::sqrt(sq + T(-1) * grad_avg * grad_avg) + eps;
    } else {
      avg = std::sqrt(sq) + eps;
    }
    if (momentum > T(0)) {
      buf = buf * momentum + g / avg;
      p = p + (-lr) * buf;
    } else {
      p = p + (-lr) * g / avg;
    }
  }
};
}  // namespace fn

template <class T = float, class D = cpu>
class RMSprop : public Optimizer<T, D> {
 public:
  RMSprop(std::vector<Tensor<T, D>> params, RMSpropOptions options = RMSpropOptions())
      : Optimizer<T, D>(std::move(params), options.lr_, "RMSprop"), options(options) {
    KAON_CHECK(options.eps_ >= 0, ValueError, "RMSprop: invalid epsilon value: ", options.eps_);
    KAON_CHECK(options.momentum_ >= 0, ValueError,
               "RMSprop: invalid momentum value: ", options.momentum_);
    KAON_CHECK(options.weight_decay_ >= 0, ValueError,
               "RMSprop: invalid weight_decay value: ", options.weight_decay_);
    KAON_CHECK(options.alpha_ >= 0, ValueError, "RMSprop: invalid alpha value: ", options.alpha_);
  }
  RMSprop(std::vector<Tensor<T, D>> params, double lr)
      : RMSprop(std::move(params), RMSpropOptions(lr)) {}

  void step() override {
    this->update_each([&](std::size_t i, Tensor<T, D>& p, const Tensor<T, D>& g) {
      auto zeros = [&] { return detail::zeros_like_param(p); };
      this->next_step(i);
      auto& sq = this->state(i, "square_avg", zeros);
      auto& buf = options.momentum_ > 0 ? this->state(i, "momentum_buffer", zeros) : sq;
      auto& grad_avg = options.centered_ ? this->state(i, "grad_avg", zeros) : sq;
      const fn::RMSpropUpdate<T> f{static_cast<T>(this->lr_),
                                   static_cast<T>(options.alpha_),
                                   static_cast<T>(1 - options.alpha_),
                                   static_cast<T>(options.eps_),
                                   static_cast<T>(options.weight_decay_),
                                   static_cast<T>(options.momentum_),
                                   options.centered_};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), sq.data_ptr(),
                           grad_avg.data_ptr(), buf.data_ptr());
    });
  }

  RMSpropOptions options;
};

}  // namespace kaon::optim
