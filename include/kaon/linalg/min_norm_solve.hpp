// SPDX-License-Identifier: MIT
// The double-precision solver behind linalg::lstsq: the minimum-norm least-squares solution of
// A X = B through a Householder QR of A (or of A^T when A is wide) and a one-sided Jacobi SVD of
// the small triangular factor. Singular values at most eps * max(m, n) times the largest count
// as zero, as numpy.linalg.lstsq(rcond=None) does. Plain loops over std::vector, compiled once
// per program: a decomposition from Eigen would compile for several seconds wherever lstsq is
// used.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace kaon::linalg::detail {

/// A column-major [rows, cols] matrix of doubles.
struct ColMatrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<double> v;
  ColMatrix(std::int64_t r, std::int64_t c)
      : rows(r), cols(c), v(static_cast<std::size_t>(r * c), 0.0) {}
  double& operator()(std::int64_t i, std::int64_t j) {
    return v[static_cast<std::size_t>(j * rows + i)];
  }
  [[nodiscard]] double operator()(std::int64_t i, std::int64_t j) const {
    return v[static_cast<std::size_t>(j * rows + i)];
  }
  double* col(std::int64_t j) { return v.data() + j * rows; }
};

/// Householder QR in place of a (rows >= cols): R on and above the diagonal, reflector j's
/// vector below it (its first entry, 1, implied) and its scale in tau[j].
inline void householder_qr(ColMatrix& a, std::vector<double>& tau) {
  const std::int64_t m = a.rows, n = a.cols;
  tau.assign(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t j = 0; j < n; ++j) {
    double* x = a.col(j) + j;
    const std::int64_t len = m - j;
    double squares = 0;
    for (std::int64_t i = 0; i < len; ++i) squares += x[i] * x[i];
    if (squares == 0) continue;  // H_j = I
    const double norm = std::sqrt(squares);
    const double alpha = x[0], beta = alpha > 0 ? -norm : norm;
    const double scale = 1 / (alpha - beta);
    for (std::int64_t i = 1; i < len; ++i) x[i] *= scale;
    x[0] = beta;
    const double t = (beta - alpha) / beta;
    tau[static_cast<std::size_t>(j)] = t;
    for (std::int64_t c = j + 1; c < n; ++c) {  // a[j:, c] -= t v (v . a[j:, c])
      double* y = a.col(c) + j;
      double w = y[0];
      for (std::int64_t i = 1; i < len; ++i) w += x[i] * y[i];
      w *= t;
      y[0] -= w;
      for (std::int64_t i = 1; i < len; ++i) y[i] -= w * x[i];
    }
  }
}

/// y = H_j y for reflector j of householder_qr's output (H_j is its own inverse).
inline void reflect(const ColMatrix& qr, const std::vector<double>& tau, std::int64_t j,
                    double* y) {
  const double t = tau[static_cast<std::size_t>(j)];
  if (t == 0) return;
  double w = y[j];
  for (std::int64_t i = j + 1; i < qr.rows; ++i) w += qr(i, j) * y[i];
  w *= t;
  y[j] -= w;
  for (std::int64_t i = j + 1; i < qr.rows; ++i) y[i] -= w * qr(i, j);
}

/// One-sided Jacobi SVD of the square w, in place: on return w's columns are U's columns scaled
/// by the singular values, and v holds V, so that the input equals w V^T.
inline void jacobi_svd(ColMatrix& w, ColMatrix& v) {
  const std::int64_t n = w.cols;
  for (std::int64_t i = 0; i < n; ++i) v(i, i) = 1;
  const double tol = std::numeric_limits<double>::epsilon() * std::sqrt(static_cast<double>(n));
  auto dot = [&](const double* a, const double* b) {
    double s = 0;
    for (std::int64_t i = 0; i < w.rows; ++i) s += a[i] * b[i];
    return s;
  };
  auto rotate = [](double* p, double* q, std::int64_t len, double c, double s) {
    for (std::int64_t i = 0; i < len; ++i) {
      const double a = p[i], b = q[i];
      p[i] = c * a - s * b;
      q[i] = s * a + c * b;
    }
  };
  for (int sweep = 0; sweep < 64; ++sweep) {
    bool rotated = false;
    for (std::int64_t p = 0; p + 1 < n; ++p) {
      for (std::int64_t q = p + 1; q < n; ++q) {
        const double alpha = dot(w.col(p), w.col(p)), beta = dot(w.col(q), w.col(q));
        const double gamma = dot(w.col(p), w.col(q));
        if (std::abs(gamma) <= tol * std::sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that makes columns p and q orthogonal (the smaller of the two angles).
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::hypot(1.0, zeta));
        const double c = 1 / std::hypot(1.0, t), s = c * t;
        rotate(w.col(p), w.col(q), w.rows, c, s);
        rotate(v.col(p), v.col(q), n, c, s);
      }
    }
    if (!rotated) break;
  }
}

struct MinNormSolution {
  std::vector<double> x;  // [n, k], row-major
  std::int64_t rank = 0;
};

/// The minimum-norm least-squares solution of A X = B for A [m, n] and B [m, k], both
/// row-major.
inline MinNormSolution min_norm_solve(const std::vector<double>& a, std::int64_t m, std::int64_t n,
                                      const std::vector<double>& b, std::int64_t k) {
  // Factor the tall one of A and A^T: tall = Q [R; 0] with R [s, s], s = min(m, n).
  const bool wide = m < n;
  const std::int64_t rows = wide ? n : m, s = wide ? m : n;
  ColMatrix qr(rows, s);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const double e = a[static_cast<std::size_t>(i * n + j)];
      if (wide)
        qr(j, i) = e;
      else
        qr(i, j) = e;
    }
  std::vector<double> tau;
  householder_qr(qr, tau);
  // The square factor to invert: R when A = Q R, R^T when A = (Q R)^T = R^T Q^T.
  ColMatrix w(s, s), v(s, s);
  for (std::int64_t j = 0; j < s; ++j)
    for (std::int64_t i = 0; i <= j; ++i) {
      if (wide)
        w(j, i) = qr(i, j);
      else
        w(i, j) = qr(i, j);
    }
  jacobi_svd(w, v);  // that factor = U S V^T, with w = U S
  std::vector<double> sigma(static_cast<std::size_t>(s), 0.0);
  for (std::int64_t j = 0; j < s; ++j) {
    double& sv = sigma[static_cast<std::size_t>(j)];
    for (std::int64_t i = 0; i < s; ++i) sv += w(i, j) * w(i, j);
    sv = std::sqrt(sv);
  }
  const double largest = sigma.empty() ? 0.0 : *std::max_element(sigma.begin(), sigma.end());
  const double cutoff =
      std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(m, n)) * largest;

  MinNormSolution out;
  for (double sv : sigma) out.rank += sv > cutoff;
  out.x.assign(static_cast<std::size_t>(n * k), 0.0);
  std::vector<double> y(static_cast<std::size_t>(rows)), z(static_cast<std::size_t>(s));
  for (std::int64_t c = 0; c < k; ++c) {
    // The right-hand side in the factor's terms: Q^T b (its first s entries) for a tall A,
    // b itself for a wide one.
    std::fill(y.begin(), y.end(), 0.0);
    for (std::int64_t i = 0; i < m; ++i)
      y[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i * k + c)];
    if (!wide)
      for (std::int64_t j = 0; j < s; ++j) reflect(qr, tau, j, y.data());
    // z = V S^+ U^T y, with U S = w.
    std::fill(z.begin(), z.end(), 0.0);
    for (std::int64_t j = 0; j < s; ++j) {
      const double sv = sigma[static_cast<std::size_t>(j)];
      if (!(sv > cutoff)) continue;
      double u_y = 0;
      for (std::int64_t i = 0; i < s; ++i) u_y += w(i, j) * y[static_cast<std::size_t>(i)];
      const double coef = u_y / (sv * sv);  // (u_j . y) / s_j, with u_j = w_j / s_j
      for (std::int64_t i = 0; i < s; ++i) z[static_cast<std::size_t>(i)] += coef * v(i, j);
    }
    // x = z for a tall A; x = Q [z; 0] for a wide one.
    if (wide) {
      std::fill(y.begin(), y.end(), 0.0);
      std::copy(z.begin(), z.end(), y.begin());
      for (std::int64_t j = s - 1; j >= 0; --j) reflect(qr, tau, j, y.data());
    }
    const double* x = wide ? y.data() : z.data();
    for (std::int64_t i = 0; i < n; ++i) out.x[static_cast<std::size_t>(i * k + c)] = x[i];
  }
  return out;
}

}  // namespace kaon::linalg::detail
