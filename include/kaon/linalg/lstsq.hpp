// SPDX-License-Identifier: MIT
// linalg::lstsq: the least-squares solution of A X = B (minimum norm when A is rank deficient),
// as numpy.linalg.lstsq(rcond=None) and torch.linalg.lstsq with its 'gelsd' driver: through an
// SVD (linalg/min_norm_solve.hpp), in double precision on the host.
//
//   auto sol = kaon::linalg::lstsq(a, b).solution;       // torch.linalg.lstsq(a, b).solution
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/autograd/grad_mode.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/linalg/min_norm_solve.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::linalg {

template <class T, class D>
struct LstsqResult {
  /// [n] for a 1-D b, [n, k] for b of shape [m, k].
  Tensor<T, D> solution;
  /// Squared residual norm per column of b when m > n and A has full column rank, else empty.
  Tensor<T, D> residuals;
  /// The numerical rank of A (singular values above eps * max(m, n) of the largest).
  std::int64_t rank = 0;
};

namespace detail {
/// t's values as a contiguous double tensor on the host: t itself when it already is one, so a
/// large A is not copied again.
template <class T, class D>
Tensor<double, cpu> host_doubles(const Tensor<T, D>& t) {
  return t.detach().template to<cpu>().template to<double>().contiguous();
}
}  // namespace detail

/// Solves min ||A X - B|| for A [m, n] and B [m, k] or [m].
template <class T, class D>
LstsqResult<T, D> lstsq(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  static_assert(std::is_floating_point_v<T>, "linalg::lstsq needs float or double tensors");
  KAON_CHECK(a.dim() == 2 && (b.dim() == 1 || b.dim() == 2) && b.size(0) == a.size(0), ShapeError,
             "linalg::lstsq: expected A [m, n] and B [m, k] or [m], got ", a.shape(), " and ",
             b.shape());
  KAON_CHECK(!autograd::GradMode::is_enabled() || (!a.requires_grad() && !b.requires_grad()),
             ValueError,
             "linalg::lstsq: gradients through lstsq are not supported; detach() the inputs or "
             "solve under NoGradGuard");
  const std::int64_t m = a.size(0), n = a.size(1), k = b.dim() == 1 ? 1 : b.size(1);
  KAON_CHECK(m > 0 && n > 0, ShapeError, "linalg::lstsq: A must not be empty, got ", a.shape());
  const auto a_host = detail::host_doubles(a), b_host = detail::host_doubles(b);
  const double *A = a_host.data_ptr(), *B = b_host.data_ptr();
  const auto solved = detail::min_norm_solve(A, m, n, B, k);

  LstsqResult<T, D> result;
  result.rank = solved.rank;
  auto as_result = [](const std::vector<double>& v, const Shape& shape) {
    return from_vector<double>(v, shape).template to<T>().template to<D>();
  };
  result.solution = as_result(solved.x, b.dim() == 1 ? Shape{n} : Shape{n, k});
  if (m > n && result.rank == n) {
    // Squared residual norm per column of B: sum over rows of (A X - B)^2.
    std::vector<double> r(static_cast<std::size_t>(k), 0.0);
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t c = 0; c < k; ++c) {
        double e = -B[i * k + c];
        for (std::int64_t j = 0; j < n; ++j)
          e += A[i * n + j] * solved.x[static_cast<std::size_t>(j * k + c)];
        r[static_cast<std::size_t>(c)] += e * e;
      }
    result.residuals = as_result(r, b.dim() == 1 ? Shape{1} : Shape{k});
  } else {
    result.residuals = empty<T, D>({0});
  }
  return result;
}

}  // namespace kaon::linalg
