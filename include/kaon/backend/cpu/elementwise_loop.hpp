// SPDX-License-Identifier: MIT
// backend<cpu>'s element-wise loop: out[i] = f(in[i]...) over a StridedPlan (backend/backend.hpp).
// Every path ends in dense_run, the one loop over dense memory, which the compiler vectorises;
// a functor's arithmetic is therefore compiled once per program, whatever the operands' layouts.
//
//   path            | taken when                              | how the operands reach dense_run
//   ----------------+-----------------------------------------+---------------------------------
//   contiguous      | every operand is dense in the output's  | as they lie, split over threads;
//                   | order (plan.linear)                     | an output larger than the last-
//                   |                                         | level cache is stored past it
//                   |                                         | (streaming_store.hpp)
//   broadcast rows  | a plan of rank 2 whose output rows lie  | blocks of up to kBlock output
//                   | back to back: a row, a column or a      | elements (several short rows, or
//                   | scalar against a matrix, a transposed   | a part of a long one); an input's
//                   | input                                   | part as it lies when dense, else
//                   |                                         | gathered into a buffer; a column
//                   |                                         | against rows of 16 or more is
//                   |                                         | bound into f (Bound)
//   general strided | anything else: rank 3 or more after     | each row of the plan in blocks;
//                   | merging dims, or an output that is a    | inputs gathered, the output
//                   | strided view (in-place ops on views)    | written through a buffer
//
// tests/ops/elementwise_paths_test.cpp forces each path.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/parallel.hpp"
#include "kaon/backend/cpu/streaming_store.hpp"
#include "kaon/core/allocator.hpp"
#include "kaon/core/macros.hpp"

namespace kaon::detail {

/// Elements of one block of the broadcast-rows and general paths: every operand of a block is
/// a dense run of memory (as it lies or gathered), so dense_run vectorises whatever the strides.
inline constexpr std::int64_t kBlock = 256;

/// The paths of elementwise_loop, named for tests and for the table above.
enum class ElementwisePath { contiguous, broadcast_rows, general };

/// The path elementwise_loop takes for a plan.
template <int N>
ElementwisePath elementwise_path(const StridedPlan<N>& p) {
  if (p.linear) return ElementwisePath::contiguous;
  if (p.rank == 2 && p.strides[0][1] == 1 && p.strides[0][0] == p.sizes[1])
    return ElementwisePath::broadcast_rows;
  return ElementwisePath::general;
}

/// o[j] = f(in[j]...) for j < len: the one loop every path runs. Not inlined, so each functor
/// has one copy of it, and the paths around it keep their pointers in registers.
template <class Out, class F, class... In>
KAON_NOINLINE void dense_run(Out* KAON_RESTRICT o, std::int64_t len, const F& f, const In*... in) {
  for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(in[j]...));
}

/// A block of one input as a dense run: the input itself where it is one, else gathered into
/// buf. The steps stay the same for the buffer's life (one loop), so a block gathered from the
/// same address holds the same elements: a repeated row or element (step 0) is gathered once.
template <class In>
struct BlockBuffer {
  alignas(kAlignment) std::array<In, kBlock> buf;
  const In* filled_from = nullptr;
  std::int64_t filled_len = 0;

  /// `len` elements of x, `step` apart.
  const In* run(const In* x, std::int64_t step, std::int64_t len) {
    return rows(x, 0, step, len, 1);
  }
  /// `n` rows of `inner` elements of x as one run: rows `row_step` apart, elements `col_step`
  /// apart; n * inner <= kBlock.
  const In* rows(const In* x, std::int64_t row_step, std::int64_t col_step, std::int64_t inner,
                 std::int64_t n) {
    if (col_step == 1 && (n == 1 || row_step == inner)) return x;
    const std::int64_t len = n * inner;
    if (x == filled_from && len <= filled_len) return buf.data();
    for (std::int64_t q = 0; q < n; ++q) {
      const In* src = x + q * row_step;
      In* dst = buf.data() + q * inner;
      if (col_step == 0)  // a value per row: a fill, which vectorises
        std::fill_n(dst, inner, *src);
      else if (col_step == 1)
        std::copy_n(src, inner, dst);
      else
        for (std::int64_t j = 0; j < inner; ++j) dst[j] = src[j * col_step];
    }
    filled_from = x, filled_len = len;
    return buf.data();
  }
};

/// Calls body(off) for rows r0 .. r1 - 1 of the plan (its last dim is a row), off[k] being
/// operand k's offset of the row's first element.
template <int N, class Body>
void walk_rows(const StridedPlan<N>& p, std::int64_t r0, std::int64_t r1, const Body& body) {
  const int last = p.rank - 1;
  std::int64_t idx[kMaxDims] = {};
  std::int64_t off[N] = {};
  std::int64_t rem = r0;
  for (int d = last - 1; d >= 0; --d) {
    idx[d] = rem % p.sizes[d];
    rem /= p.sizes[d];
    for (int k = 0; k < N; ++k) off[k] += idx[d] * p.strides[k][d];
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

/// Whether [a, a + an) and [b, b + bn) (in bytes) share memory.
inline bool bytes_overlap(const void* a, std::int64_t an, const void* b, std::int64_t bn) {
  const auto x = reinterpret_cast<std::uintptr_t>(a), y = reinterpret_cast<std::uintptr_t>(b);
  return x < y + static_cast<std::uintptr_t>(bn) && y < x + static_cast<std::uintptr_t>(an);
}

/// Contiguous path: elements [0, n) of dense operands.
template <class Out, class F, class... In>
void contiguous_path(std::int64_t n, Out* out, const F& f, const In*... in) {
  const auto bytes = [n](const auto* ptr) { return n * static_cast<std::int64_t>(sizeof(*ptr)); };
  const bool stream = streams_output(static_cast<std::size_t>(bytes(out))) &&
                      !(bytes_overlap(out, bytes(out), in, bytes(in)) || ...);
  parallel_for(0, n, kParallelGrain, [&](std::int64_t b, std::int64_t e) {
    if (stream)
      streamed_range(out, b, e, [f, in...](Out* o, std::int64_t i, std::int64_t len) {
        dense_run(o, len, f, (in + i)...);
      });
    else
      dense_run(out + b, e - b, f, (in + b)...);
  });
}

/// f with its first or second argument fixed (Pos 0 or 1), so a row whose input repeats one
/// value keeps it in a register: filling a block with it would cost a store per element, as
/// much as the result's own.
template <class F, class A, int Pos>
struct Bound {
  F f;
  A a;
  template <class B0, class... B>
  KAON_HOST_DEVICE auto operator()(B0 b0, B... b) const {
    if constexpr (Pos == 0)
      return f(a, b0, b...);
    else
      return f(b0, a, b...);
  }
};

/// Rows at least this long bind a repeated input into f; shorter ones are gathered in blocks.
inline constexpr std::int64_t kBoundRow = 16;

/// Rows whose first input (or, for a binary op, second) is one value per row, a column, and
/// whose other inputs are dense along the row: the projectile's (100, 1) x (1000), x minus a
/// column of means. False (nothing done) otherwise.
template <class Out, class F, class In0, class... Rest, std::size_t... K>
bool column_rows(const StridedPlan<2 + sizeof...(Rest)>& p, std::int64_t r0, std::int64_t r1,
                 Out* out, const F& f, std::index_sequence<K...>, const In0* first,
                 const Rest*... rest) {
  const std::int64_t inner = p.sizes[1];
  if (inner < kBoundRow) return false;
  if (p.strides[1][1] == 0 && ((p.strides[K + 2][1] == 1) && ...)) {
    for (std::int64_t r = r0; r < r1; ++r)
      dense_run(out + r * inner, inner, Bound<F, In0, 0>{f, first[r * p.strides[1][0]]},
                (rest + r * p.strides[K + 2][0])...);
    return true;
  }
  if constexpr (sizeof...(Rest) == 1) {
    if (p.strides[1][1] == 1 && p.strides[2][1] == 0) {
      const auto bind_second = [&](const auto* second) {
        using In1 = std::remove_cv_t<std::remove_reference_t<decltype(*second)>>;
        for (std::int64_t r = r0; r < r1; ++r)
          dense_run(out + r * inner, inner, Bound<F, In1, 1>{f, second[r * p.strides[2][0]]},
                    first + r * p.strides[1][0]);
      };
      (bind_second(rest), ...);
      return true;
    }
  }
  return false;
}

/// Broadcast-rows path: rows [r0, r1) of a rank-2 plan whose output rows lie back to back.
template <class Out, class F, std::size_t... K, class... In>
void broadcast_rows_path(const StridedPlan<1 + sizeof...(In)>& p, std::int64_t r0, std::int64_t r1,
                         Out* out, const F& f, std::index_sequence<K...>, const In*... in) {
  const std::int64_t inner = p.sizes[1];
  if constexpr (sizeof...(In) >= 2)
    if (column_rows(p, r0, r1, out, f, std::make_index_sequence<sizeof...(In) - 1>{}, in...))
      return;
  const bool long_rows = inner * 2 > kBlock;
  if (long_rows && ((p.strides[K + 1][1] == 1) && ...)) {  // rows against rows: dense runs
    for (std::int64_t r = r0; r < r1; ++r)
      dense_run(out + r * inner, inner, f, (in + r * p.strides[K + 1][0])...);
    return;
  }
  std::tuple<BlockBuffer<In>...> buffers;
  if (!long_rows) {  // short rows: kBlock / inner of them make one block
    const std::int64_t k = kBlock / inner;
    for (std::int64_t r = r0; r < r1; r += k) {
      const std::int64_t n = std::min(k, r1 - r);
      dense_run(out + r * inner, n * inner, f,
                std::get<K>(buffers).rows(in + r * p.strides[K + 1][0], p.strides[K + 1][0],
                                          p.strides[K + 1][1], inner, n)...);
    }
    return;
  }
  for (std::int64_t r = r0; r < r1; ++r)
    for (std::int64_t j = 0; j < inner; j += kBlock) {
      const std::int64_t len = std::min(kBlock, inner - j);
      dense_run(out + r * inner + j, len, f,
                std::get<K>(buffers).run(in + r * p.strides[K + 1][0] + j * p.strides[K + 1][1],
                                         p.strides[K + 1][1], len)...);
    }
}

/// General strided path: rows [r0, r1) of any plan, a block of a row at a time.
template <class Out, class F, std::size_t... K, class... In>
void general_path(const StridedPlan<1 + sizeof...(In)>& p, std::int64_t r0, std::int64_t r1,
                  Out* out, const F& f, std::index_sequence<K...>, const In*... in) {
  const int last = p.rank - 1;
  const std::int64_t inner = p.sizes[last], so = p.strides[0][last];
  std::tuple<BlockBuffer<In>...> buffers;
  alignas(kAlignment) Out obuf[kBlock];
  walk_rows(p, r0, r1, [&](const std::int64_t* off) {
    for (std::int64_t j = 0; j < inner; j += kBlock) {
      const std::int64_t len = std::min(kBlock, inner - j);
      Out* o = so == 1 ? out + off[0] + j : obuf;
      dense_run(o, len, f,
                std::get<K>(buffers).run(in + off[K + 1] + j * p.strides[K + 1][last],
                                         p.strides[K + 1][last], len)...);
      if (so != 1)
        for (std::int64_t q = 0; q < len; ++q) out[off[0] + (j + q) * so] = obuf[q];
    }
  });
}

/// out[i] = Out(f(in[i]...)) over the plan's index space (operand 0 of the plan is out), by
/// the path elementwise_path(p) names; large loops are split over threads.
template <class Out, class F, class... In>
void elementwise_loop(const StridedPlan<1 + sizeof...(In)>& p, Out* out, const F& f,
                      const In*... in) {
  if (p.numel == 0) return;
  const auto path = elementwise_path(p);
  if (path == ElementwisePath::contiguous) {
    contiguous_path(p.numel, out, f, in...);
    return;
  }
  const std::int64_t inner = p.sizes[p.rank - 1];
  const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / inner);
  parallel_for(0, p.numel / inner, grain, [&](std::int64_t r0, std::int64_t r1) {
    if (path == ElementwisePath::broadcast_rows)
      broadcast_rows_path(p, r0, r1, out, f, std::index_sequence_for<In...>{}, in...);
    else
      general_path(p, r0, r1, out, f, std::index_sequence_for<In...>{}, in...);
  });
}

}  // namespace kaon::detail
