// SPDX-License-Identifier: MIT
// The device policy. `backend<Device>` is the whole contract a device implements: memory,
// copies, fill, strided element-wise loops applying the shared functors, reductions and gemm.
// Ops are written once against it.
#pragma once

#include <array>
#include <cstdint>

#include "kaon/core/macros.hpp"
#include "kaon/core/shape.hpp"

namespace kaon {

/// Specialised by each device: backend<cpu> (backend/cpu/backend.hpp) and backend<cuda>.
template <class Device>
struct backend;

namespace detail {

/// A gemm operand: element (i, j) is at data[i * ld + j] (row-major) or data[i + j * ld].
template <class T>
struct MatrixRef {
  T* data;
  std::int64_t rows, cols, ld;
  bool row_major;
};

/// An element-wise loop over N operands (operand 0 is the output), as one plain struct that a
/// kernel can take by value. Dims of size 1 are dropped and dims that are contiguous in every
/// operand are merged, so the common cases run as one flat loop.
template <int N>
struct StridedPlan {
  int rank = 1;
  std::int64_t numel = 0;
  bool linear = false;  // every operand is dense in the same order: element i is at offset i
  std::int64_t sizes[kMaxDims] = {};
  std::int64_t strides[N][kMaxDims] = {};
};

/// Plans a loop over `shape`; strides[k] are operand k's strides, already broadcast to shape.
template <int N>
StridedPlan<N> make_plan(const Shape& shape, const std::array<Shape, N>& strides) {
  StridedPlan<N> p;
  p.numel = shape.numel();
  int r = 0;
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = r > 0;
    for (int k = 0; k < N && merge; ++k) merge = strides[k][d] * shape[d] == p.strides[k][r - 1];
    if (merge) {
      p.sizes[r - 1] *= shape[d];
      for (int k = 0; k < N; ++k) p.strides[k][r - 1] = strides[k][d];
    } else {
      p.sizes[r] = shape[d];
      for (int k = 0; k < N; ++k) p.strides[k][r] = strides[k][d];
      ++r;
    }
  }
  if (r == 0) {
    p.sizes[0] = p.numel == 0 ? 0 : 1;
    for (int k = 0; k < N; ++k) p.strides[k][0] = 1;
    r = 1;
  }
  p.rank = r;
  p.linear = r == 1;
  for (int k = 0; k < N && p.linear; ++k) p.linear = p.strides[k][0] == 1;
  return p;
}

/// Arg-reduction of one slice x[0], x[step], ..., x[(R - 1) step]: the first index whose value
/// no other beats (`better(a, b)`: a strictly better than b), and that value in `best`. Every
/// backend's arg_reduce applies it to each slice.
template <class T, class Better>
KAON_HOST_DEVICE std::int64_t arg_of_slice(const T* x, std::int64_t R, std::int64_t step,
                                           const Better& better, T& best) {
  best = x[0];
  std::int64_t arg = 0;
  for (std::int64_t r = 1; r < R; ++r)
    if (better(x[r * step], best)) best = x[r * step], arg = r;
  return arg;
}

}  // namespace detail
}  // namespace kaon
