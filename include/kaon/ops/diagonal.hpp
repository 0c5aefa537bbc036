// SPDX-License-Identifier: MIT
// The triangles and the diagonal of matrices: tril and triu (of the last two dims, batches
// broadcast) keep one side of a diagonal through where; diag builds a matrix from a vector or
// reads a diagonal through index_select. All are differentiable through those ops.
#pragma once

#include <algorithm>

#include "kaon/ops/factory.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/view.hpp"
#include "kaon/ops/where.hpp"

namespace kaon {
namespace detail {
/// col - row for the last two dims of x: [n, m] int64.
template <class T, class D>
Tensor<std::int64_t, D> column_minus_row(const char* op, const Tensor<T, D>& x) {
  KAON_CHECK(x.dim() >= 2, ShapeError, op, ": expects a matrix or a batch of matrices, got shape ",
             x.shape());
  const auto rows = arange<std::int64_t, D>(0, x.size(-2)).unsqueeze(1);
  const auto cols = arange<std::int64_t, D>(0, x.size(-1)).unsqueeze(0);
  return cols - rows;
}
}  // namespace detail

/// x with the elements above the `diagonal`-th diagonal set to 0 (torch.tril).
template <class T, class D>
Tensor<T, D> tril(const Tensor<T, D>& x, std::int64_t diagonal = 0) {
  return where(detail::column_minus_row("tril", x) <= diagonal, x, T(0));
}
/// x with the elements below the `diagonal`-th diagonal set to 0 (torch.triu).
template <class T, class D>
Tensor<T, D> triu(const Tensor<T, D>& x, std::int64_t diagonal = 0) {
  return where(detail::column_minus_row("triu", x) >= diagonal, x, T(0));
}

/// torch.diag: a vector becomes a square matrix with it on the `diagonal`-th diagonal; a
/// matrix gives its `diagonal`-th diagonal as a vector.
template <class T, class D>
Tensor<T, D> diag(const Tensor<T, D>& x, std::int64_t diagonal = 0) {
  KAON_CHECK(x.dim() == 1 || x.dim() == 2, ShapeError,
             "diag: expects a vector or a matrix, got shape ", x.shape());
  const std::int64_t k = diagonal, shift = k < 0 ? -k : k;
  if (x.dim() == 1) {
    const std::int64_t m = x.size(0) + shift;
    // The vector padded to m, along the rows (k >= 0: row i holds x[i]) or the columns.
    const auto padded = cat({x, zeros<T, D>({shift})}, 0);
    const auto on_diagonal = detail::column_minus_row("diag", zeros<bool, D>({m, m})) == k;
    return where(on_diagonal, k >= 0 ? padded.unsqueeze(1) : padded.unsqueeze(0), T(0));
  }
  const std::int64_t n = x.size(0), m = x.size(1);
  const std::int64_t r0 = std::max<std::int64_t>(-k, 0), c0 = std::max<std::int64_t>(k, 0);
  const std::int64_t len = std::max<std::int64_t>(std::min(n - r0, m - c0), 0);
  const auto i = arange<std::int64_t, D>(0, len);
  return x.reshape({-1}).index_select(0, (i + r0) * m + (i + c0));
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::tril(std::int64_t diagonal) const {
  return kaon::tril(*this, diagonal);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::triu(std::int64_t diagonal) const {
  return kaon::triu(*this, diagonal);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::diag(std::int64_t diagonal) const {
  return kaon::diag(*this, diagonal);
}

}  // namespace kaon
