// SPDX-License-Identifier: MIT
// atan2, hypot and fmod: binary element-wise math with broadcasting, either operand a tensor or
// a scalar (a scalar becomes a 0-d tensor of the computing type), each backward beside its
// forward. atan2 and hypot compute in float (int64 operands give float); fmod keeps int64.
#pragma once

#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/unary_math.hpp"
#include "kaon/ops/where.hpp"

namespace kaon {
namespace detail {
/// A binary Function that saves both inputs; Derived gives name, op, F and `grads(ctx, g)`.
template <class Derived, template <class> class F>
struct BinaryMathFunction : autograd::Function<Derived> {
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    Derived::check(a, b);
    ctx.save_for_backward(a, b);
    return binary<F>(Derived::op, a, b);
  }
  template <class T, class D>
  static grads_t<T, D> backward(autograd::Context<D>& ctx, const grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    const auto [da, db] = Derived::partials(g[0], a, b);
    return {ctx.needs_input_grad(0) ? grad_to(ctx, 0, da) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? grad_to(ctx, 1, db) : Tensor<T, D>()};
  }
  template <class T, class D>
  static void check(const Tensor<T, D>&, const Tensor<T, D>&) {}
};

/// Both operands as tensors of the type the op computes in (FloatMath lifts int64 to float).
template <bool FloatMath, class L, class R>
auto as_tensor_pair(const L& a, const R& b) {
  using LE = typename operand_element<L>::type;
  using RE = typename operand_element<R>::type;
  using P = std::conditional_t<
      is_tensor_v<L> && is_tensor_v<R>, promote_t<LE, RE>,
      std::conditional_t<is_tensor_v<L>, promote_scalar_t<LE, RE>, promote_scalar_t<RE, LE>>>;
  using C = std::conditional_t<FloatMath, float_t<P>, P>;
  using D = typename std::conditional_t<is_tensor_v<L>, L, R>::device_type;
  auto lift = [](const auto& v) {
    if constexpr (is_tensor_v<std::remove_cvref_t<decltype(v)>>)
      return v.template cast<C>();
    else
      return full<C, D>({}, static_cast<C>(v));
  };
  return std::pair{lift(a), lift(b)};
}
}  // namespace detail

namespace ops {
// d/da atan2(a, b) = b / (a^2 + b^2), d/db atan2(a, b) = -a / (a^2 + b^2)
struct Atan2 : detail::BinaryMathFunction<Atan2, fn::Atan2> {
  static constexpr const char* name = "Atan2Backward0";
  static constexpr const char* op = "atan2";
  template <class G>
  static std::pair<G, G> partials(const G& g, const G& a, const G& b) {
    const G r2 = a * a + b * b;
    return {g * b / r2, -(g * a) / r2};
  }
};
// d/da hypot(a, b) = a / hypot(a, b), d/db hypot(a, b) = b / hypot(a, b)
struct Hypot : detail::BinaryMathFunction<Hypot, fn::Hypot> {
  static constexpr const char* name = "HypotBackward0";
  static constexpr const char* op = "hypot";
  template <class G>
  static std::pair<G, G> partials(const G& g, const G& a, const G& b) {
    const G h = hypot(a, b);
    return {g * a / h, g * b / h};
  }
};
// d/da fmod(a, b) = 1, d/db fmod(a, b) = -trunc(a / b)
struct Fmod : detail::BinaryMathFunction<Fmod, fn::Fmod> {
  static constexpr const char* name = "FmodBackward1";
  static constexpr const char* op = "fmod";
  template <class G>
  static std::pair<G, G> partials(const G& g, const G& a, const G& b) {
    return {g, -(g * trunc(a / b))};
  }
  template <class T, class D>
  static void check(const Tensor<T, D>& a, const Tensor<T, D>& b) {
    detail::check_integer_divisor(op, a, b);
  }
};
}  // namespace ops

/// atan2(a, b): the angle of the point (b, a) in (-pi, pi] (torch.atan2, numpy.arctan2).
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto atan2(const L& a, const R& b) {
  const auto [x, y] = detail::as_tensor_pair<true>(a, b);
  return ops::Atan2::apply(x, y);
}
/// sqrt(a^2 + b^2), without overflow in the squares (torch.hypot).
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto hypot(const L& a, const R& b) {
  const auto [x, y] = detail::as_tensor_pair<true>(a, b);
  return ops::Hypot::apply(x, y);
}
/// The remainder of a / b with the sign of a (torch.fmod; torch.remainder is Python's %).
template <class L, class R>
requires detail::BinaryOperands<L, R>
auto fmod(const L& a, const R& b) {
  const auto [x, y] = detail::as_tensor_pair<false>(a, b);
  return ops::Fmod::apply(x, y);
}

// ---- Member forms ---------------------------------------------------------------------------

template <Element T, class D>
template <class O>
auto Tensor<T, D>::atan2(const O& other) const {
  return kaon::atan2(*this, other);
}
template <Element T, class D>
template <class O>
auto Tensor<T, D>::hypot(const O& other) const {
  return kaon::hypot(*this, other);
}
template <Element T, class D>
template <class O>
auto Tensor<T, D>::fmod(const O& other) const {
  return kaon::fmod(*this, other);
}

}  // namespace kaon
