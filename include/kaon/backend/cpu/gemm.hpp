// SPDX-License-Identifier: MIT
// Host matrix products through Eigen maps over kaon's buffers (no copies): each operand is a
// row-major or column-major matrix with a leading dimension, as a BLAS call would take it.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "kaon/backend/backend.hpp"
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
  for (std::int64_t i = 0; i < outer; ++i) {
    const T s = u[i * su];
    T* KAON_RESTRICT row = c.data + i * c.ld;
    if (accumulate)
      for (std::int64_t j = 0; j < inner; ++j) row[j] += s * v[j];
    else
      for (std::int64_t j = 0; j < inner; ++j) row[j] = s * v[j];
  }
}

/// c = a @ b, or c += a @ b when `accumulate`.
template <class T>
void gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b, const MatrixRef<T>& c,
              bool accumulate) {
  if (a.cols == 1) return outer_cpu(a, b, c, accumulate);
  with_eigen_map(c, [&](auto C) {
    with_eigen_map(a, [&](const auto& A) {
      with_eigen_map(b, [&](const auto& B) {
        if (accumulate)
          C.noalias() += A * B;
        else
          C.noalias() = A * B;
      });
    });
  });
}

}  // namespace kaon::detail
