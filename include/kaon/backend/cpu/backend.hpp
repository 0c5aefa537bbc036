// SPDX-License-Identifier: MIT
// backend<cpu>: host memory, copies, fill, the strided element-wise loop and reductions.
// Loops are written so the compiler vectorises the dense cases; large ones are split over
// threads. The element-wise loop is backend/cpu/elementwise_loop.hpp, matrix products
// backend/cpu/gemm.hpp, the folds of dense memory that reduce() and arg_reduce() use
// backend/cpu/dense_reduce.hpp.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/dense_reduce.hpp"
#include "kaon/backend/cpu/elementwise_loop.hpp"
#include "kaon/backend/cpu/gemm.hpp"
#include "kaon/backend/cpu/memory.hpp"
#include "kaon/backend/cpu/parallel.hpp"
#include "kaon/core/device.hpp"
#include "kaon/core/macros.hpp"

namespace kaon {

template <>
struct backend<cpu> {
  static void* allocate(std::size_t bytes) {
    return detail::CachingAllocator<detail::raw_allocator<cpu>>::instance().allocate(bytes);
  }
  static void deallocate(void* p, std::size_t bytes) noexcept {
    detail::CachingAllocator<detail::raw_allocator<cpu>>::instance().deallocate(p, bytes);
  }
  static void copy_bytes(void* dst, const void* src, std::size_t bytes) {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  static void synchronize() {}

  template <class T>
  static void fill(T* out, std::int64_t n, T value) {
    detail::parallel_for(0, n, detail::kParallelGrain, [=](std::int64_t b, std::int64_t e) {
      std::fill(out + b, out + e, value);
    });
  }

  /// out[i] = Out(f(in[i]...)) over the plan's index space (operand 0 of the plan is out), by
  /// one of the three paths of backend/cpu/elementwise_loop.hpp.
  template <class Out, class F, class... In>
  static void elementwise(const detail::StridedPlan<1 + sizeof...(In)>& p, Out* out, const F& f,
                          const In*... in) {
    detail::elementwise_loop(p, out, f, in...);
  }

  /// f(a[i], b[i], ...) for i < n, elements passed by reference so f can update several buffers
  /// at once: the optimisers' update step.
  template <class F, class... P>
  static void for_each(std::int64_t n, const F& f, P*... ptrs) {
    detail::parallel_for(0, n, detail::kParallelGrain, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) f(ptrs[i]...);
    });
  }

  /// Reduces a dense [outer, R, inner] block over R: out[o, j] = fold(op, in[o, :, j]).
  template <class Out, class C, class In, class Op>
  static void reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const In* in, Out* out,
                     const Op& op) {
    if (inner == 1 && outer == 1 && R >= 2 * detail::kParallelGrain) {
      detail::fold_long_slice<C>(in, R, out, op);
      return;
    }
    if (inner == 1) {
      detail::parallel_for(
          0, outer,
          std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(R, 1)),
          [&](std::int64_t o0, std::int64_t o1) {
            for (std::int64_t o = o0; o < o1; ++o)
              out[o] = static_cast<Out>(detail::fold_dense<C>(in + o * R, R, op));
          });
      return;
    }
    if (outer == 1 && R * inner >= 2 * detail::kParallelGrain) {
      detail::fold_long_columns<C>(in, R, inner, out, op);
      return;
    }
    detail::parallel_for(
        0, outer,
        std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(R * inner, 1)),
        [&](std::int64_t o0, std::int64_t o1) {
          for (std::int64_t o = o0; o < o1; ++o)
            detail::reduce_columns<C>(in + o * R * inner, R, inner, inner, out + o * inner, op);
        });
  }

  /// Arg-reduction over R of a dense [outer, R, inner] block: the first index whose value is
  /// not beaten by any other (`better(a, b)`: a strictly better than b).
  template <class T, class Better>
  static void arg_reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                         T* values, std::int64_t* indices, const Better& better) {
    if (inner == 1) {
      if (outer == 1 && R >= 2 * detail::kParallelGrain) {
        detail::arg_of_long_slice(in, R, values, indices, better);
        return;
      }
      detail::parallel_for(0, outer, std::max<std::int64_t>(1, detail::kParallelGrain / R),
                           [&](std::int64_t o0, std::int64_t o1) {
                             for (std::int64_t o = o0; o < o1; ++o) {
                               T best;
                               indices[o] = detail::arg_of_dense(in + o * R, R, better, best);
                               if (values) values[o] = best;
                             }
                           });
      return;
    }
    // Not std::vector: T may be bool, whose vector packs values into bits.
    std::unique_ptr<T[]> own;
    if (!values) own = std::make_unique<T[]>(static_cast<std::size_t>(outer * inner));
    T* const best = values ? values : own.get();
    if (outer == 1 && R * inner >= 2 * detail::kParallelGrain) {
      detail::arg_of_long_columns(in, R, inner, best, indices, better);
      return;
    }
    detail::parallel_for(
        0, outer,
        std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(R * inner, 1)),
        [&](std::int64_t o0, std::int64_t o1) {
          for (std::int64_t o = o0; o < o1; ++o)
            detail::arg_of_columns(in + o * R * inner, R, inner, inner, best + o * inner,
                                   indices + o * inner, better);
        });
  }

  /// c = a @ b, or c += a @ b when `accumulate` (Eigen's gemm on maps of the buffers).
  template <class T>
  static void gemm(const detail::MatrixRef<const T>& a, const detail::MatrixRef<const T>& b,
                   const detail::MatrixRef<T>& c, bool accumulate) {
    detail::gemm_cpu(a, b, c, accumulate);
  }
  /// c_n = a_n @ b_n for n < batch; matrix n of each operand starts sa, sb, sc elements after
  /// the previous one.
  template <class T>
  static void gemm_batched(const detail::MatrixRef<const T>& a, const detail::MatrixRef<const T>& b,
                           const detail::MatrixRef<T>& c, std::int64_t batch, std::int64_t sa,
                           std::int64_t sb, std::int64_t sc) {
    for (std::int64_t n = 0; n < batch; ++n) {
      auto an = a, bn = b;
      auto cn = c;
      an.data += n * sa, bn.data += n * sb, cn.data += n * sc;
      detail::gemm_cpu(an, bn, cn, false);
    }
  }

  /// Gathers along the middle axis of a dense [outer, R, inner] block:
  /// out[o, k, j] = in[o, index[k], j] for k < K. Indices are checked by the caller.
  template <class T>
  static void index_select(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                           const std::int64_t* index, std::int64_t K, T* out) {
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t k = 0; k < K; ++k)
        std::copy_n(in + (o * R + index[k]) * inner, inner, out + (o * K + k) * inner);
  }

  /// out[o, k, j] += src[o, k, j] at out[o, index[k], j]: index_select's adjoint.
  template <class T>
  static void index_add(std::int64_t outer, std::int64_t R, std::int64_t inner, T* out,
                        const std::int64_t* index, std::int64_t K, const T* src) {
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t k = 0; k < K; ++k) {
        T* dst = out + (o * R + index[k]) * inner;
        const T* s = src + (o * K + k) * inner;
        for (std::int64_t j = 0; j < inner; ++j) dst[j] += s[j];
      }
  }

  /// Along the middle axis of [outer, R, inner] with an index of shape [outer, K, inner]:
  /// gather reads out[o, k, j] = in[o, index[o, k, j], j]; scatter_add is its adjoint.
  template <class T>
  static void gather(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                     const std::int64_t* index, std::int64_t K, T* out) {
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t k = 0; k < K; ++k)
        for (std::int64_t j = 0; j < inner; ++j) {
          const std::int64_t at = (o * K + k) * inner + j;
          out[at] = in[(o * R + index[at]) * inner + j];
        }
  }
  template <class T>
  static void scatter_add(std::int64_t outer, std::int64_t R, std::int64_t inner, T* out,
                          const std::int64_t* index, std::int64_t K, const T* src) {
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t k = 0; k < K; ++k)
        for (std::int64_t j = 0; j < inner; ++j) {
          const std::int64_t at = (o * K + k) * inner + j;
          out[(o * R + index[at]) * inner + j] += src[at];
        }
  }

  /// Writes src's elements, in order, to the positions of out where mask is true:
  /// masked_select's adjoint.
  template <class T>
  static void masked_scatter(std::int64_t n, T* out, const bool* mask, const T* src) {
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < n; ++i)
      if (mask[i]) out[i] = src[k++];
  }

  /// Copies in[i] for every i where mask[i], in order, to out (sized by the caller).
  template <class T>
  static void masked_select(std::int64_t n, const T* in, const bool* mask, T* out) {
    std::int64_t k = 0;
    for (std::int64_t i = 0; i < n; ++i)
      if (mask[i]) out[k++] = in[i];
  }

  /// out[i] = f(i) for i < n: the generator behind arange, linspace, eye and random numbers.
  template <class T, class F>
  static void generate(T* out, std::int64_t n, const F& f) {
    detail::parallel_for(0, n, detail::kParallelGrain, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) out[i] = f(i);
    });
  }
};

}  // namespace kaon
