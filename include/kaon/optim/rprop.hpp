// SPDX-License-Identifier: MIT
// optim::Rprop: resilient backpropagation. Each element has its own step size, grown by
// etaplus while the gradient keeps its sign and shrunk by etaminus when it flips; only the
// gradient's sign moves the parameter. torch.optim.Rprop's update.
#pragma once

#include <cstdint>
#include <tuple>

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// Rprop's options, as torch::optim::RpropOptions:
/// RpropOptions(0.01).etas({0.5, 1.2}).step_sizes({1e-6, 50}). Each setter has a getter of the
/// same name.
struct RpropOptions {
 public:
  explicit RpropOptions(double lr = 1e-2) : lr_(lr) {}
  RpropOptions& lr(double v) { return lr_ = v, *this; }
  /// (etaminus, etaplus): the factors that shrink and grow the step sizes.
  RpropOptions& etas(const std::tuple<double, double>& v) { return etas_ = v, *this; }
  /// (min, max): the bounds of the step sizes.
  RpropOptions& step_sizes(const std::tuple<double, double>& v) { return step_sizes_ = v, *this; }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] std::tuple<double, double> etas() const { return etas_; }
  [[nodiscard]] std::tuple<double, double> step_sizes() const { return step_sizes_; }

 private:
  double lr_;
  std::tuple<double, double> etas_{0.5, 1.2}, step_sizes_{1e-6, 50};
};

/// Rprop's state of one parameter, as PyTorch's: the last gradient and the step sizes.
template <class T, class D>
struct RpropParamState {
  std::int64_t step = 0;
  Tensor<T, D> prev, step_size;
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("step", s.step);
    f("prev", s.prev);
    f("step_size", s.step_size);
  }
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

/// Rprop over one parameter list or over groups with their own options.
template <class T = float, class D = cpu>
class Rprop : public detail::OptimizerImpl<T, D, RpropOptions, RpropParamState<T, D>> {
  using Base = detail::OptimizerImpl<T, D, RpropOptions, RpropParamState<T, D>>;

 public:
  using typename Base::ParamGroup;

  Rprop(std::vector<Tensor<T, D>> params, RpropOptions options = RpropOptions())
      : Rprop(Base::one_group(std::move(params), options)) {}
  Rprop(std::vector<Tensor<T, D>> params, double lr) : Rprop(std::move(params), RpropOptions(lr)) {}
  explicit Rprop(std::vector<ParamGroup> groups) : Base(std::move(groups), "Rprop") {
    for (const auto& group : this->param_groups()) {
      const auto [etaminus, etaplus] = group.options().etas();
      const auto [step_min, step_max] = group.options().step_sizes();
      KAON_CHECK(etaminus > 0 && etaminus < 1 && etaplus > 1, ValueError,
                 "Rprop: invalid eta values: ", etaminus, ", ", etaplus,
                 " (expected 0 < etaminus < 1 < etaplus)");
      KAON_CHECK(step_min >= 0 && step_min <= step_max, ValueError,
                 "Rprop: invalid step sizes: ", step_min, ", ", step_max);
    }
  }

  void step() override {
    this->update_each([](const RpropOptions& o, RpropParamState<T, D>& s, Tensor<T, D>& p,
                         const Tensor<T, D>& g) {
      ++s.step;
      auto& prev = detail::ensure_zeros(s.prev, p);
      if (!s.step_size.defined()) s.step_size = full<T, D>(p.shape(), static_cast<T>(o.lr()));
      const auto [etaminus, etaplus] = o.etas();
      const auto [step_min, step_max] = o.step_sizes();
      const fn::RpropUpdate<T> f{static_cast<T>(etaminus), static_cast<T>(etaplus),
                                 static_cast<T>(step_min), static_cast<T>(step_max)};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), prev.data_ptr(),
                           s.step_size.data_ptr());
    });
  }
};

}  // namespace kaon::optim
