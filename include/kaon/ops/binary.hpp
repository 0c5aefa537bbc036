// SPDX-License-Identifier: MIT
// Binary element-wise ops with broadcasting and PyTorch's type promotion: + - * / (true
// division), comparisons to Tensor<bool>, logical & | ^ on bool tensors, pow, maximum and
// minimum; each with tensor and scalar operands, plus the in-place compound operators.
#pragma once

#include <type_traits>

#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {

/// The compute type of a binary op on A and B; true division and float math lift ints.
template <class A, class B, bool FloatMath>
using binary_compute_t = std::conditional_t<FloatMath, float_t<promote_t<A, B>>, promote_t<A, B>>;

template <template <class> class F, bool FloatMath = false, class A, class B, class D>
auto binary(const char* op, const Tensor<A, D>& a, const Tensor<B, D>& b) {
  using C = binary_compute_t<A, B, FloatMath>;
  using Out = std::invoke_result_t<F<C>, C, C>;
  return map<Out, D>(op, F<C>{}, a, b);
}

template <template <class> class F, bool FloatMath = false, class T, class D, Scalar S>
auto binary(const char* op, const Tensor<T, D>& a, S s) {
  using P = promote_scalar_t<T, S>;
  using C = std::conditional_t<FloatMath, float_t<P>, P>;
  using Out = std::invoke_result_t<F<C>, C, C>;
  return map<Out, D>(op, fn::BindRight<F<C>, C>{F<C>{}, static_cast<C>(s)}, a);
}

template <template <class> class F, bool FloatMath = false, class T, class D, Scalar S>
auto binary(const char* op, S s, const Tensor<T, D>& a) {
  using P = promote_scalar_t<T, S>;
  using C = std::conditional_t<FloatMath, float_t<P>, P>;
  using Out = std::invoke_result_t<F<C>, C, C>;
  return map<Out, D>(op, fn::BindLeft<F<C>, C>{F<C>{}, static_cast<C>(s)}, a);
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

}  // namespace detail

/// Element-wise a + b with broadcasting; either side may be a scalar.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator+(const L& a, const R& b) { return detail::binary<fn::Add>("add", a, b); }

/// Element-wise a - b.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator-(const L& a, const R& b) {
  static_assert(!(std::is_same_v<typename detail::operand_element<L>::type, bool> &&
                  std::is_same_v<typename detail::operand_element<R>::type, bool>),
                "sub: subtracting two bools is not supported; use logical_xor (operator^)");
  return detail::binary<fn::Sub>("sub", a, b);
}

/// Element-wise a * b.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator*(const L& a, const R& b) { return detail::binary<fn::Mul>("mul", a, b); }

/// True division: integer operands give float, as torch.div.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator/(const L& a, const R& b) { return detail::binary<fn::Div, true>("div", a, b); }

/// Python's modulo, as torch.remainder: the result has the sign of the divisor.
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto operator%(const L& a, const R& b) { return detail::binary<fn::Remainder>("remainder", a, b); }

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
  return detail::binary<fn::Pow>("pow", a, b);
}

/// Element-wise maximum and minimum of two tensors (NaN propagates).
template <class A, class B, class D>
auto maximum(const Tensor<A, D>& a, const Tensor<B, D>& b) {
  return detail::binary<fn::Maximum>("maximum", a, b);
}
template <class A, class B, class D>
auto minimum(const Tensor<A, D>& a, const Tensor<B, D>& b) {
  return detail::binary<fn::Minimum>("minimum", a, b);
}

// ---- In-place compound assignment ---------------------------------------------------------

namespace detail {
template <template <class> class F, bool FloatMath, class T, class D, class R>
void compound(const char* op, Tensor<T, D>& self, const R& rhs) {
  using E = typename operand_element<R>::type;
  using C = std::conditional_t<
      is_tensor_v<R>, binary_compute_t<T, E, FloatMath>,
      std::conditional_t<FloatMath, float_t<promote_scalar_t<T, E>>, promote_scalar_t<T, E>>>;
  static_assert(std::is_same_v<promote_t<T, C>, T>,
                "in-place op: the result type cannot be cast to the tensor's element type "
                "(e.g. int64 += float, or int64 /= anything); convert with to<float>() first");
  if constexpr (is_tensor_v<R>) {
    check_in_place(op, self, rhs);
    apply_into(op, self, F<C>{}, self, rhs);
  } else {
    check_in_place(op, self);
    apply_into(op, self, fn::BindRight<F<C>, C>{F<C>{}, static_cast<C>(rhs)}, self);
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
