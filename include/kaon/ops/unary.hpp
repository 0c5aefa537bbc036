// SPDX-License-Identifier: MIT
// Unary element-wise ops. Floating math (sqrt, exp, log, trig, tanh, sigmoid) on an int64
// tensor gives float, as PyTorch does; abs, neg, relu and clamp keep the element type.
#pragma once

#include <limits>

#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {
template <template <class> class F, bool FloatMath, class T, class D>
auto unary(const char* op, const Tensor<T, D>& x) {
  using C = std::conditional_t<FloatMath, float_t<T>, T>;
  return map<C, D>(op, F<C>{}, x);
}
}  // namespace detail

/// Element-wise negation.
template <class T, class D>
Tensor<T, D> operator-(const Tensor<T, D>& x) {
  static_assert(!std::is_same_v<T, bool>, "neg: negating a bool tensor is not supported; use ~");
  return detail::unary<fn::Neg, false>("neg", x);
}

// clang-format off
/// Square root, exp, natural log, sin, cos, tan, tanh and the logistic sigmoid.
template <class T, class D> auto sqrt(const Tensor<T, D>& x) { return detail::unary<fn::Sqrt, true>("sqrt", x); }
template <class T, class D> auto exp(const Tensor<T, D>& x) { return detail::unary<fn::Exp, true>("exp", x); }
template <class T, class D> auto log(const Tensor<T, D>& x) { return detail::unary<fn::Log, true>("log", x); }
template <class T, class D> auto sin(const Tensor<T, D>& x) { return detail::unary<fn::Sin, true>("sin", x); }
template <class T, class D> auto cos(const Tensor<T, D>& x) { return detail::unary<fn::Cos, true>("cos", x); }
template <class T, class D> auto tan(const Tensor<T, D>& x) { return detail::unary<fn::Tan, true>("tan", x); }
template <class T, class D> auto tanh(const Tensor<T, D>& x) { return detail::unary<fn::Tanh, true>("tanh", x); }
template <class T, class D> auto sigmoid(const Tensor<T, D>& x) { return detail::unary<fn::Sigmoid, true>("sigmoid", x); }
/// |x| and max(x, 0), in the input's element type.
template <class T, class D> Tensor<T, D> abs(const Tensor<T, D>& x) { return detail::unary<fn::Abs, false>("abs", x); }
template <class T, class D> Tensor<T, D> relu(const Tensor<T, D>& x) { return detail::unary<fn::Relu, false>("relu", x); }
// clang-format on

namespace detail {
template <class T, class D>
Tensor<T, D> clamp_impl(const Tensor<T, D>& x, double lo, bool has_lo, double hi, bool has_hi) {
  return map<T, D>("clamp", fn::Clamp<T>{static_cast<T>(lo), static_cast<T>(hi), has_lo, has_hi},
                   x);
}
}  // namespace detail

/// Limits x to [min, max] (if min > max every element becomes max, as in PyTorch).
template <class T, class D>
Tensor<T, D> clamp(const Tensor<T, D>& x, double min, double max) {
  return detail::clamp_impl(x, min, true, max, true);
}
/// Limits x from below (PyTorch's clamp(min=...)).
template <class T, class D>
Tensor<T, D> clamp_min(const Tensor<T, D>& x, double min) {
  return detail::clamp_impl(x, min, true, 0.0, false);
}
/// Limits x from above (PyTorch's clamp(max=...)).
template <class T, class D>
Tensor<T, D> clamp_max(const Tensor<T, D>& x, double max) {
  return detail::clamp_impl(x, 0.0, false, max, true);
}

/// cond ? a : b element-wise, broadcasting all three; a and b promote as in a binary op.
template <class A, class B, class D>
auto where(const Tensor<bool, D>& cond, const Tensor<A, D>& a, const Tensor<B, D>& b) {
  using C = promote_t<A, B>;
  return detail::map<C, D>("where", fn::Where<C>{}, cond, a, b);
}
template <class A, class D, Scalar S>
auto where(const Tensor<bool, D>& cond, const Tensor<A, D>& a, S b) {
  using C = promote_scalar_t<A, S>;
  return where(cond, a.template cast<C>(), Tensor<C, D>(Shape{}).fill_(static_cast<C>(b)));
}
template <class B, class D, Scalar S>
auto where(const Tensor<bool, D>& cond, S a, const Tensor<B, D>& b) {
  using C = promote_scalar_t<B, S>;
  return where(cond, Tensor<C, D>(Shape{}).fill_(static_cast<C>(a)), b.template cast<C>());
}

// ---- Member forms ---------------------------------------------------------------------------

// clang-format off
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sqrt() const { return kaon::sqrt(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::exp() const { return kaon::exp(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::log() const { return kaon::log(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sin() const { return kaon::sin(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::cos() const { return kaon::cos(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::tanh() const { return kaon::tanh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sigmoid() const { return kaon::sigmoid(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::abs() const { return kaon::abs(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::relu() const { return kaon::relu(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp(double min, double max) const { return kaon::clamp(*this, min, max); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp_min(double min) const { return kaon::clamp_min(*this, min); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp_max(double max) const { return kaon::clamp_max(*this, max); }
// clang-format on

}  // namespace kaon
