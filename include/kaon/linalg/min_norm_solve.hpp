// SPDX-License-Identifier: MIT
// The double-precision solver behind linalg::lstsq: the minimum-norm least-squares solution of
// A X = B. A Householder QR with column pivoting of A (of A^T when A is wide) gives a triangular
// R; when R's diagonal shows full rank by a wide margin, X comes from triangular solves, and
// otherwise from a one-sided Jacobi SVD of R, where singular values at most eps * max(m, n)
// times the largest count as zero, as numpy.linalg.lstsq(rcond=None) does. Plain loops over
// std::vector, compiled once per program: a decomposition from Eigen compiles for several
// seconds wherever lstsq is used.
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
  [[nodiscard]] const double* col(std::int64_t j) const { return v.data() + j * rows; }
};

/// a . b over len elements, in eight partial sums: one running sum is a chain of dependent adds
/// that the compiler may not vectorise (without -ffast-math), eight are independent.
inline double dot(const double* a, const double* b, std::int64_t len) {
  constexpr std::int64_t kLanes = 8;
  double s[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= len; i += kLanes)
    for (std::int64_t u = 0; u < kLanes; ++u) s[u] += a[i + u] * b[i + u];
  for (; i < len; ++i) s[0] += a[i] * b[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/// y = H_j y for reflector j of householder_qr's output (H_j is its own inverse): with v the
/// reflector's vector (1 at j, qr[j+1:, j] below), y[j:] -= tau[j] v (v . y[j:]).
inline void reflect(const ColMatrix& qr, const std::vector<double>& tau, std::int64_t j,
                    double* y) {
  const double t = tau[static_cast<std::size_t>(j)];
  if (t == 0) return;
  const double* v = qr.col(j);
  const double w = t * (y[j] + dot(v + j + 1, y + j + 1, qr.rows - j - 1));
  y[j] -= w;
  for (std::int64_t i = j + 1; i < qr.rows; ++i) y[i] -= w * v[i];
}

/// Householder QR with column pivoting in place of a (rows >= cols): a[:, perm] = Q R, with R
/// on and above the diagonal, reflector j's vector below it (its first entry, 1, implied) and
/// its scale in tau[j]. Each step takes the remaining column of largest norm, so |R[j, j]|
/// never grows with j. The norms below row j are downdated from step to step, and computed
/// again where the downdate has cancelled most of them (LAPACK's xGEQP3 test).
inline void householder_qr(ColMatrix& a, std::vector<double>& tau,
                           std::vector<std::int64_t>& perm) {
  const std::int64_t m = a.rows, n = a.cols;
  tau.assign(static_cast<std::size_t>(n), 0.0);
  perm.resize(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) perm[static_cast<std::size_t>(j)] = j;
  auto squares_below = [&](std::int64_t c, std::int64_t j) {
    return dot(a.col(c) + j, a.col(c) + j, m - j);
  };
  // squares[c]: column c's squared norm below row j, downdated; exact[c]: its value when last
  // computed in full.
  std::vector<double> squares(static_cast<std::size_t>(n)), exact;
  for (std::int64_t c = 0; c < n; ++c) squares[static_cast<std::size_t>(c)] = squares_below(c, 0);
  exact = squares;
  const double recompute_below = std::sqrt(std::numeric_limits<double>::epsilon());
  for (std::int64_t j = 0; j < n; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    const auto pivot = static_cast<std::size_t>(
        std::max_element(squares.begin() + j, squares.end()) - squares.begin());
    if (pivot != ju) {
      std::swap_ranges(a.col(j), a.col(j) + m, a.col(static_cast<std::int64_t>(pivot)));
      std::swap(perm[ju], perm[pivot]);
      std::swap(squares[ju], squares[pivot]);
      std::swap(exact[ju], exact[pivot]);
    }
    // The downdated norm only chose the pivot: the reflector takes the norm in full. A zero
    // column needs no reflector (tau[j] = 0 leaves the others as they are).
    if (const double norm_squared = squares_below(j, j); norm_squared > 0) {
      double* x = a.col(j) + j;
      const std::int64_t len = m - j;
      const double norm = std::sqrt(norm_squared);
      const double alpha = x[0], beta = alpha > 0 ? -norm : norm;
      const double scale = 1 / (alpha - beta);
      for (std::int64_t i = 1; i < len; ++i) x[i] *= scale;
      x[0] = beta;
      tau[ju] = (beta - alpha) / beta;
    }
    for (std::int64_t c = j + 1; c < n; ++c) {
      reflect(a, tau, j, a.col(c));
      // Row j leaves column c's remaining part: its square leaves the sum.
      auto& sq = squares[static_cast<std::size_t>(c)];
      auto& ex = exact[static_cast<std::size_t>(c)];
      if (sq == 0) continue;
      const double r = a(j, c);
      const double left = std::max(0.0, 1 - r * r / sq);
      if (left * (sq / ex) <= recompute_below) {
        sq = ex = j + 1 < m ? squares_below(c, j + 1) : 0.0;
      } else {
        sq *= left;
      }
    }
  }
}

/// One-sided Jacobi SVD of the square w, in place: on return w's columns are U's columns scaled
/// by the singular values, and v holds V, so that the input equals w V^T.
inline void jacobi_svd(ColMatrix& w, ColMatrix& v) {
  const std::int64_t n = w.cols;
  for (std::int64_t i = 0; i < n; ++i) v(i, i) = 1;
  const double tol = std::numeric_limits<double>::epsilon() * std::sqrt(static_cast<double>(n));
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
        const double alpha = dot(w.col(p), w.col(p), n), beta = dot(w.col(q), w.col(q), n);
        const double gamma = dot(w.col(p), w.col(q), n);
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
inline MinNormSolution min_norm_solve(const double* a, std::int64_t m, std::int64_t n,
                                      const double* b, std::int64_t k) {
  // Factor the tall one of A and A^T: tall[:, perm] = Q [R; 0] with R [s, s], s = min(m, n).
  // A tall A = Q R P^T gives X = P R^+ Q^T B; a wide A = P R^T Q^T gives X = Q (R^T)^+ P^T B.
  const bool wide = m < n;
  const std::int64_t rows = wide ? n : m, s = wide ? m : n;
  ColMatrix qr(rows, s);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const double e = a[i * n + j];
      if (wide)
        qr(j, i) = e;
      else
        qr(i, j) = e;
    }
  std::vector<double> tau;
  std::vector<std::int64_t> perm;
  householder_qr(qr, tau, perm);
  const double eps = std::numeric_limits<double>::epsilon();
  const double dims = static_cast<double>(std::max(m, n));

  // Full rank by a wide margin (|R[j, j]| falls no faster than the singular values do, short of
  // matrices built to defeat pivoting): triangular solves. Anything closer goes to the SVD,
  // which decides the rank as NumPy does.
  bool clear_rank = true;
  for (std::int64_t j = 0; j < s; ++j)
    clear_rank = clear_rank && std::abs(qr(j, j)) > 1e4 * eps * dims * std::abs(qr(0, 0));

  // Without a clear rank: the square factor F (R, or R^T for a wide A) and its SVD
  // F = U S V^T, with w = U S.
  const std::int64_t svd_size = clear_rank ? 0 : s;
  ColMatrix w(svd_size, svd_size), v(svd_size, svd_size);
  std::vector<double> sigma(static_cast<std::size_t>(svd_size));
  MinNormSolution out;
  out.rank = s;
  if (!clear_rank) {
    for (std::int64_t j = 0; j < s; ++j)
      for (std::int64_t i = 0; i <= j; ++i) {
        if (wide)
          w(j, i) = qr(i, j);
        else
          w(i, j) = qr(i, j);
      }
    jacobi_svd(w, v);
    for (std::int64_t j = 0; j < s; ++j)
      sigma[static_cast<std::size_t>(j)] = std::sqrt(dot(w.col(j), w.col(j), s));
    const double cutoff = eps * dims * *std::max_element(sigma.begin(), sigma.end());
    out.rank = 0;
    for (double sv : sigma) out.rank += sv > cutoff;
    for (double& sv : sigma) sv = sv > cutoff ? sv : 0.0;
  }

  out.x.assign(static_cast<std::size_t>(n * k), 0.0);
  std::vector<double> y(static_cast<std::size_t>(rows)), z(static_cast<std::size_t>(s));
  for (std::int64_t c = 0; c < k; ++c) {
    // The right-hand side F's solution needs: (Q^T b)[:s] for a tall A, P^T b for a wide one.
    std::fill(y.begin(), y.end(), 0.0);
    for (std::int64_t i = 0; i < m; ++i) {
      const std::int64_t row = wide ? perm[static_cast<std::size_t>(i)] : i;
      y[static_cast<std::size_t>(i)] = b[row * k + c];
    }
    if (!wide)
      for (std::int64_t j = 0; j < s; ++j) reflect(qr, tau, j, y.data());
    // z = F^+ y.
    if (clear_rank && !wide) {  // back substitution with R
      for (std::int64_t i = s - 1; i >= 0; --i) {
        double t = y[static_cast<std::size_t>(i)];
        for (std::int64_t j = i + 1; j < s; ++j) t -= qr(i, j) * z[static_cast<std::size_t>(j)];
        z[static_cast<std::size_t>(i)] = t / qr(i, i);
      }
    } else if (clear_rank) {  // forward substitution with R^T
      for (std::int64_t i = 0; i < s; ++i) {
        double t = y[static_cast<std::size_t>(i)];
        for (std::int64_t j = 0; j < i; ++j) t -= qr(j, i) * z[static_cast<std::size_t>(j)];
        z[static_cast<std::size_t>(i)] = t / qr(i, i);
      }
    } else {  // z = V S^+ U^T y, with U S = w
      std::fill(z.begin(), z.end(), 0.0);
      for (std::int64_t j = 0; j < s; ++j) {
        const double sv = sigma[static_cast<std::size_t>(j)];
        if (sv == 0) continue;
        const double coef =
            dot(w.col(j), y.data(), s) / (sv * sv);  // (u_j . y) / s_j, with u_j = w_j / s_j
        for (std::int64_t i = 0; i < s; ++i) z[static_cast<std::size_t>(i)] += coef * v(i, j);
      }
    }
    // X = P z for a tall A; X = Q [z; 0] for a wide one.
    if (wide) {
      std::fill(y.begin(), y.end(), 0.0);
      std::copy(z.begin(), z.end(), y.begin());
      for (std::int64_t j = s - 1; j >= 0; --j) reflect(qr, tau, j, y.data());
      for (std::int64_t i = 0; i < n; ++i)
        out.x[static_cast<std::size_t>(i * k + c)] = y[static_cast<std::size_t>(i)];
    } else {
      for (std::int64_t j = 0; j < n; ++j)
        out.x[static_cast<std::size_t>(perm[static_cast<std::size_t>(j)] * k + c)] =
            z[static_cast<std::size_t>(j)];
    }
  }
  return out;
}

}  // namespace kaon::linalg::detail
