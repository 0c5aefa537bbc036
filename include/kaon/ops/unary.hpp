// SPDX-License-Identifier: MIT
// Unary element-wise ops, each with its backward beside its forward. Floating math (sqrt, exp,
// log, trig, tanh, sigmoid) on an int64 tensor gives float, as PyTorch does; abs, neg, relu and
// clamp keep the element type. Only float and double inputs record gradients.
#pragma once

#include <limits>
#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {
template <template <class> class F, bool FloatMath, class T, class D>
auto unary(const char* op, const Tensor<T, D>& x) {
  using C = std::conditional_t<FloatMath, float_t<T>, T>;
  return map<C, D>(op, F<C>{}, x);
}

/// Forward and backward of a unary op whose derivative is a function of its input (SaveOut =
/// false) or of its result (SaveOut = true); Derived gives name, op, F and `derivative`.
template <class Derived, template <class> class F, bool FloatMath, bool SaveOut>
struct UnaryFunction : autograd::Function<Derived> {
  template <class T, class D>
  static auto forward(autograd::Context<D>& ctx, const Tensor<T, D>& x) {
    auto y = unary<F, FloatMath>(Derived::op, x);
    if constexpr (SaveOut)
      ctx.save_for_backward(y);
    else
      ctx.save_for_backward(x);
    return y;
  }
  template <class T, class D>
  static grads_t<T, D> backward(autograd::Context<D>& ctx, const grads_t<T, D>& g) {
    return {Derived::derivative(g[0], ctx.template saved<T>(0))};
  }
};
}  // namespace detail

namespace ops {
// clang-format off
// d/dx -x = -1
struct Neg : detail::UnaryFunction<Neg, fn::Neg, false, false> {
  static constexpr const char* name = "NegBackward0"; static constexpr const char* op = "neg";
  template <class G, class X> static G derivative(const G& g, const X&) { return -g; }
};
// d/dx exp(x) = exp(x)
struct Exp : detail::UnaryFunction<Exp, fn::Exp, true, true> {
  static constexpr const char* name = "ExpBackward0"; static constexpr const char* op = "exp";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g * y; }
};
// d/dx log(x) = 1 / x
struct Log : detail::UnaryFunction<Log, fn::Log, true, false> {
  static constexpr const char* name = "LogBackward0"; static constexpr const char* op = "log";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / x; }
};
// d/dx sqrt(x) = 1 / (2 sqrt(x))
struct Sqrt : detail::UnaryFunction<Sqrt, fn::Sqrt, true, true> {
  static constexpr const char* name = "SqrtBackward0"; static constexpr const char* op = "sqrt";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g / (2 * y); }
};
// d/dx sin(x) = cos(x)
struct Sin : detail::UnaryFunction<Sin, fn::Sin, true, false> {
  static constexpr const char* name = "SinBackward0"; static constexpr const char* op = "sin";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g * cos(x); }
};
// d/dx cos(x) = -sin(x)
struct Cos : detail::UnaryFunction<Cos, fn::Cos, true, false> {
  static constexpr const char* name = "CosBackward0"; static constexpr const char* op = "cos";
  template <class G, class X> static G derivative(const G& g, const X& x) { return -(g * sin(x)); }
};
// d/dx tan(x) = 1 + tan(x)^2
struct Tan : detail::UnaryFunction<Tan, fn::Tan, true, true> {
  static constexpr const char* name = "TanBackward0"; static constexpr const char* op = "tan";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g * (y * y + 1); }
};
// d/dx tanh(x) = 1 - tanh(x)^2
struct Tanh : detail::UnaryFunction<Tanh, fn::Tanh, true, true> {
  static constexpr const char* name = "TanhBackward0"; static constexpr const char* op = "tanh";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g * (1 - y * y); }
};
// d/dx sigmoid(x) = sigmoid(x) (1 - sigmoid(x))
struct Sigmoid : detail::UnaryFunction<Sigmoid, fn::Sigmoid, true, true> {
  static constexpr const char* name = "SigmoidBackward0"; static constexpr const char* op = "sigmoid";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g * (y * (1 - y)); }
};
// d/dx relu(x) = 1[x > 0], applied in one pass by ReluGrad
struct Relu : detail::UnaryFunction<Relu, fn::Relu, false, true> {
  static constexpr const char* name = "ReluBackward0"; static constexpr const char* op = "relu";
  template <class G, class Y> static G derivative(const G& g, const Y& y);
};
// round(x) is piecewise constant: its gradient is 0, as PyTorch's.
struct Round : detail::UnaryFunction<Round, fn::Round, false, false> {
  static constexpr const char* name = "RoundBackward0"; static constexpr const char* op = "round";
  template <class G, class X> static G derivative(const G& g, const X&) { return zeros_like(g); }
};
// d/dx |x| = sign(x) (0 at 0, as PyTorch)
struct Abs : detail::UnaryFunction<Abs, fn::Abs, false, false> {
  static constexpr const char* name = "AbsBackward0"; static constexpr const char* op = "abs";
  template <class G, class X> static G derivative(const G& g, const X& x) {
    return where(x > 0, g, where(x < 0, -g, 0));
  }
};
// clang-format on

// relu's backward as an op of its own, g * 1[y > 0] from relu's result y, so that it can be
// differentiated again (create_graph): linear in g, piecewise constant in y.
struct ReluGrad : autograd::Function<ReluGrad> {
  static constexpr const char* name = "ThresholdBackwardBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& g,
                              const Tensor<T, D>& y) {
    ctx.save_for_backward(y);
    return detail::map<T, D>("relu_backward", fn::ReluBackward<T>{}, g, y);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    return {
        ctx.needs_input_grad(0) ? ReluGrad::apply(g[0], ctx.template saved<T>(0)) : Tensor<T, D>(),
        Tensor<T, D>()};
  }
};
template <class G, class Y>
G Relu::derivative(const G& g, const Y& y) {
  return ReluGrad::apply(g, y);
}

// d/dx clamp(x, lo, hi) = 1[lo <= x <= hi]
struct Clamp : autograd::Function<Clamp> {
  static constexpr const char* name = "ClampBackward1";
  struct Fields {
    double lo, hi;  // the bounds, infinite where there is none
  };
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x, double lo,
                              bool has_lo, double hi, bool has_hi) {
    ctx.save_for_backward(x);
    ctx.fields = {has_lo ? lo : -std::numeric_limits<double>::infinity(),
                  has_hi ? hi : std::numeric_limits<double>::infinity()};
    return detail::map<T, D>(
        "clamp", fn::Clamp<T>{static_cast<T>(lo), static_cast<T>(hi), has_lo, has_hi}, x);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0);
    return {where((x >= ctx.fields.lo) & (x <= ctx.fields.hi), g[0], 0)};
  }
};
}  // namespace ops

/// Element-wise negation.
template <class T, class D>
Tensor<T, D> operator-(const Tensor<T, D>& x) {
  static_assert(!std::is_same_v<T, bool>, "neg: negating a bool tensor is not supported; use ~");
  return ops::Neg::apply(x);
}

// clang-format off
/// Square root, exp, natural log, sin, cos, tan, tanh and the logistic sigmoid.
template <class T, class D> auto sqrt(const Tensor<T, D>& x) { return ops::Sqrt::apply(x); }
template <class T, class D> auto exp(const Tensor<T, D>& x) { return ops::Exp::apply(x); }
template <class T, class D> auto log(const Tensor<T, D>& x) { return ops::Log::apply(x); }
template <class T, class D> auto sin(const Tensor<T, D>& x) { return ops::Sin::apply(x); }
template <class T, class D> auto cos(const Tensor<T, D>& x) { return ops::Cos::apply(x); }
template <class T, class D> auto tan(const Tensor<T, D>& x) { return ops::Tan::apply(x); }
template <class T, class D> auto tanh(const Tensor<T, D>& x) { return ops::Tanh::apply(x); }
template <class T, class D> auto sigmoid(const Tensor<T, D>& x) { return ops::Sigmoid::apply(x); }
/// |x| and max(x, 0), in the input's element type.
template <class T, class D> Tensor<T, D> abs(const Tensor<T, D>& x) { return ops::Abs::apply(x); }
template <class T, class D> Tensor<T, D> relu(const Tensor<T, D>& x) { return ops::Relu::apply(x); }
/// Nearest whole number, halves to even (torch.round); integer tensors are returned as they are.
template <class T, class D> Tensor<T, D> round(const Tensor<T, D>& x) { return ops::Round::apply(x); }
// clang-format on

/// Limits x to [min, max] (if min > max every element becomes max, as in PyTorch).
template <class T, class D>
Tensor<T, D> clamp(const Tensor<T, D>& x, double min, double max) {
  return ops::Clamp::apply(x, min, true, max, true);
}
/// Limits x from below (PyTorch's clamp(min=...)).
template <class T, class D>
Tensor<T, D> clamp_min(const Tensor<T, D>& x, double min) {
  return ops::Clamp::apply(x, min, true, 0.0, false);
}
/// Limits x from above (PyTorch's clamp(max=...)).
template <class T, class D>
Tensor<T, D> clamp_max(const Tensor<T, D>& x, double max) {
  return ops::Clamp::apply(x, 0.0, false, max, true);
}

// ---- Member forms ---------------------------------------------------------------------------

// clang-format off
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sqrt() const { return kaon::sqrt(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::exp() const { return kaon::exp(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::log() const { return kaon::log(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sin() const { return kaon::sin(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::cos() const { return kaon::cos(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::tan() const { return kaon::tan(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::round() const { return kaon::round(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::tanh() const { return kaon::tanh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sigmoid() const { return kaon::sigmoid(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::abs() const { return kaon::abs(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::relu() const { return kaon::relu(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp(double min, double max) const { return kaon::clamp(*this, min, max); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp_min(double min) const { return kaon::clamp_min(*this, min); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::clamp_max(double max) const { return kaon::clamp_max(*this, max); }
// clang-format on

}  // namespace kaon
