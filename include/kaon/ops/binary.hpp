// SPDX-License-Identifier: MIT
// Binary element-wise ops with broadcasting and PyTorch's type promotion: + - * / (true
// division), comparisons to Tensor<bool>, logical & | ^ on bool tensors, pow, maximum and
// minimum; each with tensor and scalar operands, plus the in-place compound operators.
#pragma once

#include <type_traits>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {

/// The gradient for input i of a recorded op: g summed down to that input's shape (undoing
/// broadcasting), or undefined when the input needs none.
template <class T, class D>
Tensor<T, D> grad_to(const autograd::ContextBase<D>& ctx, std::size_t i, const Tensor<T, D>& g) {
  if (!ctx.needs_input_grad(i)) return {};
  return sum_to(g, ctx.input_shape(i));
}

template <class X>
struct operand_element {
  using type = detail::scalar_element_t<X>;
};
template <class T, class D>
struct operand_element<Tensor<T, D>> {
  using type = T;
};

template <class L, class R>
concept BinaryOperands = (is_tensor_v<L> && is_tensor_v<R>) || (is_tensor_v<L> && Scalar<R>) ||
                         (Scalar<L> && is_tensor_v<R>);

template <class X>
void check_integer_exponent(const X& e) {
  if constexpr (is_tensor_v<X>) {
    if constexpr (!std::is_floating_point_v<typename X::value_type>)
      KAON_CHECK(!(e < 0).any().item(), ValueError,
                 "pow: integers to negative integer powers are not allowed");
  } else if constexpr (std::is_integral_v<X>) {
    KAON_CHECK(e >= 0, ValueError,
               "pow: integers to negative integer powers are not allowed (exponent ", e, ")");
  }
}

/// Integer division by zero is an error, as PyTorch's ("ZeroDivisionError"), for remainder and
/// fmod when both operands are integers; with a float operand the result is NaN instead.
template <class L, class R>
void check_integer_divisor(const char* op, const L&, const R& b) {
  using A = typename operand_element<L>::type;
  using B = typename operand_element<R>::type;
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B>) {
    if constexpr (is_tensor_v<R>)
      KAON_CHECK(!(b == 0).any().item(), ValueError, op,
                 ": integer division by zero (a zero in the divisor of shape ", b.shape(), ")");
    else
      KAON_CHECK(b != 0, ValueError, op, ": integer division by zero");
  }
}

}  // namespace detail

namespace ops {

// d/da (a + b) = 1, d/db (a + b) = 1
struct Add : autograd::Function<Add> {
  static constexpr const char* name = "AddBackward0";
  static constexpr const char* op = "add";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>&, const Tensor<T, D>& a, const Tensor<T, D>& b) {
    return detail::binary<fn::Add>(op, a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    return {detail::grad_to(ctx, 0, g[0]), detail::grad_to(ctx, 1, g[0])};
  }
};
// d/da (a - b) = 1, d/db (a - b) = -1
struct Sub : autograd::Function<Sub> {
  static constexpr const char* name = "SubBackward0";
  static constexpr const char* op = "sub";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>&, const Tensor<T, D>& a, const Tensor<T, D>& b) {
    return detail::binary<fn::Sub>(op, a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    return {detail::grad_to(ctx, 0, g[0]),
            ctx.needs_input_grad(1) ? detail::grad_to(ctx, 1, -g[0]) : Tensor<T, D>()};
  }
};
// d/da (a b) = b, d/db (a b) = a
struct Mul : autograd::Function<Mul> {
  static constexpr const char* name = "MulBackward0";
  static constexpr const char* op = "mul";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    return detail::binary<fn::Mul>(op, a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    return {ctx.needs_input_grad(0) ? detail::grad_to(ctx, 0, g[0] * b) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? detail::grad_to(ctx, 1, g[0] * a) : Tensor<T, D>()};
  }
};
// d/da (a / b) = 1 / b, d/db (a / b) = -a / b^2
struct Div : autograd::Function<Div> {
  static constexpr const char* name = "DivBackward0";
  static constexpr const char* op = "div";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    return detail::binary<fn::Div, true>(op, a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    return {
        ctx.needs_input_grad(0) ? detail::grad_to(ctx, 0, g[0] / b) : Tensor<T, D>(),
        ctx.needs_input_grad(1) ? detail::grad_to(ctx, 1, -(g[0] * a) / (b * b)) : Tensor<T, D>()};
  }
};
// d/da a^b = b a^(b-1), d/db a^b = a^b log(a) (0 where a = 0 and b >= 0, as PyTorch)
struct Pow : autograd::Function<Pow> {
  static constexpr const char* name = "PowBackward1";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    auto y = detail::binary<fn::Pow>("pow", a, b);
    ctx.save_for_backward(a, b, y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1),
               y = ctx.template saved<T>(2);
    Tensor<T, D> ga, gb;
    if (ctx.needs_input_grad(0)) ga = detail::grad_to(ctx, 0, g[0] * b * pow(a, b - 1));
    if (ctx.needs_input_grad(1))
      gb = detail::grad_to(ctx, 1, where((a == 0) & (b >= 0), g[0] * 0, g[0] * y * log(a)));
    return {ga, gb};
  }
};
// d/da max(a, b) = 1[a > b] + 1/2 1[a = b]; the same for min with a < b
template <bool IsMax>
struct MaxMinimum : autograd::Function<MaxMinimum<IsMax>> {
  static constexpr const char* name = IsMax ? "MaximumBackward0" : "MinimumBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    if constexpr (IsMax)
      return detail::binary<fn::Maximum>("maximum", a, b);
    else
      return detail::binary<fn::Minimum>("minimum", a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    const auto half = g[0] / 2;
    const auto a_wins = IsMax ? (a > b) : (a < b), b_wins = IsMax ? (b > a) : (b < a);
    return {ctx.needs_input_grad(0)
                ? detail::grad_to(ctx, 0, where(a_wins, g[0], where(a == b, half, 0)))
                : Tensor<T, D>(),
            ctx.needs_input_grad(1)
                ? detail::grad_to(ctx, 1, where(b_wins, g[0], where(a == b, half, 0)))
                : Tensor<T, D>()};
  }
};

/// A tensor op with a scalar operand; Derived gives name, the functor F, Left (scalar on the
/// left) and `derivative(ctx, g, s)`.
template <class Derived, template <class> class F, bool Left, bool SaveIn = false,
          bool SaveOut = false>
struct ScalarFunction : autograd::Function<Derived> {
  struct Fields {
    double scalar;  // the scalar operand
  };
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x, T s) {
    ctx.fields.scalar = static_cast<double>(s);
    Tensor<T, D> y =
        Left ? detail::binary<F>(Derived::op, s, x) : detail::binary<F>(Derived::op, x, s);
    if constexpr (SaveIn) ctx.save_for_backward(x);
    if constexpr (SaveOut) ctx.save_for_backward(y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    return {Derived::derivative(ctx, g[0], static_cast<T>(ctx.fields.scalar))};
  }
};
// clang-format off
// d/dx (x + s) = 1
struct AddScalar : ScalarFunction<AddScalar, fn::Add, false> {
  static constexpr const char* name = "AddBackward1"; static constexpr const char* op = "add";
  template <class C, class G, class S> static G derivative(C&, const G& g, S) { return g; }
};
// d/dx (x - s) = 1
struct SubScalar : ScalarFunction<SubScalar, fn::Sub, false> {
  static constexpr const char* name = "SubBackward1"; static constexpr const char* op = "sub";
  template <class C, class G, class S> static G derivative(C&, const G& g, S) { return g; }
};
// d/dx (s - x) = -1
struct RSubScalar : ScalarFunction<RSubScalar, fn::Sub, true> {
  static constexpr const char* name = "RsubBackward1"; static constexpr const char* op = "rsub";
  template <class C, class G, class S> static G derivative(C&, const G& g, S) { return -g; }
};
// d/dx (x s) = s
struct MulScalar : ScalarFunction<MulScalar, fn::Mul, false> {
  static constexpr const char* name = "MulBackward1"; static constexpr const char* op = "mul";
  template <class C, class G, class S> static G derivative(C&, const G& g, S s) { return g * s; }
};
// d/dx (x / s) = 1 / s
struct DivScalar : ScalarFunction<DivScalar, fn::Div, false> {
  static constexpr const char* name = "DivBackward1"; static constexpr const char* op = "div";
  template <class C, class G, class S> static G derivative(C&, const G& g, S s) { return g / s; }
};
// d/dx (s / x) = -s / x^2
struct RDivScalar : ScalarFunction<RDivScalar, fn::Div, true, true> {
  static constexpr const char* name = "DivBackward0"; static constexpr const char* op = "div";
  template <class C, class G, class S> static G derivative(C& ctx, const G& g, S s) {
    const auto x = ctx.template saved<typename G::value_type>(0);
    return g * (-s) / (x * x);
  }
};
// d/dx x^s = s x^(s-1) (0 for s = 0)
struct PowScalar : ScalarFunction<PowScalar, fn::Pow, false, true> {
  static constexpr const char* name = "PowBackward0"; static constexpr const char* op = "pow";
  template <class C, class G, class S> static G derivative(C& ctx, const G& g, S s) {
    if (s == 0) return g * 0;
    return g * s * pow(ctx.template saved<typename G::value_type>(0), s - 1);
  }
};
// d/dx s^x = s^x log(s)
struct RPowScalar : ScalarFunction<RPowScalar, fn::Pow, true, false, true> {
  static constexpr const char* name = "PowBackward2"; static constexpr const char* op = "pow";
  template <class C, class G, class S> static G derivative(C& ctx, const G& g, S s) {
    return g * ctx.template saved<typename G::value_type>(0) * std::log(s);
  }
};
// clang-format on

}  // namespace ops

namespace detail {
/// Applies the tensor-tensor, tensor-scalar or scalar-tensor Function after promoting the
/// operands to their common type C (FloatMath lifts integers to float, for true division).
template <class TT, class TS, class ST, bool FloatMath, class L, class R>
auto dispatch(const L& a, const R& b) {
  if constexpr (is_tensor_v<L> && is_tensor_v<R>) {
    using C = binary_compute_t<typename L::value_type, typename R::value_type, FloatMath>;
    return TT::apply(a.template cast<C>(), b.template cast<C>());
  } else if constexpr (is_tensor_v<L>) {
    using P = promote_scalar_t<typename L::value_type, R>;
    using C = std::conditional_t<FloatMath, float_t<P>, P>;
    return TS::apply(a.template cast<C>(), static_cast<C>(b));
  } else {
    using P = promote_scalar_t<typename R::value_type, L>;
    using C = std::conditional_t<FloatMath, float_t<P>, P>;
    return ST::apply(b.template cast<C>(), static_cast<C>(a));
  }
}

/// Whether x, passed as an rvalue, can hold the result of an op computing in C whose result has
/// x's shape: x is of type C, contiguous, outside autograd (no grad_fn or requires_grad to
/// carry over), and no other handle, view or saved tensor shares it.
template <class C, class X>
bool can_take(const X& x) {
  if constexpr (is_tensor_v<X>) {
    if constexpr (std::is_same_v<typename X::value_type, C>)
      return x.defined() && x.is_sole_owner() && x.is_contiguous() && !x.impl().autograd;
  }
  return false;
}

/// + - * /: as dispatch, but when autograd does not record the op and an operand is an expiring
/// temporary that nothing else shares and that has the result's shape and type, the result is
/// written into that operand's elements and returned in its handle (the rvalue is moved from),
/// as std::string's operator+ reuses an rvalue's buffer: `u0 * sin(theta) * t - 4.9f * t * t`
/// then allocates one [100, 1000] block, not two, and the small temporaries are reused too.
template <class TT, class TS, class ST, template <class> class F, bool FloatMath, class L, class R>
auto arithmetic(L&& a, R&& b) {
  using LB = std::remove_cvref_t<L>;
  using RB = std::remove_cvref_t<R>;
  constexpr bool take_a = is_tensor_v<LB> && !std::is_lvalue_reference_v<L>;
  constexpr bool take_b = is_tensor_v<RB> && !std::is_lvalue_reference_v<R>;
  if constexpr (take_a || take_b) {
    using C = typename decltype(dispatch<TT, TS, ST, FloatMath>(a, b))::value_type;
    const bool a_ok = take_a && can_take<C>(a), b_ok = take_b && can_take<C>(b);
    if ((a_ok || b_ok) && (!autograd::GradMode::is_enabled() ||
                           !(autograd::detail::records(a) || autograd::detail::records(b)))) {
      auto into = [&](auto& out) {
        const auto f = bind_scalar<F, C>(a, b);
        if constexpr (is_tensor_v<LB> && is_tensor_v<RB>) {
          if (broadcast_shapes(a.shape(), b.shape(), TT::op) != out.shape()) return false;
          apply_into(TT::op, out, f, a, b);
        } else if constexpr (is_tensor_v<LB>) {
          apply_into(TS::op, out, f, a);
        } else {
          apply_into(ST::op, out, f, b);
        }
        out.bump_version();
        return true;
      };
      if constexpr (take_a) {
        if constexpr (std::is_same_v<typename LB::value_type, C>)
          if (a_ok && into(a)) return LB(std::move(a));
      }
      if constexpr (take_b) {
        if constexpr (std::is_same_v<typename RB::value_type, C>)
          if (b_ok && into(b)) return RB(std::move(b));
      }
    }
  }
  return dispatch<TT, TS, ST, FloatMath>(a, b);
}
struct NoScalarForm;
}  // namespace detail

/// Element-wise a + b with broadcasting; either side may be a scalar.
template <class L, class R>
requires detail::BinaryOperands<std::remove_cvref_t<L>, std::remove_cvref_t<R>>
auto operator+(L&& a, R&& b) {
  return detail::arithmetic<ops::Add, ops::AddScalar, ops::AddScalar, fn::Add, false>(
      std::forward<L>(a), std::forward<R>(b));
}

/// Element-wise a - b.
template <class L, class R>
requires detail::BinaryOperands<std::remove_cvref_t<L>, std::remove_cvref_t<R>>
auto operator-(L&& a, R&& b) {
  static_assert(
      !(std::is_same_v<typename detail::operand_element<std::remove_cvref_t<L>>::type, bool> &&
        std::is_same_v<typename detail::operand_element<std::remove_cvref_t<R>>::type, bool>),
      "sub: subtracting two bools is not supported; use logical_xor (operator^)");
  return detail::arithmetic<ops::Sub, ops::SubScalar, ops::RSubScalar, fn::Sub, false>(
      std::forward<L>(a), std::forward<R>(b));
}

/// Element-wise a * b.
template <class L, class R>
requires detail::BinaryOperands<std::remove_cvref_t<L>, std::remove_cvref_t<R>>
auto operator*(L&& a, R&& b) {
  return detail::arithmetic<ops::Mul, ops::MulScalar, ops::MulScalar, fn::Mul, false>(
      std::forward<L>(a), std::forward<R>(b));
}

/// True division: integer operands give float, as torch.div.
template <class L, class R>
requires detail::BinaryOperands<std::remove_cvref_t<L>, std::remove_cvref_t<R>>
auto operator/(L&& a, R&& b) {
  return detail::arithmetic<ops::Div, ops::DivScalar, ops::RDivScalar, fn::Div, true>(
      std::forward<L>(a), std::forward<R>(b));
}

/// Python's modulo, as torch.remainder: the result has the sign of the divisor. Not
/// differentiable in kaon.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator%(const L& a, const R& b) {
  KAON_CHECK(
      !autograd::GradMode::is_enabled() ||
          !(autograd::detail::records(a) || autograd::detail::records(b)),
      Error,
      "remainder: kaon does not differentiate remainder; detach() the operands or use NoGradGuard");
  detail::check_integer_divisor("remainder", a, b);
  return detail::binary<fn::Remainder>("remainder", a, b);
}

/// Comparisons give Tensor<bool>.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator==(const L& a, const R& b) { return detail::binary<fn::Eq>("eq", a, b); }
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator!=(const L& a, const R& b) { return detail::binary<fn::Ne>("ne", a, b); }
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator<(const L& a, const R& b) { return detail::binary<fn::Lt>("lt", a, b); }
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator<=(const L& a, const R& b) { return detail::binary<fn::Le>("le", a, b); }
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator>(const L& a, const R& b) { return detail::binary<fn::Gt>("gt", a, b); }
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator>=(const L& a, const R& b) { return detail::binary<fn::Ge>("ge", a, b); }

/// Logical and/or/xor of bool tensors (PyTorch's & | ^ on masks).
template <class D>
Tensor<bool, D> operator&(const Tensor<bool, D>& a, const Tensor<bool, D>& b) {
  return detail::map<bool, D>("logical_and", fn::LogicalAnd{}, a, b);
}
template <class D>
Tensor<bool, D> operator|(const Tensor<bool, D>& a, const Tensor<bool, D>& b) {
  return detail::map<bool, D>("logical_or", fn::LogicalOr{}, a, b);
}
template <class D>
Tensor<bool, D> operator^(const Tensor<bool, D>& a, const Tensor<bool, D>& b) {
  return detail::map<bool, D>("logical_xor", fn::LogicalXor{}, a, b);
}
/// Logical not of a bool tensor (PyTorch's ~mask).
template <class D>
Tensor<bool, D> operator~(const Tensor<bool, D>& a) {
  return detail::map<bool, D>("logical_not", fn::LogicalNot{}, a);
}
template <class D>
Tensor<bool, D> operator!(const Tensor<bool, D>& a) {
  return ~a;
}

/// a to the power b; integer tensors with integer exponents stay integer ([4, 5, 6] ** [1, 2, 3]
/// gives [4, 25, 216]).
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto pow(const L& a, const R& b) {
  detail::check_integer_exponent(b);
  return detail::dispatch<ops::Pow, ops::PowScalar, ops::RPowScalar, false>(a, b);
}

template <Element T, class D>
template <class E>
auto Tensor<T, D>::pow(const E& exponent) const {
  return kaon::pow(*this, exponent);
}

/// Element-wise maximum and minimum of two tensors (NaN propagates).
template <class A, class B, class D>
auto maximum(const Tensor<A, D>& a, const Tensor<B, D>& b) {
  return detail::dispatch<ops::MaxMinimum<true>, detail::NoScalarForm, detail::NoScalarForm, false>(
      a, b);
}
template <class A, class B, class D>
auto minimum(const Tensor<A, D>& a, const Tensor<B, D>& b) {
  return detail::dispatch<ops::MaxMinimum<false>, detail::NoScalarForm, detail::NoScalarForm,
                          false>(a, b);
}

// ---- In-place compound assignment ---------------------------------------------------------

namespace detail {
template <template <class> class F, bool FloatMath, class T, class D, class R>
void compound(const char* op, Tensor<T, D>& self, const R& rhs) {
  using E = typename operand_element<R>::type;
  using C = std::conditional_t<
      is_tensor_v<R>, binary_compute_t<T, E, FloatMath>,
      std::conditional_t<FloatMath, float_t<promote_scalar_t<T, E>>, promote_scalar_t<T, E>>>;
  check_not_recorded(op, self);
  static_assert(std::is_same_v<promote_t<T, C>, T>,
                "in-place op: the result type cannot be cast to the tensor's element type "
                "(e.g. int64 += float, or int64 /= anything); convert with to<float>() first");
  const auto f = bind_scalar<F, C>(self, rhs);
  if constexpr (is_tensor_v<R>) {
    check_operand_not_recorded(op, rhs);
    check_in_place(op, self, rhs);
    apply_into(op, self, f, self, rhs);
  } else {
    check_in_place(op, self);
    apply_into(op, self, f, self);
  }
  self.bump_version();
}
}  // namespace detail

template <Element T, class D>
template <class R>
Tensor<T, D>& Tensor<T, D>::operator+=(const R& rhs) {
  detail::compound<fn::Add, false>("add_", *this, rhs);
  return *this;
}
template <Element T, class D>
template <class R>
Tensor<T, D>& Tensor<T, D>::operator-=(const R& rhs) {
  detail::compound<fn::Sub, false>("sub_", *this, rhs);
  return *this;
}
template <Element T, class D>
template <class R>
Tensor<T, D>& Tensor<T, D>::operator*=(const R& rhs) {
  detail::compound<fn::Mul, false>("mul_", *this, rhs);
  return *this;
}
template <Element T, class D>
template <class R>
Tensor<T, D>& Tensor<T, D>::operator/=(const R& rhs) {
  detail::compound<fn::Div, true>("div_", *this, rhs);
  return *this;
}

}  // namespace kaon
