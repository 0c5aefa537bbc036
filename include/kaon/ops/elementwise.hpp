// SPDX-License-Identifier: MIT
// The one entry point of every element-wise op: broadcast the inputs, make the output, plan
// the strided loop and hand it with a functor to backend<Device>.
#pragma once

#include <array>
#include <type_traits>

#include "kaon/autograd/node.hpp"
#include "kaon/backend/backend.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/elementwise_plan.hpp"

namespace kaon::detail {

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

}  // namespace kaon::detail
