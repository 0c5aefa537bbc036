// SPDX-License-Identifier: MIT
// The CPU's folds of dense memory, which backend<cpu>::reduce and arg_reduce apply to each
// slice: rows of columns folded in vector registers, long slices in blocks and, for one slice,
// in fixed chunks on every thread (so results do not depend on the thread count).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/parallel.hpp"
#include "kaon/core/macros.hpp"

namespace kaon::detail {

/// Columns reduced together by reduce(): their accumulators stay in vector registers.
inline constexpr std::int64_t kReduceBlock = 32;
/// Widths up to which reduce_columns folds all columns in one pass over the rows.
inline constexpr std::int64_t kOnePassWidth = 128;

/// out[j] = fold(op, x[0 * step + j], ..., x[(R - 1) * step + j]) for j < W, in that order
/// (a loop of fixed width, which the compiler unrolls into vector registers).
template <std::int64_t W, class C, class In, class Out, class Op>
void reduce_block(const In* x, std::int64_t R, std::int64_t step, Out* out, const Op& op) {
  C acc[W];
  for (auto& a : acc) a = Op::identity();
  for (std::int64_t r = 0; r < R; ++r)
    for (std::int64_t j = 0; j < W; ++j) acc[j] = op(acc[j], static_cast<C>(x[r * step + j]));
  for (std::int64_t j = 0; j < W; ++j) out[j] = static_cast<Out>(acc[j]);
}

/// reduce_block over `width` columns: blocks of kReduceBlock, then the rest in blocks of
/// 16, 8, 4, 2 and 1, so every column is folded in a fixed-width loop.
template <class C, class In, class Out, class Op>
void reduce_columns(const In* x, std::int64_t R, std::int64_t step, std::int64_t width, Out* out,
                    const Op& op) {
  if (width <= kOnePassWidth) {
    // Narrow rows (a [1000, 50] gradient summed to a bias): one pass over the rows with the
    // accumulators in L1 rather than a pass per block of columns.
    C acc[kOnePassWidth];
    for (std::int64_t j = 0; j < width; ++j) acc[j] = Op::identity();
    for (std::int64_t r = 0; r < R; ++r) {
      const In* KAON_RESTRICT row = x + r * step;
      for (std::int64_t j = 0; j < width; ++j) acc[j] = op(acc[j], static_cast<C>(row[j]));
    }
    for (std::int64_t j = 0; j < width; ++j) out[j] = static_cast<Out>(acc[j]);
    return;
  }
  std::int64_t j = 0;
  for (; j + kReduceBlock <= width; j += kReduceBlock)
    reduce_block<kReduceBlock, C>(x + j, R, step, out + j, op);
  auto tail = [&]<std::int64_t W>(std::integral_constant<std::int64_t, W>) {
    if (width - j < W) return;
    reduce_block<W, C>(x + j, R, step, out + j, op);
    j += W;
  };
  tail(std::integral_constant<std::int64_t, 16>{});
  tail(std::integral_constant<std::int64_t, 8>{});
  tail(std::integral_constant<std::int64_t, 4>{});
  tail(std::integral_constant<std::int64_t, 2>{});
  tail(std::integral_constant<std::int64_t, 1>{});
}

/// Folds n dense values with eight independent accumulators, which the compiler keeps in
/// vector registers.
template <class C, class In, class Op>
C fold_dense(const In* x, std::int64_t n, const Op& op) {
  constexpr int L = 8;
  C acc[L];
  for (auto& a : acc) a = Op::identity();
  std::int64_t i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; ++l) acc[l] = op(acc[l], static_cast<C>(x[i + l]));
  C total = Op::identity();
  for (; i < n; ++i) total = op(total, static_cast<C>(x[i]));
  for (int l = 0; l < L; ++l) total = op(total, acc[l]);
  return total;
}

/// Folds chunks of one long block on every thread: part(c, dst) writes chunk c's `width`
/// partial results to dst, and they are folded into out[0, width) in chunk order, so the
/// result does not depend on the thread count.
template <class C, class Out, class Op, class Part>
void fold_chunks_in_order(std::int64_t chunks, std::int64_t width, const Part& part, Out* out,
                          const Op& op) {
  // Not a std::vector: C may be bool, whose vector packs the threads' results into bits.
  const auto partial = std::make_unique<C[]>(static_cast<std::size_t>(chunks * width));
  parallel_for(0, chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) part(c, partial.get() + c * width);
  });
  for (std::int64_t j = 0; j < width; ++j) {
    C total = Op::identity();
    for (std::int64_t c = 0; c < chunks; ++c) total = op(total, partial[c * width + j]);
    out[j] = static_cast<Out>(total);
  }
}

/// reduce_columns of one tall [R, width] block on every thread. Narrow rows: chunks of a fixed
/// number of rows fold into partial columns, combined in order, so the result does not depend
/// on the thread count. Wide rows: threads take ranges of columns, each folded as on one.
template <class C, class In, class Out, class Op>
void fold_long_columns(const In* x, std::int64_t R, std::int64_t width, Out* out, const Op& op) {
  if (width > kOnePassWidth) {
    parallel_for(0, width, std::max<std::int64_t>(kReduceBlock, kParallelGrain / R),
                 [&](std::int64_t j0, std::int64_t j1) {
                   reduce_columns<C>(x + j0, R, width, j1 - j0, out + j0, op);
                 });
    return;
  }
  const std::int64_t rows = std::max<std::int64_t>(1, kParallelGrain / width);
  fold_chunks_in_order<C>((R + rows - 1) / rows, width,
                          [&](std::int64_t c, C* dst) {
                            reduce_columns<C>(x + c * rows * width, std::min(rows, R - c * rows),
                                              width, width, dst, op);
                          },
                          out, op);
}

/// Elements per block of arg_of_dense.
inline constexpr std::int64_t kArgBlock = 1024;
/// Whether arg_of_dense serves T and Better: a real type, and a Better that says which way
/// it orders (kGreater).
template <class T, class Better>
constexpr bool kArgBlocks = std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && requires {
  Better::kGreater;
};

template <class T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return v != v;
  else
    return false;
}

/// arg_of_slice of n dense values, the same index and value. Long slices of real types go
/// block by block: two vectorised Eigen passes (maxCoeff or minCoeff, and a sum that is NaN
/// when the block holds a NaN or an infinity) tell whether a block may hold a better value,
/// and only such a block is scanned again element by element with `better`. Most blocks of a
/// long slice are not.
template <class T, class Better>
std::int64_t arg_of_dense(const T* x, std::int64_t n, const Better& better, T& best) {
  if constexpr (!kArgBlocks<T, Better>) {
    return arg_of_slice(x, n, 1, better, best);
  } else {
    if (n < 2 * kArgBlock) return arg_of_slice(x, n, 1, better, best);
    using Block = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
    best = x[0];
    std::int64_t arg = 0;
    for (std::int64_t b = 0; b < n; b += kArgBlock) {
      if (is_nan(best)) return arg;  // NaN wins and nothing beats it
      const std::int64_t e = std::min(n, b + kArgBlock);
      const Block block(x + b, e - b);
      // v - v is 0 for finite v and NaN for NaN and the infinities; the sum is vectorised.
      if (!is_nan((block - block).sum()) &&
          !better(Better::kGreater ? block.maxCoeff() : block.minCoeff(), best))
        continue;
      for (std::int64_t i = b; i < e; ++i)
        if (better(x[i], best)) best = x[i], arg = i;
    }
    return arg;
  }
}

/// arg_of_dense of one long slice on every thread: each takes chunks of a fixed size, and
/// the chunks' results are taken in order with `better`, which keeps the first of equal
/// values (and the first NaN). The result does not depend on the number of threads.
template <class T, class Better>
void arg_of_long_slice(const T* x, std::int64_t n, T* value, std::int64_t* index,
                       const Better& better) {
  const std::int64_t chunk = kParallelGrain, chunks = (n + chunk - 1) / chunk;
  // Not std::vector: T may be bool, whose vector packs values into bits.
  const auto best = std::make_unique<T[]>(static_cast<std::size_t>(chunks));
  const auto arg = std::make_unique<std::int64_t[]>(static_cast<std::size_t>(chunks));
  parallel_for(0, chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      const std::int64_t b = c * chunk;
      const auto k = static_cast<std::size_t>(c);
      arg[k] = b + arg_of_dense(x + b, std::min(chunk, n - b), better, best[k]);
    }
  });
  std::size_t w = 0;
  for (std::size_t k = 1; k < static_cast<std::size_t>(chunks); ++k)
    if (better(best[k], best[w])) w = k;
  *index = arg[w];
  if (value) *value = best[w];
}

/// Columns of arg_of_columns swept together, so their best values and indices stay in L1.
inline constexpr std::int64_t kArgColumns = 512;

/// arg_of_slice of each column j < width of an [R, width] block whose rows start `step`
/// apart: best[j] and arg[j]. The rows are swept in order with branch-free selects, which
/// the compiler vectorises across the columns; blocks of kArgColumns columns at a time.
template <class T, class Better>
void arg_of_columns(const T* x, std::int64_t R, std::int64_t step, std::int64_t width, T* best,
                    std::int64_t* arg, const Better& better) {
  for (std::int64_t j0 = 0; j0 < width; j0 += kArgColumns) {
    const std::int64_t w = std::min(kArgColumns, width - j0);
    T* KAON_RESTRICT b = best + j0;
    std::int64_t* KAON_RESTRICT a = arg + j0;
    for (std::int64_t j = 0; j < w; ++j) b[j] = x[j0 + j], a[j] = 0;
    for (std::int64_t r = 1; r < R; ++r) {
      const T* KAON_RESTRICT row = x + r * step + j0;
      for (std::int64_t j = 0; j < w; ++j) {
        const bool wins = better(row[j], b[j]);
        b[j] = wins ? row[j] : b[j];
        a[j] = wins ? r : a[j];
      }
    }
  }
}

/// arg_of_columns of one tall [R, width] block on every thread, in chunks of a fixed number
/// of rows whose results are taken in order with `better` (the first of equal values, the
/// first NaN), so the result does not depend on the thread count. Wide rows: threads take
/// ranges of columns.
template <class T, class Better>
void arg_of_long_columns(const T* x, std::int64_t R, std::int64_t width, T* values,
                         std::int64_t* indices, const Better& better) {
  if (width > kArgColumns / 4) {
    parallel_for(0, width, std::max<std::int64_t>(kArgColumns / 4, kParallelGrain / R),
                 [&](std::int64_t j0, std::int64_t j1) {
                   arg_of_columns(x + j0, R, width, j1 - j0, values + j0, indices + j0, better);
                 });
    return;
  }
  const std::int64_t rows = std::max<std::int64_t>(1, kParallelGrain / width),
                     chunks = (R + rows - 1) / rows;
  const auto n = static_cast<std::size_t>(chunks * width);
  const auto best = std::make_unique<T[]>(n);
  const auto arg = std::make_unique<std::int64_t[]>(n);
  parallel_for(0, chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      const auto k = static_cast<std::size_t>(c * width);
      arg_of_columns(x + c * rows * width, std::min(rows, R - c * rows), width, width, &best[k],
                     &arg[k], better);
    }
  });
  for (std::int64_t j = 0; j < width; ++j) {
    std::int64_t w = 0;
    for (std::int64_t c = 1; c < chunks; ++c)
      if (better(best[static_cast<std::size_t>(c * width + j)],
                 best[static_cast<std::size_t>(w * width + j)]))
        w = c;
    const auto k = static_cast<std::size_t>(w * width + j);
    values[j] = best[k];
    indices[j] = w * rows + arg[k];
  }
}

/// fold_dense of one long slice on every thread, in chunks of a fixed size.
template <class C, class In, class Out, class Op>
void fold_long_slice(const In* x, std::int64_t n, Out* out, const Op& op) {
  const std::int64_t chunk = kParallelGrain;
  fold_chunks_in_order<C>((n + chunk - 1) / chunk, 1,
                          [&](std::int64_t c, C* dst) {
                            *dst = fold_dense<C>(x + c * chunk, std::min(chunk, n - c * chunk), op);
                          },
                          out, op);
}

}  // namespace kaon::detail
