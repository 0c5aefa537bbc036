// SPDX-License-Identifier: MIT
// Indexing by an int64 tensor, x[index] (rows of x along dim 0, negative positions from the end),
// and the in-place writes x.index_put_(index or mask, values) and x.masked_fill_(mask, value),
// as PyTorch's `x[idx] = v`, `x[mask] = v`. The writes run on the host and, like every in-place
// op, are refused on a tensor that autograd records (use where or the out-of-place ops there).
#pragma once

#include <vector>

#include "kaon/ops/copy.hpp"
#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/where.hpp"

namespace kaon {
namespace detail {
/// Writes the rows of `values` (broadcast to [rows.size()] + x.shape()[1:]) into the listed
/// rows of x, or adds them (accumulate), in place.
template <class T, class D>
void put_rows(const char* op, Tensor<T, D>& x, const std::vector<std::int64_t>& rows,
              const Tensor<T, D>& values, bool accumulate) {
  check_not_recorded(op, x);
  check_operand_not_recorded(op, values);
  Shape target{static_cast<std::int64_t>(rows.size())};
  for (int i = 1; i < x.dim(); ++i) target.push_back(x.size(i));
  bool fits = values.dim() <= target.size();
  for (int i = 1; fits && i <= values.dim(); ++i) {
    const std::int64_t v = values.size(-i), t = target[target.size() - i];
    fits = v == t || v == 1;
  }
  KAON_CHECK(fits, ShapeError, op, ": values of shape ", values.shape(),
             " cannot be broadcast to the indexed shape ", target);
  const std::int64_t width = x.size(0) == 0 ? 0 : x.numel() / x.size(0);
  std::vector<T> data = x.to_vector();
  const std::vector<T> v = values.expand(target).contiguous().to_vector();
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::int64_t j = 0; j < width; ++j) {
      T& out = data[static_cast<std::size_t>(rows[i] * width + j)];
      const T in = v[i * static_cast<std::size_t>(width) + static_cast<std::size_t>(j)];
      if constexpr (std::is_same_v<T, bool>)
        out = accumulate ? (out || in) : in;
      else
        out = accumulate ? static_cast<T>(out + in) : in;
    }
  x.copy_(from_vector<T, D>(data, x.shape()));
}

/// The rows an int64 index names, negative ones from the end, each checked against size(0).
template <class T, class D>
std::vector<std::int64_t> index_rows(const char* op, const Tensor<T, D>& x,
                                     const Tensor<std::int64_t, D>& index) {
  KAON_CHECK(x.dim() >= 1, ShapeError, op, ": cannot index a 0-d tensor");
  std::vector<std::int64_t> rows = index.to_vector();
  const std::int64_t n = x.size(0);
  for (auto& r : rows) {
    KAON_CHECK(r >= -n && r < n, ValueError, op, ": index ", r,
               " is out of bounds for dim 0 with size ", n);
    if (r < 0) r += n;
  }
  return rows;
}
}  // namespace detail

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::operator[](const Tensor<std::int64_t, D>& index) const {
  const auto rows = detail::index_rows("index", *this, index);
  Shape out = index.shape();
  for (int i = 1; i < dim(); ++i) out.push_back(size(i));
  const auto flat =
      from_vector<std::int64_t, D>(rows, Shape{static_cast<std::int64_t>(rows.size())});
  return kaon::index_select(*this, 0, flat).reshape(out);
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::index_put_(const Tensor<std::int64_t, D>& index, const Tensor& values,
                                       bool accumulate) {
  detail::put_rows("index_put_", *this, detail::index_rows("index_put_", *this, index), values,
                   accumulate);
  return *this;
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::index_put_(const Tensor<bool, D>& mask, const Tensor& values) {
  // A mask over the leading dims selects the rows of the tensor viewed as [mask.numel(), ...].
  bool ok = mask.dim() >= 1 && mask.dim() <= dim();
  for (int i = 0; ok && i < mask.dim(); ++i) ok = mask.size(i) == size(i);
  KAON_CHECK(ok, ShapeError, "index_put_: the shape of the mask ", mask.shape(),
             " does not match the leading dims of the indexed tensor ", shape());
  Shape rows_view{mask.numel()};
  for (int i = mask.dim(); i < dim(); ++i) rows_view.push_back(size(i));
  std::vector<std::int64_t> rows;
  const auto m = mask.to_vector();
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i]) rows.push_back(static_cast<std::int64_t>(i));
  Tensor view = is_contiguous() ? reshape(rows_view) : contiguous().reshape(rows_view);
  detail::put_rows("index_put_", view, rows, values, false);
  if (!is_contiguous()) copy_(view.reshape(shape()));
  return *this;
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::masked_fill_(const Tensor<bool, D>& mask, double value) {
  detail::check_not_recorded("masked_fill_", *this);
  detail::check_broadcasts_to("masked_fill_", mask.shape(), shape());
  return copy_(masked_fill(mask, value));
}

}  // namespace kaon
