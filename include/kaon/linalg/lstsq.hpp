// SPDX-License-Identifier: MIT
// linalg::lstsq: the least-squares solution of A X = B (minimum norm when A is rank deficient),
// as torch.linalg.lstsq and numpy.linalg.lstsq, through Eigen's complete orthogonal
// decomposition (QR with column pivoting). Computed in double precision on the host.
//
//   auto sol = kaon::linalg::lstsq(a, b).solution;       // torch.linalg.lstsq(a, b).solution
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/autograd/grad_mode.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
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
template <class T, class D>
Eigen::MatrixXd to_eigen(const Tensor<T, D>& t, std::int64_t rows, std::int64_t cols) {
  const auto v = t.detach().template to<cpu>().template to<double>().contiguous().to_vector();
  Eigen::MatrixXd m(rows, cols);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) m(i, j) = v[static_cast<std::size_t>(i * cols + j)];
  return m;
}

template <class T, class D>
Tensor<T, D> from_eigen(const Eigen::MatrixXd& m, const Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(m.size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      v[static_cast<std::size_t>(i * m.cols() + j)] = m(i, j);
  return from_vector<double>(v, shape).template to<T>().template to<D>();
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
  const Eigen::MatrixXd A = detail::to_eigen(a, m, n);
  const Eigen::MatrixXd B = detail::to_eigen(b, m, k);

  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod;
  cod.setThreshold(std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(m, n)));
  cod.compute(A);
  const Eigen::MatrixXd X = cod.solve(B);

  LstsqResult<T, D> result;
  result.rank = cod.rank();
  result.solution = detail::from_eigen<T, D>(X, b.dim() == 1 ? Shape{n} : Shape{n, k});
  if (m > n && result.rank == n) {
    const Eigen::RowVectorXd r = (A * X - B).colwise().squaredNorm();
    result.residuals = detail::from_eigen<T, D>(r, b.dim() == 1 ? Shape{1} : Shape{k});
  } else {
    result.residuals = empty<T, D>({0});
  }
  return result;
}

}  // namespace kaon::linalg
