// SPDX-License-Identifier: MIT
// The one entry point of every element-wise op: broadcast the inputs, make the output, plan
// the strided loop and hand it with a functor to backend<Device>.
#pragma once

#include <array>

#include "kaon/backend/backend.hpp"
#include "kaon/core/tensor.hpp"

namespace kaon::detail {

inline void check_broadcasts_to(const char* op, const Shape& in, const Shape& out) {
  KAON_CHECK(broadcast_shapes(in, out, op) == out, ShapeError, op, ": cannot broadcast ", in,
             " to the output shape ", out);
}

/// out[...] = f(in[...]...), the inputs broadcast to out's shape (which they must fit).
template <class Out, class D, class F, class... In>
void apply_into(const char* op, const Tensor<Out, D>& out, const F& f, const Tensor<In, D>&... in) {
  constexpr int N = 1 + sizeof...(In);
  (void)op;
  StridedPlan<N> p;
  if (out.is_contiguous() && ((in.is_contiguous() && in.shape() == out.shape()) && ...)) {
    p.numel = out.numel();
    p.sizes[0] = p.numel;
    for (int k = 0; k < N; ++k) p.strides[k][0] = 1;
    p.linear = true;
  } else {
    (check_broadcasts_to(op, in.shape(), out.shape()), ...);
    p = make_plan<N>(out.shape(), std::array<Shape, N>{out.strides(),
                                                       broadcast_strides(in.shape(), in.strides(),
                                                                         out.shape())...});
  }
  backend<D>::template elementwise<Out>(p, out.data_ptr(), f, in.data_ptr()...);
}

template <class... S>
Shape broadcast_all(const char* op, const Shape& first, const S&... rest) {
  Shape s = first;
  if constexpr (sizeof...(S) > 0) ((s = broadcast_shapes(s, rest, op)), ...);
  else (void)op;
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
