// SPDX-License-Identifier: MIT
// Host matrix products over kaon's buffers (no copies): each operand is a row-major or
// column-major matrix with a leading dimension, as a BLAS call would take it. Outer products and
// small matrix-vector products have their own loops, larger ones go to Eigen's gemv, and
// matrix products to Eigen's GEMM kernel with per-thread packing buffers (gemm_blocking.hpp).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/gemm_blocking.hpp"
#include "kaon/core/macros.hpp"

namespace kaon::detail {

template <class T, class F>
void with_eigen_map(const MatrixRef<T>& m, const F& f) {
  using U = std::remove_const_t<T>;
  using Outer = Eigen::OuterStride<>;
  auto apply = [&](auto order) {
    using M = Eigen::Matrix<U, Eigen::Dynamic, Eigen::Dynamic, decltype(order)::value>;
    using CM = std::conditional_t<std::is_const_v<T>, const M, M>;
    f(Eigen::Map<CM, Eigen::Unaligned, Outer>(m.data, m.rows, m.cols, Outer(m.ld)));
  };
  if (m.row_major)
    apply(std::integral_constant<int, Eigen::RowMajor>{});
  else
    apply(std::integral_constant<int, Eigen::ColMajor>{});
}

/// c = a @ b, or c += a @ b, for an inner dimension of 1: c[i, j] = a[i, 0] b[0, j]. Eigen's
/// gemm is slow there and its outer product does not vectorise over strided maps; this walks
/// c's dense dimension innermost.
template <class T>
void outer_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b, const MatrixRef<T>& c,
               bool accumulate) {
  // u runs along c's outer dimension, v along its dense one.
  const T* u = a.data;
  const T* v = b.data;
  std::int64_t su = a.row_major ? a.ld : 1, sv = b.row_major ? 1 : b.ld;
  std::int64_t outer = c.rows, inner = c.cols;
  if (!c.row_major) std::swap(u, v), std::swap(su, sv), std::swap(outer, inner);
  std::vector<T> dense;
  if (sv != 1) {
    dense.resize(static_cast<std::size_t>(inner));
    for (std::int64_t j = 0; j < inner; ++j) dense[static_cast<std::size_t>(j)] = v[j * sv];
    v = dense.data();
  }
  // Rows back to back and not accumulated (dh = dy @ w for a layer of one output): each row is
  // written over a whole number of 64-byte vectors, its overrun landing on the next rows'
  // start, which they then overwrite (the last rows, whose overrun would leave c, are written
  // exactly); v is read from a copy padded with zeros. Rows of 50 floats would otherwise end
  // in a scalar tail as costly as the vectors before it.
  constexpr std::int64_t kVector = std::max<std::int64_t>(1, 64 / sizeof(T)), kMaxPadded = 256;
  const std::int64_t padded = (inner + kVector - 1) / kVector * kVector;
  if (!accumulate && c.ld == inner && outer > 1 && padded <= kMaxPadded) {
    alignas(64) T vp[kMaxPadded];
    std::copy_n(v, inner, vp);
    std::fill(vp + inner, vp + padded, T(0));
    // Rows before `exact` end their overrun inside c: i inner + padded <= outer inner.
    const std::int64_t exact = std::max<std::int64_t>(0, outer + 1 - (padded + inner - 1) / inner);
    auto rows = [&](std::int64_t i0, std::int64_t i1, std::int64_t len) {
      for (std::int64_t i = i0; i < i1; ++i) {
        const T s = u[i * su];
        T* KAON_RESTRICT row = c.data + i * inner;
        for (std::int64_t j = 0; j < len; ++j) row[j] = s * vp[j];
      }
    };
    rows(0, exact, padded);
    rows(exact, outer, inner);
    return;
  }
  for (std::int64_t i = 0; i < outer; ++i) {
    const T s = u[i * su];
    T* KAON_RESTRICT row = c.data + i * c.ld;
    if (accumulate)
      for (std::int64_t j = 0; j < inner; ++j) row[j] += s * v[j];
    else
      for (std::int64_t j = 0; j < inner; ++j) row[j] = s * v[j];
  }
}

/// Strides of a MatrixRef's element (r, c): r * row_stride + c * col_stride.
template <class T>
std::int64_t row_stride(const MatrixRef<T>& m) {
  return m.row_major ? m.ld : 1;
}
template <class T>
std::int64_t col_stride(const MatrixRef<T>& m) {
  return m.row_major ? 1 : m.ld;
}

/// y[i] (+)= sum_k A[i, k] x[k] for a fixed, small number of outputs (a weight gradient of one
/// or two input features): four interleaved partial sums per output hide the FMA latency.
template <std::int64_t kWidth, class T>
void few_rows_gemv(const T* A, std::int64_t si, std::int64_t sk, std::int64_t K, const T* x,
                   std::int64_t sx, T* y, std::int64_t sy, bool accumulate) {
  constexpr std::int64_t kLanes = 4;
  T acc[kLanes][kWidth] = {};
  std::int64_t k = 0;
  for (; k + kLanes <= K; k += kLanes)
    for (std::int64_t u = 0; u < kLanes; ++u) {
      const T s = x[(k + u) * sx];
      const T* col = A + (k + u) * sk;
      for (std::int64_t i = 0; i < kWidth; ++i) acc[u][i] += s * col[i * si];
    }
  for (; k < K; ++k) {
    const T s = x[k * sx];
    for (std::int64_t i = 0; i < kWidth; ++i) acc[0][i] += s * A[i * si + k * sk];
  }
  for (std::int64_t i = 0; i < kWidth; ++i) {
    const T t = (acc[0][i] + acc[1][i]) + (acc[2][i] + acc[3][i]);
    y[i * sy] = accumulate ? y[i * sy] + t : t;
  }
}

/// y[i] (+)= sum_k A[i, k] x[k] over rows A[i, :] of kDepth dense elements each; a fixed depth
/// lets the compiler unroll the dot product and vectorise over the rows.
template <std::int64_t kDepth, class T>
void short_rows_gemv(const T* A, std::int64_t si, std::int64_t M, const T* x, std::int64_t sx, T* y,
                     std::int64_t sy, bool accumulate) {
  T v[kDepth];
  for (std::int64_t k = 0; k < kDepth; ++k) v[k] = x[k * sx];
  for (std::int64_t i = 0; i < M; ++i) {
    const T* KAON_RESTRICT row = A + i * si;
    T s = row[0] * v[0];
    for (std::int64_t k = 1; k < kDepth; ++k) s += row[k] * v[k];
    y[i * sy] = accumulate ? y[i * sy] + s : s;
  }
}

/// A matrix-vector product y = A x (or y += A x) of the small shapes where Eigen's gemv costs
/// more in set-up than in arithmetic: a linear layer's one output or few input features, and
/// its weight gradient. A is M x K with strides si (along M) and sk (along K). Returns false for
/// the shapes it leaves to Eigen.
template <class T>
bool small_gemv_cpu(const T* A, std::int64_t si, std::int64_t sk, std::int64_t M, std::int64_t K,
                    const T* x, std::int64_t sx, T* y, std::int64_t sy, bool accumulate) {
  constexpr std::int64_t kAxpyRows = 128;  // y kept in an L1 array, A's columns streamed
  switch (M) {
    case 1:
      return few_rows_gemv<1>(A, si, sk, K, x, sx, y, sy, accumulate), true;
    case 2:
      return few_rows_gemv<2>(A, si, sk, K, x, sx, y, sy, accumulate), true;
    case 3:
      return few_rows_gemv<3>(A, si, sk, K, x, sx, y, sy, accumulate), true;
    case 4:
      return few_rows_gemv<4>(A, si, sk, K, x, sx, y, sy, accumulate), true;
    default:
      break;
  }
  if (si == 1 && M <= kAxpyRows) {
    // A pass over acc reads whole vectors, past M into the next column (or the gap between
    // columns), while that stays inside A: M = 50 would otherwise end each pass in a scalar
    // tail as costly as the vectors before it. The extra lanes of acc are never read.
    constexpr std::int64_t kVector = std::max<std::int64_t>(1, 64 / sizeof(T));
    const std::int64_t padded = (M + kVector - 1) / kVector * kVector;
    const std::int64_t extent = M + (K - 1) * sk;  // A's elements, from A[0, 0] to A[M-1, K-1]
    T acc[kAxpyRows];
    for (std::int64_t i = 0; i < padded; ++i) acc[i] = i < M && accumulate ? y[i * sy] : T(0);
    // Four columns per pass over acc, its first `len` entries.
    auto four_columns = [&](std::int64_t k, std::int64_t len) {
      const T s0 = x[k * sx], s1 = x[(k + 1) * sx], s2 = x[(k + 2) * sx], s3 = x[(k + 3) * sx];
      const T* KAON_RESTRICT c0 = A + k * sk;
      const T* KAON_RESTRICT c1 = c0 + sk;
      const T* KAON_RESTRICT c2 = c1 + sk;
      const T* KAON_RESTRICT c3 = c2 + sk;
      for (std::int64_t i = 0; i < len; ++i)
        acc[i] += (s0 * c0[i] + s1 * c1[i]) + (s2 * c2[i] + s3 * c3[i]);
    };
    std::int64_t k = 0;
    for (; k + 4 <= K && (k + 3) * sk + padded <= extent; k += 4) four_columns(k, padded);
    for (; k + 4 <= K; k += 4) four_columns(k, M);
    for (; k < K; ++k) {
      const T s = x[k * sx];
      const T* KAON_RESTRICT col = A + k * sk;
      for (std::int64_t i = 0; i < M; ++i) acc[i] += s * col[i];
    }
    for (std::int64_t i = 0; i < M; ++i) y[i * sy] = acc[i];
    return true;
  }
  if (sk != 1) return false;
  switch (K) {
    case 2:
      return short_rows_gemv<2>(A, si, M, x, sx, y, sy, accumulate), true;
    case 3:
      return short_rows_gemv<3>(A, si, M, x, sx, y, sy, accumulate), true;
    case 4:
      return short_rows_gemv<4>(A, si, M, x, sx, y, sy, accumulate), true;
    default:
      return false;
  }
}

/// m^T: the same buffer, read the other way.
template <class T>
MatrixRef<T> transposed(const MatrixRef<T>& m) {
  return {m.data, m.cols, m.rows, m.ld, !m.row_major};
}

/// y = A x, or y += A x: small_gemv_cpu's shapes, else Eigen's gemv.
template <class T>
void gemv_cpu(const T* A, std::int64_t si, std::int64_t sk, std::int64_t M, std::int64_t K,
              const T* x, std::int64_t sx, T* y, std::int64_t sy, bool accumulate) {
  if (small_gemv_cpu(A, si, sk, M, K, x, sx, y, sy, accumulate)) return;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using Stride = Eigen::InnerStride<>;
  Eigen::Map<const Vector, Eigen::Unaligned, Stride> X(x, K, Stride(sx));
  Eigen::Map<Vector, Eigen::Unaligned, Stride> Y(y, M, Stride(sy));
  if (!accumulate) Y.setZero();
  const bool row_major = sk == 1;
  with_eigen_map(MatrixRef<const T>{A, M, K, row_major ? si : sk, row_major},
                 [&](const auto& Am) { Y.noalias() += Am * X; });
}

/// c += a @ b for a row-major c of a few elements, where packing costs more than the arithmetic
/// (Eigen's own threshold: rows + cols + depth < 20).
template <class T>
void tiny_gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b,
                   const MatrixRef<T>& c) {
  for (std::int64_t i = 0; i < c.rows; ++i) {
    T* KAON_RESTRICT row = c.data + i * c.ld;
    for (std::int64_t k = 0; k < a.cols; ++k) {
      const T s = a.data[i * row_stride(a) + k * col_stride(a)];
      const T* bk = b.data + k * row_stride(b);
      for (std::int64_t j = 0; j < c.cols; ++j) row[j] += s * bk[j * col_stride(b)];
    }
  }
}

/// c = a @ b, or c += a @ b when `accumulate`.
template <class T>
void gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b, const MatrixRef<T>& c,
              bool accumulate) {
  if (a.cols == 1) return outer_cpu(a, b, c, accumulate);
  // One column of c: c = a @ b[:, 0]. One row: c^T = b^T @ a[0, :]^T.
  if (c.cols == 1)
    return gemv_cpu(a.data, row_stride(a), col_stride(a), a.rows, a.cols, b.data, row_stride(b),
                    c.data, row_stride(c), accumulate);
  if (c.rows == 1)
    return gemv_cpu(b.data, col_stride(b), row_stride(b), b.cols, b.rows, a.data, col_stride(a),
                    c.data, col_stride(c), accumulate);
  // A column-major c is computed as the row-major c^T = b^T a^T, and c = a @ b as c = 0,
  // c += a @ b (what Eigen does for all but tiny products anyway).
  if (!c.row_major) return gemm_cpu(transposed(b), transposed(a), transposed(c), accumulate);
  if (!accumulate)
    for (std::int64_t i = 0; i < c.rows; ++i) std::fill_n(c.data + i * c.ld, c.cols, T(0));
  if (c.rows == 0 || c.cols == 0 || a.cols == 0) return;
  if (c.rows + c.cols + a.cols < 20) return tiny_gemm_cpu(a, b, c);
  blocked_gemm_cpu(a, b, c);
}

}  // namespace kaon::detail
