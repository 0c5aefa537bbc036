// SPDX-License-Identifier: MIT
// The double-precision kernels behind linalg::solve, inv, det and cholesky: an LU factorisation
// with partial pivoting and a Cholesky factorisation of one [n, n] row-major matrix, with the
// triangular solves that use them. Plain loops over std::vector, as min_norm_solve.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace kaon::linalg::detail {

/// P A = L U of a row-major [n, n] matrix, in place: L below the diagonal (unit diagonal), U on
/// and above it; `perm` the row order and `sign` the permutation's sign. `singular` is set when
/// a pivot is exactly 0 (then det is 0 and solving fails, as in LAPACK's getrf).
struct LU {
  std::int64_t n;
  std::vector<double> a;
  std::vector<std::int64_t> perm;
  double sign = 1;
  bool singular = false;

  LU(const double* matrix, std::int64_t size)
      : n(size), a(matrix, matrix + size * size), perm(static_cast<std::size_t>(size)) {
    for (std::int64_t i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
    for (std::int64_t k = 0; k < n; ++k) {
      std::int64_t p = k;
      for (std::int64_t i = k + 1; i < n; ++i)
        if (std::fabs(at(i, k)) > std::fabs(at(p, k))) p = i;
      if (at(p, k) == 0) {
        singular = true;
        continue;
      }
      if (p != k) {
        for (std::int64_t j = 0; j < n; ++j) std::swap(at(p, j), at(k, j));
        std::swap(perm[static_cast<std::size_t>(p)], perm[static_cast<std::size_t>(k)]);
        sign = -sign;
      }
      for (std::int64_t i = k + 1; i < n; ++i) {
        const double f = at(i, k) /= at(k, k);
        for (std::int64_t j = k + 1; j < n; ++j) at(i, j) -= f * at(k, j);
      }
    }
  }
  double& at(std::int64_t i, std::int64_t j) { return a[static_cast<std::size_t>(i * n + j)]; }

  [[nodiscard]] double det() {
    double d = sign;
    for (std::int64_t i = 0; i < n; ++i) d *= at(i, i);
    return d;
  }
  /// Solves A x = b for the k columns of a row-major [n, k] b, in place.
  void solve(double* b, std::int64_t k) {
    std::vector<double> x(static_cast<std::size_t>(n * k));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t c = 0; c < k; ++c)
        x[static_cast<std::size_t>(i * k + c)] = b[perm[static_cast<std::size_t>(i)] * k + c];
    for (std::int64_t c = 0; c < k; ++c) {
      auto xi = [&](std::int64_t i) -> double& { return x[static_cast<std::size_t>(i * k + c)]; };
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < i; ++j) xi(i) -= at(i, j) * xi(j);
      for (std::int64_t i = n - 1; i >= 0; --i) {
        for (std::int64_t j = i + 1; j < n; ++j) xi(i) -= at(i, j) * xi(j);
        xi(i) /= at(i, i);
      }
    }
    std::copy(x.begin(), x.end(), b);
  }
};

/// The lower-triangular L with A = L L^T of a symmetric positive-definite row-major [n, n]
/// matrix (only its lower triangle is read), in place; returns 0, or the order of the first
/// leading minor that is not positive-definite (LAPACK's potrf info).
inline std::int64_t cholesky_in_place(double* a, std::int64_t n) {
  auto at = [&](std::int64_t i, std::int64_t j) -> double& { return a[i * n + j]; };
  for (std::int64_t j = 0; j < n; ++j) {
    double d = at(j, j);
    for (std::int64_t k = 0; k < j; ++k) d -= at(j, k) * at(j, k);
    if (!(d > 0)) return j + 1;
    at(j, j) = std::sqrt(d);
    for (std::int64_t i = j + 1; i < n; ++i) {
      double s = at(i, j);
      for (std::int64_t k = 0; k < j; ++k) s -= at(i, k) * at(j, k);
      at(i, j) = s / at(j, j);
    }
    for (std::int64_t k = j + 1; k < n; ++k) at(j, k) = 0;
  }
  return 0;
}

}  // namespace kaon::linalg::detail
