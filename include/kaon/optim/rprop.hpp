// SPDX-License-Identifier: MIT
// optim::Rprop: resilient backpropagation. Each element has its own step size, grown by
// etaplus while the gradient keeps its sign and shrunk by etaminus when it flips; only the
// gradient's sign moves the parameter. torch.optim.Rprop's update.
#pragma once

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// Rprop's options: RpropOptions(0.01).etas(0.5, 1.2).step_sizes(1e-6, 50).
struct RpropOptions {
  explicit RpropOptions(double lr = 1e-2) : lr_(lr) {}
  RpropOptions& etas(double minus, double plus) {
    return etaminus_ = minus, etaplus_ = plus, *this;
  }
  RpropOptions& step_sizes(double min, double max) {
    return step_min_ = min, step_max_ = max, *this;
  }
  double lr_, etaminus_ = 0.5, etaplus_ = 1.2, step_min_ = 1e-6, step_max_ = 50;
};

namespace fn {
/// s = sign(g prev) -> etaplus, etaminus or 1; step = clamp(step s, min, max); where the sign
/// flipped the gradient counts as 0; p -= sign(g) step; prev = g.
template <class T>
struct RpropUpdate {
  T etaminus, etaplus, step_min, step_max;
  KAON_HOST_DEVICE void operator()(T& p, const T& g0, T& prev, T& step) const {
    const T product = g0 * prev;
    const T factor = product > T(0) ? etaplus : product < T(0) ? etaminus : T(1);
    step = step * factor;
    step = step < step_min ? step_min : step > step_max ? step_max : step;
    const T g = factor == etaminus ? T(0) : g0;
    const T sign = g > T(0) ? T(1) : g < T(0) ? T(-1) : T(0);
    p = p + T(-1) * sign * step;
    prev = g;
  }
};
}  // namespace fn

template <class T = float, class D = cpu>
class Rprop : public Optimizer<T, D> {
 public:
  Rprop(std::vector<Tensor<T, D>> params, RpropOptions options = RpropOptions())
      : Optimizer<T, D>(std::move(params), options.lr_, "Rprop"), options(options) {
    KAON_CHECK(options.etaminus_ > 0 && options.etaminus_ < 1 && options.etaplus_ > 1, ValueError,
               "Rprop: invalid eta values: ", options.etaminus_, ", ", options.etaplus_,
               " (expected 0 < etaminus < 1 < etaplus)");
    KAON_CHECK(options.step_min_ >= 0 && options.step_min_ <= options.step_max_, ValueError,
               "Rprop: invalid step sizes: ", options.step_min_, ", ", options.step_max_);
  }
  Rprop(std::vector<Tensor<T, D>> params, double lr) : Rprop(std::move(params), RpropOptions(lr)) {}

  void step() override {
    this->update_each([&](std::size_t i, Tensor<T, D>& p, const Tensor<T, D>& g) {
      this->next_step(i);
      auto& prev = this->state(i, "prev", [&] { return detail::zeros_like_param(p); });
      auto& step = this->state(i, "step_size",
                               [&] { return full<T, D>(p.shape(), static_cast<T>(this->lr_)); });
      const fn::RpropUpdate<T> f{
          static_cast<T>(options.etaminus_), static_cast<T>(options.etaplus_),
          static_cast<T>(options.step_min_), static_cast<T>(options.step_max_)};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), prev.data_ptr(),
                           step.data_ptr());
    });
  }

  RpropOptions options;
};

}  // namespace kaon::optim
