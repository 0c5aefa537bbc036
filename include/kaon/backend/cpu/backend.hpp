// SPDX-License-Identifier: MIT
// backend<cpu>: host memory, copies, fill, the strided element-wise loop and reductions.
// Loops are written so the compiler vectorises the dense cases; large ones are split over
// threads. Matrix products are in backend/cpu/gemm.hpp, the folds of dense memory that
// reduce() and arg_reduce() use in backend/cpu/dense_reduce.hpp.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/dense_reduce.hpp"
#include "kaon/backend/cpu/fused_layers.hpp"
#include "kaon/backend/cpu/gemm.hpp"
#include "kaon/backend/cpu/memory.hpp"
#include "kaon/backend/cpu/parallel.hpp"
#include "kaon/backend/cpu/staging.hpp"
#include "kaon/backend/cpu/streaming_store.hpp"
#include "kaon/core/device.hpp"
#include "kaon/core/macros.hpp"

namespace kaon {

template <>
struct backend<cpu> : detail::CpuFusedLayers {
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

  /// out[i] = Out(f(in[i]...)) over the plan's index space (operand 0 of the plan is out).
  template <class Out, class F, class... In>
  static void elementwise(const detail::StridedPlan<1 + sizeof...(In)>& p, Out* out, const F& f,
                          const In*... in) {
    if (p.numel == 0) return;
    const std::int64_t g = granule(p);
    const bool stream = streams(p, out, in...);
    detail::parallel_for(0, p.numel / g, std::max<std::int64_t>(1, detail::kParallelGrain / g),
                         [&](std::int64_t r0, std::int64_t r1) {
                           if (stream)
                             streamed_range(r0 * g, r1 * g, out, f, in...);
                           else
                             elementwise_range(p, r0 * g, r1 * g, out, f, in...);
                         });
  }

  /// Whether a plan's output is stored past the caches (backend/cpu/streaming_store.hpp): a
  /// dense output larger than the last-level cache that no input shares memory with.
  template <class Out, class... In>
  static bool streams(const detail::StridedPlan<1 + sizeof...(In)>& p, const Out* out,
                      const In*... in) {
    const auto bytes = [&](const auto* ptr) {
      return p.numel * static_cast<std::int64_t>(sizeof(*ptr));
    };
    return p.linear && detail::streams_output(static_cast<std::size_t>(bytes(out))) &&
           !(overlaps(out, bytes(out), in, bytes(in)) || ...);
  }

  /// Elements [b, e) of a dense plan that streams(), written past the caches.
  template <class Out, class F, class... In>
  static void streamed_range(std::int64_t b, std::int64_t e, Out* out, const F& f,
                             const In*... in) {
    detail::streamed_range(out, b, e,
                           [f, in...](Out* KAON_RESTRICT o, std::int64_t i, std::int64_t len) {
                             for (std::int64_t j = 0; j < len; ++j)
                               o[j] = static_cast<Out>(f(in[i + j]...));
                           });
  }

  /// Elements [b, e) of the plan's index space, in the output's order, on this thread; b and
  /// e are multiples of granule(p). A deferred result runs its ops a few rows at a time.
  template <class Out, class F, class... In>
  static void elementwise_range(const detail::StridedPlan<1 + sizeof...(In)>& p, std::int64_t b,
                                std::int64_t e, Out* out, const F& f, const In*... in) {
    if (p.linear) {
      Out* KAON_RESTRICT o = out;
      for (std::int64_t i = b; i < e; ++i) o[i] = static_cast<Out>(f(in[i]...));
      return;
    }
    const std::int64_t inner = p.sizes[p.rank - 1];
    rows_loop(p, b / inner, e / inner, out, f, std::index_sequence_for<In...>{}, in...);
  }

  /// The elements of one row of the plan's loop: ranges split only at its multiples.
  template <int N>
  static std::int64_t granule(const detail::StridedPlan<N>& p) {
    return p.linear ? 1 : p.sizes[p.rank - 1];
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

 private:
  /// Elements per chunk of a row: every operand of a chunk is read from (and the result
  /// written to) a dense run of memory, so the functor's loop vectorises whatever the strides.
  static constexpr std::int64_t kChunk = 256;

  /// Where a chunk of one input is staged when it is not a dense run (backend/cpu/staging.hpp).
  template <class In>
  using Staging = detail::Staging<In, kChunk>;

  /// Elements of Out in one vector register (64 bytes, AVX-512's width; two AVX2 registers).
  template <class Out>
  static constexpr std::int64_t kVectorOf = std::max<std::int64_t>(1, kAlignment / sizeof(Out));

  /// out[r inner + j] = f(first[r step], rest[j]...) for j < len, rows r0 <= r < r1.
  template <class Out, class F, class In0, class... Rest>
  static void rows_of(std::int64_t r0, std::int64_t r1, std::int64_t len, Out* out,
                      std::int64_t inner, const F& f, const In0* first, std::int64_t step,
                      const Rest*... rest) {
    for (std::int64_t r = r0; r < r1; ++r)
      scalar_first_loop(out + r * inner, len, f, first[r * step], rest...);
  }

  /// Whether [a, a + an) and [b, b + bn) (in bytes) share memory.
  static bool overlaps(const void* a, std::int64_t an, const void* b, std::int64_t bn) {
    const auto x = reinterpret_cast<std::uintptr_t>(a), y = reinterpret_cast<std::uintptr_t>(b);
    return x < y + static_cast<std::uintptr_t>(bn) && y < x + static_cast<std::uintptr_t>(an);
  }

  /// Rows [r0, r1) of a rank-2 plan whose output rows lie back to back (row stride = inner),
  /// whose first input is one value per row and whose other inputs are one row shared by every
  /// row (x * w + b: a layer of one input). Rows of 50 floats would otherwise end in a scalar
  /// tail that costs as much as the vectors before it. Here every row but the last is written
  /// over a whole number of vectors: its overrun lands on the start of the next row, which
  /// that row then overwrites (the last rows, whose overrun would leave [r0, r1), are written
  /// exactly), and the shared rows are read from copies padded with their last element. False
  /// (nothing done) when the shape does not allow it or the output overlaps the first input (a
  /// later row's value would be overwritten before it is read).
  template <class Out, class F, class In0, class... Rest>
  static bool padded_rows(std::int64_t r0, std::int64_t r1, std::int64_t inner, Out* out,
                          const F& f, const In0* first, std::int64_t first_step,
                          const Rest*... rest) {
    const std::int64_t padded = (inner + kVectorOf<Out> - 1) / kVectorOf<Out> * kVectorOf<Out>;
    if (r1 - r0 < 2 || padded > kChunk ||
        overlaps(out + r0 * inner, (r1 - r0) * inner * std::int64_t(sizeof(Out)),
                 first + r0 * first_step,
                 ((r1 - r0 - 1) * first_step + 1) * std::int64_t(sizeof(In0))))
      return false;
    // Rows before `exact` end their overrun inside [r0, r1): r inner + padded <= r1 inner.
    const std::int64_t exact = std::max(r0, r1 + 1 - (padded + inner - 1) / inner);
    std::tuple<Staging<Rest>...> staging;
    std::apply(
        [&](auto&... st) {
          rows_of(r0, exact, padded, out, inner, f, first, first_step,
                  st.padded_run(rest, inner, padded)...);
        },
        staging);
    rows_of(exact, r1, inner, out, inner, f, first, first_step, rest...);
    return true;
  }

  /// One dense run. Not inlined: inside rows_loop's many paths GCC 12 ran out of registers
  /// and kept the pointers in vector registers, moving them back on every iteration (a 1000-wide
  /// row subtracted in L1 took 1.3x a plain loop; the call costs a few ns per row).
  template <class Out, class F, class... In>
  KAON_NOINLINE static void dense_loop(Out* KAON_RESTRICT o, std::int64_t len, const F& f,
                                       const In*... in) {
    for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(in[j]...));
  }

  /// A row whose first input repeats one element (a per-row broadcast: the projectile's
  /// (100, 1) x (1000), an outer product) and whose other operands are dense: the repeated
  /// element stays in a register instead of a staging buffer.
  template <class Out, class F, class S, class... In>
  static void scalar_first_loop(Out* KAON_RESTRICT o, std::int64_t len, const F& f, S s,
                                const In*... in) {
    for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(s, in[j]...));
  }

  /// The same for a binary op whose second input repeats one element.
  template <class Out, class F, class In0, class In1>
  static void scalar_second_loop(Out* KAON_RESTRICT o, std::int64_t len, const F& f, const In0* a,
                                 const In1* b) {
    const In1 s = *b;
    for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(a[j], s));
  }

  /// Rows at least this long take the scalar loops; shorter ones gain nothing from them.
  static constexpr std::int64_t kScalarRow = 16;

  /// Calls body(off) for rows r0 .. r1 - 1 of the plan, off[k] being operand k's offset of the
  /// row's first element; a plan of rank 2 (the common case) steps by one stride per operand.
  template <int N, class Body>
  static void walk_rows(const detail::StridedPlan<N>& p, std::int64_t r0, std::int64_t r1,
                        const Body& body) {
    const int last = p.rank - 1;
    std::int64_t idx[kMaxDims] = {};
    std::int64_t off[N] = {};
    std::int64_t rem = r0;
    for (int d = last - 1; d >= 0; --d) {
      idx[d] = rem % p.sizes[d];
      rem /= p.sizes[d];
      for (int k = 0; k < N; ++k) off[k] += idx[d] * p.strides[k][d];
    }
    if (p.rank == 2) {
      for (std::int64_t row = r0; row < r1; ++row) {
        body(off);
        for (int k = 0; k < N; ++k) off[k] += p.strides[k][0];
      }
      return;
    }
    for (std::int64_t row = r0; row < r1; ++row) {
      body(off);
      for (int d = last - 1; d >= 0; --d) {
        for (int k = 0; k < N; ++k) off[k] += p.strides[k][d];
        if (++idx[d] < p.sizes[d]) break;
        for (int k = 0; k < N; ++k) off[k] -= p.strides[k][d] * p.sizes[d];
        idx[d] = 0;
      }
    }
  }

  /// Rows [r0, r1) of a rank-2 plan with short rows (x - mean over 4 features, p / p.sum(1,
  /// true) over 3 classes) whose output rows lie back to back: kChunk / inner rows at a time
  /// are one dense run of the output, each input's rows one run too, as they lie or gathered
  /// into a buffer. A loop per row would cost more than its few elements. False (nothing done)
  /// when the plan is not of that form.
  template <class Out, class F, std::size_t... K, class... In>
  static bool short_rows(const detail::StridedPlan<1 + sizeof...(In)>& p, std::int64_t r0,
                         std::int64_t r1, Out* out, const F& f, std::index_sequence<K...>,
                         const In*... in) {
    if (p.rank != 2) return false;
    const std::int64_t inner = p.sizes[1];
    if (inner * 2 > kChunk || p.strides[0][1] != 1 || p.strides[0][0] != inner) return false;
    const std::int64_t k = kChunk / inner;
    std::tuple<Staging<In>...> staging;
    for (std::int64_t r = r0; r < r1; r += k) {
      const std::int64_t n = std::min(k, r1 - r);
      dense_loop(out + r * inner, n * inner, f,
                 std::get<K>(staging).rows_run(in + r * p.strides[K + 1][0], p.strides[K + 1][0],
                                               p.strides[K + 1][1], inner, n)...);
    }
    return true;
  }

  /// The rows [r0, r1) of a plan whose rows are not all one dense run. How a row is read is
  /// decided once: every operand dense; the first input repeating one element along the row
  /// (or, for a binary op, the second) and the rest dense, kept in a register; otherwise in
  /// chunks staged through dense buffers.
  template <class Out, class F, std::size_t... K, class... In>
  static void rows_loop(const detail::StridedPlan<1 + sizeof...(In)>& p, std::int64_t r0,
                        std::int64_t r1, Out* out, const F& f, std::index_sequence<K...>,
                        const In*... in) {
    constexpr int N = 1 + sizeof...(In);
    const std::int64_t inner = p.sizes[p.rank - 1];
    const std::int64_t so = p.strides[0][p.rank - 1];
    const std::int64_t si[N] = {so, p.strides[K + 1][p.rank - 1]...};
    if (((si[K + 1] == 1) && ... && (so == 1))) {
      if (short_rows(p, r0, r1, out, f, std::index_sequence<K...>{}, in...)) return;
      walk_rows(p, r0, r1, [&](const std::int64_t* off) {
        dense_loop(out + off[0], inner, f, (in + off[K + 1])...);
      });
      return;
    }
    if constexpr (N == 3 || N == 4) {
      if (so == 1 && inner >= kScalarRow && si[1] == 0 && ((si[K + 1] == 1 || K == 0) && ...)) {
        if (p.rank == 2) {  // rows one stride apart: plain pointer steps, kept in registers
          const std::int64_t ro = p.strides[0][0];
          const std::int64_t ri[N - 1] = {p.strides[K + 1][0]...};
          if (ro == inner && ((ri[K] == 0 || K == 0) && ...) &&
              [&](const auto* first, const auto*... rest) {
                return padded_rows(r0, r1, inner, out, f, first, ri[0], rest...);
              }(in...))
            return;
          for (std::int64_t r = r0; r < r1; ++r)
            [&](const auto* first, const auto*... rest) {
              scalar_first_loop(out + r * ro, inner, f, *first, rest...);
            }((in + r * ri[K])...);
          return;
        }
        walk_rows(p, r0, r1, [&](const std::int64_t* off) {
          [&](const auto* first, const auto*... rest) {
            scalar_first_loop(out + off[0], inner, f, *first, rest...);
          }(in + off[K + 1]...);
        });
        return;
      }
    }
    if constexpr (N == 3) {
      if (so == 1 && inner >= kScalarRow && si[1] == 1 && si[2] == 0) {
        walk_rows(p, r0, r1, [&](const std::int64_t* off) {
          scalar_second_loop(out + off[0], inner, f, in + off[K + 1]...);
        });
        return;
      }
    }
    if (short_rows(p, r0, r1, out, f, std::index_sequence<K...>{}, in...)) return;
    std::tuple<Staging<In>...> staging;
    alignas(kAlignment) Out obuf[kChunk];
    walk_rows(p, r0, r1, [&](const std::int64_t* off) {
      for (std::int64_t j0 = 0; j0 < inner; j0 += kChunk) {
        const std::int64_t len = std::min(kChunk, inner - j0);
        Out* o = so == 1 ? out + off[0] + j0 : obuf;
        dense_loop(o, len, f,
                   std::get<K>(staging).run(in + off[K + 1] + j0 * si[K + 1], si[K + 1], len)...);
        if (so != 1)
          for (std::int64_t j = 0; j < len; ++j) out[off[0] + (j0 + j) * so] = obuf[j];
      }
    });
  }
};

}  // namespace kaon
