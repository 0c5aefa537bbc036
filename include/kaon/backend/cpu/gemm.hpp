// SPDX-License-Identifier: MIT
// Host matrix products through Eigen maps over kaon's buffers (no copies): each operand is a
// row-major or column-major matrix with a leading dimension, as a BLAS call would take it.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <type_traits>

#include "kaon/backend/backend.hpp"

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

/// c = a @ b, or c += a @ b when `accumulate`.
template <class T>
void gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b, const MatrixRef<T>& c,
              bool accumulate) {
  with_eigen_map(c, [&](auto C) {
    with_eigen_map(a, [&](const auto& A) {
      with_eigen_map(b, [&](const auto& B) {
        if (a.cols == 1) {  // outer product: Eigen's gemm is slow with an inner dimension of 1
          if (accumulate)
            C.noalias() += A.col(0) * B.row(0);
          else
            C.noalias() = A.col(0) * B.row(0);
        } else if (accumulate) {
          C.noalias() += A * B;
        } else {
          C.noalias() = A * B;
        }
      });
    });
  });
}

}  // namespace kaon::detail
