// SPDX-License-Identifier: MIT
// The one entry point of every element-wise op: broadcast the inputs, make the output, plan
// the strided loop and hand it with a functor to backend<Device>. detail::binary maps a binary
// functor over two tensors, or a tensor and a scalar, in the compute type of PyTorch's
// promotion rules; the ops of ops/binary.hpp and the in-place operators build on it.
#pragma once

#include <array>
#include <type_traits>

#include "kaon/autograd/node.hpp"
#include "kaon/backend/backend.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon::detail {

inline void check_broadcasts_to(const char* op, const Shape& in, const Shape& out) {
  KAON_CHECK(broadcast_shapes(in, out, op) == out, ShapeError, op, ": cannot broadcast ", in,
             " to the output shape ", out);
}

/// The loop of an element-wise op writing a tensor of this shape and these strides from the
/// inputs, broadcast to that shape (which they must fit).
template <class D, class... In>
StridedPlan<1 + sizeof...(In)> plan_into(const char* op, const Shape& shape, const Shape& strides,
                                         bool contiguous, const Tensor<In, D>&... in) {
  constexpr int N = 1 + sizeof...(In);
  StridedPlan<N> p;
  if (contiguous && ((in.is_contiguous() && in.shape() == shape) && ...)) {
    p.numel = shape.numel();
    p.sizes[0] = p.numel;
    for (int k = 0; k < N; ++k) p.strides[k][0] = 1;
    p.linear = true;
    return p;
  }
  (check_broadcasts_to(op, in.shape(), shape), ...);
  return make_plan<N>(
      shape, std::array<Shape, N>{strides, broadcast_strides(in.shape(), in.strides(), shape)...});
}

/// True when x partly overlaps out in memory (same storage, both dense, ranges intersecting,
/// not the very same elements in the same order): an in-place result would depend on loop order.
template <class Out, class X, class D>
bool partly_overlaps(const Tensor<Out, D>& out, const Tensor<X, D>& x) {
  if (!out.is_alias_of(x) || out.numel() == 0 || x.numel() == 0) return false;
  if (!is_non_overlapping_and_dense(out.shape(), out.strides()) ||
      !is_non_overlapping_and_dense(x.shape(), x.strides()))
    return false;  // too hard to decide, as in PyTorch: allowed
  const auto* a0 = reinterpret_cast<const char*>(out.data_ptr());
  const auto* b0 = reinterpret_cast<const char*>(x.data_ptr());
  const auto* a1 = a0 + out.numel() * static_cast<std::int64_t>(sizeof(Out));
  const auto* b1 = b0 + x.numel() * static_cast<std::int64_t>(sizeof(X));
  if (a0 == b0 && a1 == b1) return !(sizeof(X) == sizeof(Out) && out.strides() == x.strides());
  return a0 < b1 && b0 < a1;
}

/// Rejects in-place writes whose result would depend on the loop order, as PyTorch does: an
/// output with several elements at one address (an expanded view), or an input that partly
/// overlaps the output (x += x.t()).
template <class Out, class D, class... In>
void check_in_place(const char* op, const Tensor<Out, D>& out, const Tensor<In, D>&... in) {
  for (int i = 0; i < out.dim(); ++i)
    KAON_CHECK(out.size(i) <= 1 || out.stride(i) != 0, ValueError, op,
               ": more than one element of the written-to tensor (shape ", out.shape(),
               ", strides ", out.strides(),
               ") refers to a single memory location; clone() it first");
  const bool overlap = (partly_overlaps(out, in) || ...);
  KAON_CHECK(!overlap, ValueError, op,
             ": some elements of an input tensor and the written-to tensor (shape ", out.shape(),
             ") refer to a single memory location; clone() the input first");
}

/// In-place ops are not recorded: on a tensor that requires grad they would silently break
/// its gradients, so they are refused unless grad mode is off (an optimiser step).
template <class T, class D>
void check_not_recorded(const char* op, const Tensor<T, D>& self) {
  if constexpr (std::is_floating_point_v<T>) {
    const auto& m = self.impl().autograd;
    KAON_CHECK(!(m && (m->requires_grad || m->grad_fn) && autograd::GradMode::is_enabled()), Error,
               op, ": a tensor that requires grad (shape ", self.shape(),
               ") is used in an in-place operation, which autograd does not record; use the "
               "out-of-place op, or update it inside a kaon::NoGradGuard scope");
  }
}

/// An in-place update from an operand that requires grad would drop that operand's gradient
/// without a trace; it is refused while recording (write acc = acc + x instead of acc += x).
template <class T, class D>
void check_operand_not_recorded(const char* op, const Tensor<T, D>& operand) {
  if constexpr (std::is_floating_point_v<T>) {
    const auto& m = operand.impl().autograd;
    KAON_CHECK(!(m && (m->requires_grad || m->grad_fn) && autograd::GradMode::is_enabled()), Error,
               op, ": the operand (shape ", operand.shape(),
               ") requires grad, but in-place operations are not recorded by autograd; use the "
               "out-of-place form (a = a + b)");
  }
}

/// out[...] = f(in[...]...), the inputs broadcast to out's shape (which they must fit).
template <class Out, class D, class F, class... In>
void apply_into(const char* op, const Tensor<Out, D>& out, const F& f, const Tensor<In, D>&... in) {
  const auto p = plan_into<D>(op, out.shape(), out.strides(), out.is_contiguous(), in...);
  backend<D>::template elementwise<Out>(p, out.data_ptr(), f, in.data_ptr()...);
}

template <class... S>
Shape broadcast_all(const char* op, const Shape& first, const S&... rest) {
  Shape s = first;
  if constexpr (sizeof...(S) > 0)
    ((s = broadcast_shapes(s, rest, op)), ...);
  else
    (void)op;
  return s;
}

/// A new tensor of type Out holding f applied to the broadcast inputs.
template <class Out, class D, class F, class In0, class... In>
Tensor<Out, D> map(const char* op, const F& f, const Tensor<In0, D>& in0,
                   const Tensor<In, D>&... in) {
  Tensor<Out, D> out(broadcast_all(op, in0.shape(), in.shape()...));
  apply_into(op, out, f, in0, in...);
  return out;
}

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
