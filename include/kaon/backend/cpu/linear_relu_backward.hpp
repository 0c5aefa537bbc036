// SPDX-License-Identifier: MIT
// The parameter gradients of a narrow Linear followed by a ReLU, y = relu(b + x @ w), in one
// pass over the gradient of y and y itself. A 1-input layer's backward otherwise makes three
// passes over [rows, width] arrays (the relu mask writes dz, the bias gradient sums it, the
// weight gradient reads it again); here dz never leaves registers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"

namespace kaon::detail {

/// Most inputs (columns of x) of a layer whose backward linear_relu_backward_cpu takes.
inline constexpr std::int64_t kFusedReluMaxInputs = 4;
/// Widest layer it takes: its accumulators, (1 + inputs) x width, stay in L1.
inline constexpr std::int64_t kFusedReluMaxWidth = 256;

/// linear_relu_backward_cpu with K = x's columns (0: no weight gradient).
template <int K, class T>
void linear_relu_backward_k(std::int64_t n, std::int64_t m, const T* g, const T* y,
                            const MatrixRef<const T>& x, T* db, T* dw) {
  // Sums run in T over blocks of kBlock rows and in Total across blocks: float gradients are
  // then about as accurate as kaon's float sum (double accumulators).
  using Total = std::conditional_t<std::is_same_v<T, float>, double, T>;
  constexpr std::int64_t kRows = 4;    // rows per step: four dependency chains through acc in one
  constexpr std::int64_t kBlock = 64;  // rows summed in T before joining the totals
  constexpr int L = K > 0 ? K : 1;
  // A step over four rows reads whole vectors, past the row's end into the next row, while that
  // stays inside g and y: 50 columns would otherwise end each step in a scalar tail as costly
  // as the vectors before it. acc's extra lanes are never read.
  constexpr std::int64_t kVector = std::max<std::int64_t>(1, 64 / sizeof(T));
  const std::int64_t padded = (m + kVector - 1) / kVector * kVector;
  T acc[K + 1][kFusedReluMaxWidth];
  Total total[K + 1][kFusedReluMaxWidth];
  for (int p = 0; p <= K; ++p)
    for (std::int64_t j = 0; j < padded; ++j) acc[p][j] = T(0), total[p][j] = Total(0);
  const std::int64_t xs = x.row_major ? x.ld : 1, xc = x.row_major ? 1 : x.ld;
  // relu's backward, as fn::ReluBackward: y <= 0 ? 0 : g (a NaN result passes g)
  auto dz = [](T gv, T yv) { return yv <= T(0) ? T(0) : gv; };
  for (std::int64_t i = 0; i < n;) {
    const std::int64_t stop = std::min(n, i + kBlock);
    for (; i + kRows <= stop; i += kRows) {
      T xi[kRows][L];
      for (std::int64_t r = 0; r < kRows; ++r)
        for (int p = 0; p < K; ++p) xi[r][p] = x.data[(i + r) * xs + p * xc];
      const T* KAON_RESTRICT g0 = g + i * m;
      const T* KAON_RESTRICT y0 = y + i * m;
      const std::int64_t width = (i + kRows - 1) * m + padded <= n * m ? padded : m;
      for (std::int64_t j = 0; j < width; ++j) {
        T d[kRows];
        for (std::int64_t r = 0; r < kRows; ++r) d[r] = dz(g0[r * m + j], y0[r * m + j]);
        acc[0][j] += (d[0] + d[1]) + (d[2] + d[3]);
        for (int p = 0; p < K; ++p)
          acc[p + 1][j] +=
              (xi[0][p] * d[0] + xi[1][p] * d[1]) + (xi[2][p] * d[2] + xi[3][p] * d[3]);
      }
    }
    for (; i < stop; ++i) {
      const T* KAON_RESTRICT gi = g + i * m;
      const T* KAON_RESTRICT yi = y + i * m;
      for (std::int64_t j = 0; j < m; ++j) {
        const T d = dz(gi[j], yi[j]);
        acc[0][j] += d;
        for (int p = 0; p < K; ++p) acc[p + 1][j] += x.data[i * xs + p * xc] * d;
      }
    }
    for (int p = 0; p <= K; ++p)
      for (std::int64_t j = 0; j < m; ++j) total[p][j] += acc[p][j], acc[p][j] = T(0);
  }
  if (db)
    for (std::int64_t j = 0; j < m; ++j) db[j] = static_cast<T>(total[0][j]);
  for (int p = 0; p < K; ++p)
    for (std::int64_t j = 0; j < m; ++j) dw[p * m + j] = static_cast<T>(total[p + 1][j]);
}

/// For y = relu(b + x @ w) with g the gradient of y: dz = g 1[y > 0], then
///   db[j] = sum_i dz[i, j]                 (when db is not null),
///   dw[p, j] = sum_i x[i, p] dz[i, j]      (when dw is not null; [k, m] row-major).
/// g and y are dense row-major [n, m]; x is [n, k] in either layout, k <= kFusedReluMaxInputs,
/// m <= kFusedReluMaxWidth. One pass, on the calling thread.
template <class T>
void linear_relu_backward_cpu(std::int64_t n, std::int64_t m, const T* g, const T* y,
                              const MatrixRef<const T>& x, T* db, T* dw) {
  switch (dw ? x.cols : 0) {
    case 0:
      return linear_relu_backward_k<0>(n, m, g, y, x, db, dw);
    case 1:
      return linear_relu_backward_k<1>(n, m, g, y, x, db, dw);
    case 2:
      return linear_relu_backward_k<2>(n, m, g, y, x, db, dw);
    case 3:
      return linear_relu_backward_k<3>(n, m, g, y, x, db, dw);
    default:
      return linear_relu_backward_k<4>(n, m, g, y, x, db, dw);
  }
}

}  // namespace kaon::detail
