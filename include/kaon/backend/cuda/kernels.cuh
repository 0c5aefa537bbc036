// SPDX-License-Identifier: MIT
// The kernels of backend<cuda>. Element-wise work is one grid-stride kernel template that applies
// the shared functors of ops/functors.hpp (the math the CPU tests check) over a StridedPlan, so
// broadcasting and strided operands need no copies; the rest are the index kernels, one thread
// per output element.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cuda/launch.cuh"

namespace kaon::detail {

/// The offset of element i of the plan's index space in operand k: each dim's index times the
/// operand's stride there (0 along a broadcast dim).
template <int N>
__device__ void plan_offsets(const StridedPlan<N>& p, std::int64_t i, std::int64_t (&off)[N]) {
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int d = p.rank - 1; d >= 0; --d) {
    const std::int64_t idx = i % p.sizes[d];
    i /= p.sizes[d];
    for (int k = 0; k < N; ++k) off[k] += idx * p.strides[k][d];
  }
}

/// The element-wise kernel: out[i] = Out(f(in[i]...)) over a StridedPlan, grid-stride. When
/// every operand is dense in the same order (p.linear) element i is at offset i in each;
/// otherwise each thread turns its index into one offset per operand, so broadcast and strided
/// operands need no copies.
template <class Out, class F, std::size_t... K, class... In>
__device__ void elementwise_loop(const StridedPlan<1 + sizeof...(In)>& p, Out* out, const F& f,
                                 std::index_sequence<K...>, const In*... in) {
  if (p.linear) {
    for (std::int64_t i = cuda_thread_index(); i < p.numel; i += cuda_grid_stride())
      out[i] = static_cast<Out>(f(in[i]...));
    return;
  }
  std::int64_t off[1 + sizeof...(In)];
  for (std::int64_t i = cuda_thread_index(); i < p.numel; i += cuda_grid_stride()) {
    plan_offsets(p, i, off);
    out[off[0]] = static_cast<Out>(f(in[off[K + 1]]...));
  }
}
template <class Out, class F, class... In>
__global__ void elementwise_kernel(StridedPlan<1 + sizeof...(In)> p, Out* out, F f,
                                   const In*... in) {
  elementwise_loop(p, out, f, std::index_sequence_for<In...>{}, in...);
}

/// f(a[i], b[i], ...) with the elements by reference: the optimisers' update functors.
template <class F, class... P>
__global__ void for_each_kernel(std::int64_t n, F f, P*... ptrs) {
  for (std::int64_t i = cuda_thread_index(); i < n; i += cuda_grid_stride()) f(ptrs[i]...);
}

/// out[i] = f(i): arange, linspace, eye, fill and the counter-based random numbers.
template <class T, class F>
__global__ void generate_kernel(std::int64_t n, T* out, F f) {
  for (std::int64_t i = cuda_thread_index(); i < n; i += cuda_grid_stride()) out[i] = f(i);
}

/// One thread per (o, j) of a dense [outer, R, inner] block: the first index not beaten.
template <class T, class Better>
__global__ void arg_reduce_kernel(std::int64_t outer_inner, std::int64_t R, std::int64_t inner,
                                  const T* in, T* values, std::int64_t* indices, Better better) {
  for (std::int64_t oj = cuda_thread_index(); oj < outer_inner; oj += cuda_grid_stride()) {
    const std::int64_t o = oj / inner, j = oj % inner;
    T best;
    indices[oj] = arg_of_slice(in + o * R * inner + j, R, inner, better, best);
    if (values) values[oj] = best;
  }
}

/// atomicAdd for the element types gradients are scattered in.
template <class T>
__device__ void atomic_add(T* at, T v) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    atomicAdd(reinterpret_cast<unsigned long long*>(at), static_cast<unsigned long long>(v));
  } else {
    static_assert(std::is_floating_point_v<T>, "atomic_add: float, double or int64 only");
    atomicAdd(at, v);
  }
}

/// index_select (Add = false): out[o, k, j] = in[o, index[k], j]; index_add (Add = true) is its
/// adjoint, out[o, index[k], j] += src[o, k, j], atomic because indices may repeat.
template <bool Add, class T>
__global__ void index_kernel(std::int64_t outer, std::int64_t R, std::int64_t inner, T* dense,
                             const std::int64_t* index, std::int64_t K, T* picked) {
  const std::int64_t n = outer * K * inner;
  for (std::int64_t t = cuda_thread_index(); t < n; t += cuda_grid_stride()) {
    const std::int64_t j = t % inner, k = (t / inner) % K, o = t / (inner * K);
    const std::int64_t at = (o * R + index[k]) * inner + j;
    if constexpr (Add)
      atomic_add(dense + at, picked[t]);
    else
      picked[t] = dense[at];
  }
}

/// gather (Add = false): out[o, k, j] = in[o, index[o, k, j], j]; scatter_add (Add = true) is its
/// adjoint.
template <bool Add, class T>
__global__ void gather_kernel(std::int64_t outer, std::int64_t R, std::int64_t inner, T* dense,
                              const std::int64_t* index, std::int64_t K, T* picked) {
  const std::int64_t n = outer * K * inner;
  for (std::int64_t t = cuda_thread_index(); t < n; t += cuda_grid_stride()) {
    const std::int64_t j = t % inner, o = t / (inner * K);
    const std::int64_t at = (o * R + index[t]) * inner + j;
    if constexpr (Add)
      atomic_add(dense + at, picked[t]);
    else
      picked[t] = dense[at];
  }
}

/// masked_scatter: out[i] = src[position[i]] where mask[i]; positions are the exclusive prefix
/// sum of the mask.
template <class T>
__global__ void masked_scatter_kernel(std::int64_t n, T* out, const bool* mask,
                                      const std::int64_t* position, const T* src) {
  for (std::int64_t i = cuda_thread_index(); i < n; i += cuda_grid_stride())
    if (mask[i]) out[i] = src[position[i]];
}

}  // namespace kaon::detail
