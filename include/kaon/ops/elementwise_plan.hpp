// SPDX-License-Identifier: MIT
// The strided loop of an element-wise op: its output's shape and strides and its inputs'
// strides broadcast to that shape, merged where the memory allows (backend/backend.hpp).
#pragma once

#include <array>

#include "kaon/backend/backend.hpp"
#include "kaon/core/tensor.hpp"

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

}  // namespace kaon::detail
