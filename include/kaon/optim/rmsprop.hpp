// SPDX-License-Identifier: MIT
// optim::RMSprop: gradients scaled by a running RMS of their history, optionally centered and
// with momentum, with torch.optim.RMSprop's update.
#pragma once

#include <cmath>
#include <cstdint>

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// RMSprop's options, as torch::optim::RMSpropOptions: RMSpropOptions(0.01).alpha(0.99)
/// .eps(1e-8).weight_decay(0).momentum(0).centered(false). Each setter has a getter of the same
/// name.
struct RMSpropOptions {
 public:
  explicit RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  RMSpropOptions& lr(double v) { return lr_ = v, *this; }
  RMSpropOptions& alpha(double v) { return alpha_ = v, *this; }
  RMSpropOptions& eps(double v) { return eps_ = v, *this; }
  RMSpropOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  RMSpropOptions& momentum(double v) { return momentum_ = v, *this; }
  RMSpropOptions& centered(bool v) { return centered_ = v, *this; }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] double alpha() const { return alpha_; }
  [[nodiscard]] double eps() const { return eps_; }
  [[nodiscard]] double weight_decay() const { return weight_decay_; }
  [[nodiscard]] double momentum() const { return momentum_; }
  [[nodiscard]] bool centered() const { return centered_; }

 private:
  double lr_, alpha_ = 0.99, eps_ = 1e-8, weight_decay_ = 0, momentum_ = 0;
  bool centered_ = false;
};

/// RMSprop's state of one parameter, as PyTorch's.
template <class T, class D>
struct RMSpropParamState {
  std::int64_t step = 0;
  Tensor<T, D> square_avg, momentum_buffer, grad_avg;  // the last two with momentum, centered
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("step", s.step);
    f("square_avg", s.square_avg);
    f("momentum_buffer", s.momentum_buffer);
    f("grad_avg", s.grad_avg);
  }
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

/// RMSprop (Hinton) over one parameter list or over groups with their own options.
template <class T = float, class D = cpu>
class RMSprop : public detail::OptimizerImpl<T, D, RMSpropOptions, RMSpropParamState<T, D>> {
  using Base = detail::OptimizerImpl<T, D, RMSpropOptions, RMSpropParamState<T, D>>;

 public:
  using typename Base::ParamGroup;

  RMSprop(std::vector<Tensor<T, D>> params, RMSpropOptions options = RMSpropOptions())
      : RMSprop(Base::one_group(std::move(params), options)) {}
  RMSprop(std::vector<Tensor<T, D>> params, double lr)
      : RMSprop(std::move(params), RMSpropOptions(lr)) {}
  explicit RMSprop(std::vector<ParamGroup> groups) : Base(std::move(groups), "RMSprop") {
    for (const auto& group : this->param_groups()) {
      const auto& o = group.options();
      KAON_CHECK(o.eps() >= 0, ValueError, "RMSprop: invalid epsilon value: ", o.eps());
      KAON_CHECK(o.momentum() >= 0, ValueError, "RMSprop: invalid momentum value: ", o.momentum());
      KAON_CHECK(o.weight_decay() >= 0, ValueError,
                 "RMSprop: invalid weight_decay value: ", o.weight_decay());
      KAON_CHECK(o.alpha() >= 0, ValueError, "RMSprop: invalid alpha value: ", o.alpha());
    }
  }

  void step() override {
    this->update_each([](const RMSpropOptions& o, RMSpropParamState<T, D>& s, Tensor<T, D>& p,
                         const Tensor<T, D>& g) {
      ++s.step;
      T* const sq = detail::ensure_zeros(s.square_avg, p).data_ptr();
      // The update touches the buffer only with momentum and grad_avg only when centered.
      T* const buf = o.momentum() > 0 ? detail::ensure_zeros(s.momentum_buffer, p).data_ptr() : sq;
      T* const grad_avg = o.centered() ? detail::ensure_zeros(s.grad_avg, p).data_ptr() : sq;
      const fn::RMSpropUpdate<T> f{static_cast<T>(o.lr()),
                                   static_cast<T>(o.alpha()),
                                   static_cast<T>(1 - o.alpha()),
                                   static_cast<T>(o.eps()),
                                   static_cast<T>(o.weight_decay()),
                                   static_cast<T>(o.momentum()),
                                   o.centered()};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), sq, grad_avg, buf);
    });
  }
};

}  // namespace kaon::optim
