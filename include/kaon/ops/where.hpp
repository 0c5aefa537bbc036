// SPDX-License-Identifier: MIT
// where(cond, a, b): element-wise selection with broadcasting; the gradient flows to the side
// that was selected.
#pragma once

#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon {
namespace ops {
// d/da where(c, a, b) = 1[c], d/db where(c, a, b) = 1[!c]
struct Where : autograd::Function<Where> {
  static constexpr const char* name = "WhereBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<bool, D>& cond,
                              const Tensor<T, D>& a, const Tensor<T, D>& b) {
    ctx.save_for_backward(cond);
    return detail::map<T, D>("where", fn::Where<T>{}, cond, a, b);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto cond = ctx.template saved<bool>(0);
    const auto zero = zeros<T, D>({});
    return {ctx.needs_input_grad(0) ? detail::grad_to(ctx, 0, Where::apply(cond, g[0], zero))
                                    : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? detail::grad_to(ctx, 1, Where::apply(cond, zero, g[0]))
                                    : Tensor<T, D>()};
  }
};
}  // namespace ops

/// cond ? a : b element-wise, broadcasting all three; a and b promote as in a binary op.
template <class A, class B, class D>
auto where(const Tensor<bool, D>& cond, const Tensor<A, D>& a, const Tensor<B, D>& b) {
  using C = promote_t<A, B>;
  return ops::Where::apply(cond, a.template cast<C>(), b.template cast<C>());
}
template <class A, class D, Scalar S>
auto where(const Tensor<bool, D>& cond, const Tensor<A, D>& a, S b) {
  using C = promote_scalar_t<A, S>;
  return ops::Where::apply(cond, a.template cast<C>(), full<C, D>({}, static_cast<C>(b)));
}
template <class B, class D, Scalar S>
auto where(const Tensor<bool, D>& cond, S a, const Tensor<B, D>& b) {
  using C = promote_scalar_t<B, S>;
  return ops::Where::apply(cond, full<C, D>({}, static_cast<C>(a)), b.template cast<C>());
}
/// cond ? a : b with two scalars: cond's shape, in the scalars' type as PyTorch picks it
/// (where(mask, 1.0, 0.0) is float, where(mask, 1, 0) is int64).
template <class D, Scalar A, Scalar B>
auto where(const Tensor<bool, D>& cond, A a, B b) {
  using C = promote_scalar_t<promote_scalar_t<bool, A>, B>;
  return where(cond, full<C, D>({}, static_cast<C>(a)), b);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::masked_fill(const Tensor<bool, D>& mask, double value) const {
  (void)detail::broadcast_shapes(mask.shape(), shape(), "masked_fill");
  return ops::Where::apply(mask, full<T, D>({}, static_cast<T>(value)), *this);
}

}  // namespace kaon
