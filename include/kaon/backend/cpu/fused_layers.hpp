// SPDX-License-Identifier: MIT
// The fused-layer kernels backend<cpu> offers (it derives from CpuFusedLayers): a narrow
// Linear's ReLU backward in one pass, and Linear -> ReLU -> Linear as one kernel each way. A
// backend may offer such kernels; ops use one where the backend has it and takes the shapes,
// and compose the ops otherwise (as on CUDA).
#pragma once

#include <cstdint>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/linear_relu_backward.hpp"
#include "kaon/backend/cpu/linear_relu_linear.hpp"
#include "kaon/backend/cpu/parallel.hpp"

namespace kaon::detail {

struct CpuFusedLayers {
  /// The bias and weight gradients of relu(b + x @ w) in one pass over the gradient g of the
  /// result and the result y (linear_relu_backward.hpp), for the shapes
  /// takes_linear_relu_backward accepts.
  static bool takes_linear_relu_backward(std::int64_t n, std::int64_t m, std::int64_t k) {
    return k <= kFusedReluMaxInputs && m <= kFusedReluMaxWidth &&
           (n * m <= kParallelGrain || get_num_threads() == 1);  // one thread's work
  }
  template <class T>
  static void linear_relu_backward(std::int64_t n, std::int64_t m, const T* g, const T* y,
                                   const MatrixRef<const T>& x, T* db, T* dw) {
    linear_relu_backward_cpu(n, m, g, y, x, db, dw);
  }
  /// Linear(k, m) -> ReLU -> Linear(m, p) forward and backward, each as one kernel that never
  /// stores the hidden layer (linear_relu_linear.hpp), for the shapes takes_linear_relu_linear
  /// accepts.
  static bool takes_linear_relu_linear(std::int64_t n, std::int64_t k, std::int64_t m,
                                       std::int64_t p) {
    return k <= kNarrowMaxEnds && p <= kNarrowMaxEnds &&
           (n * m <= kParallelGrain || get_num_threads() == 1);  // one thread's work
  }
  template <class T>
  static void linear_relu_linear(const NarrowLayers<T>& layers, const MatrixRef<const T>& x,
                                 T* out) {
    linear_relu_linear_cpu(layers, x, out);
  }
  template <class T>
  static void linear_relu_linear_backward(const NarrowLayers<T>& layers,
                                          const MatrixRef<const T>& x, const T* g,
                                          const NarrowGrads<T>& grads) {
    linear_relu_linear_backward_cpu(layers, x, g, grads);
  }
};

}  // namespace kaon::detail
