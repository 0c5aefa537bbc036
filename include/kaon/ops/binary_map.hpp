// SPDX-License-Identifier: MIT
// detail::binary: a binary functor mapped over two tensors, or a tensor and a scalar, in the
// compute type of PyTorch's promotion rules, without autograd. The ops of ops/binary.hpp and
// the in-place operators build on it.
#pragma once

#include <type_traits>

#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon::detail {

/// The compute type of a binary op on A and B; true division and float math lift ints.
template <class A, class B, bool FloatMath>
using binary_compute_t = std::conditional_t<FloatMath, float_t<promote_t<A, B>>, promote_t<A, B>>;

/// The functor a binary op computing in C applies to its tensor operands: F<C> itself for two
/// tensors, F<C> with the scalar operand bound on its side for a tensor and a scalar.
template <template <class> class F, class C, class L, class R>
auto bind_scalar(const L& a, const R& b) {
  if constexpr (is_tensor_v<L> && is_tensor_v<R>)
    return F<C>{};
  else if constexpr (is_tensor_v<L>)
    return fn::BindRight<F<C>, C>{F<C>{}, static_cast<C>(b)};
  else
    return fn::BindLeft<F<C>, C>{F<C>{}, static_cast<C>(a)};
}

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
  return map<Out, D>(op, bind_scalar<F, C>(a, s), a);
}

template <template <class> class F, bool FloatMath = false, class T, class D, Scalar S>
auto binary(const char* op, S s, const Tensor<T, D>& a) {
  using P = promote_scalar_t<T, S>;
  using C = std::conditional_t<FloatMath, float_t<P>, P>;
  using Out = std::invoke_result_t<F<C>, C, C>;
  return map<Out, D>(op, bind_scalar<F, C>(s, a), a);
}

}  // namespace kaon::detail
