// SPDX-License-Identifier: MIT
// Ordering along a dim: sort, argsort, topk, kthvalue and quantile. The order is found on the
// host (a stable sort of each line, NaN greater than every number, as PyTorch orders it); the
// values are then gathered from the input, so their gradient is gather's: each selected
// element gets the gradient of the place it moved to.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/gather.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"
#include "kaon/ops/where.hpp"

namespace kaon {
namespace detail {
/// The permutation that sorts each line of x along dim, as an int64 tensor of x's shape.
template <class T, class D>
Tensor<std::int64_t, D> sort_indices(const char* op, const Tensor<T, D>& x, std::int64_t dim,
                                     bool descending) {
  static_assert(!std::is_same_v<T, bool>,
                "sort: bool tensors are not supported; use to<int64_t>()");
  const ReduceSplit split = split_for_reduce(x.shape(), dim, true, true, op);
  const std::int64_t outer = split.outer, n = split.R, inner = split.inner;
  const std::vector<T> v = x.contiguous().to_vector();
  std::vector<std::int64_t> out(v.size()), line(static_cast<std::size_t>(n));
  auto nan = [](T a) {
    if constexpr (std::is_floating_point_v<T>)
      return std::isnan(a);
    else
      return false;
  };
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * n * inner + i;
      auto at = [&](std::int64_t j) { return v[static_cast<std::size_t>(base + j * inner)]; };
      std::iota(line.begin(), line.end(), 0);
      std::stable_sort(line.begin(), line.end(), [&](std::int64_t a, std::int64_t b) {
        const T va = at(a), vb = at(b);
        if (descending) return nan(va) ? !nan(vb) : (!nan(vb) && va > vb);
        return nan(va) ? false : (nan(vb) || va < vb);
      });
      for (std::int64_t j = 0; j < n; ++j)
        out[static_cast<std::size_t>(base + j * inner)] = line[static_cast<std::size_t>(j)];
    }
  }
  return from_vector<std::int64_t, D>(out, x.shape());
}

/// The elements at sorted places [begin, end) along dim and their indices, once k is checked
/// to lie in [lowest, size of dim].
template <class T, class D>
MinMax<T, D> sorted_range(const char* op, const Tensor<T, D>& x, std::int64_t dim, std::int64_t k,
                          std::int64_t lowest, std::int64_t begin, std::int64_t end,
                          bool descending) {
  const int d = wrap_dim(dim, x.dim(), op);
  const std::int64_t n = x.dim() == 0 ? 1 : x.size(d);
  KAON_CHECK(k >= lowest && k <= n, ValueError, op, ": k = ", k, " is out of range for dim ", dim,
             " of size ", n, " (shape ", x.shape(), ")");
  if (x.dim() == 0) return {x.clone(), zeros<std::int64_t, D>({})};
  auto idx = sort_indices(op, x, dim, descending).slice(d, begin, end).contiguous();
  return {gather(x, dim, idx), idx};
}
}  // namespace detail

/// x sorted along dim (ascending unless descending), with the indices that sort it; equal
/// elements keep their order (stable). torch.sort.
template <class T, class D>
MinMax<T, D> sort(const Tensor<T, D>& x, std::int64_t dim = -1, bool descending = false) {
  auto idx = detail::sort_indices("sort", x, dim, descending);
  auto values = x.dim() == 0 ? x.clone() : gather(x, dim, idx);
  return {values, idx};
}
/// The indices that sort x along dim (torch.argsort).
template <class T, class D>
Tensor<std::int64_t, D> argsort(const Tensor<T, D>& x, std::int64_t dim = -1,
                                bool descending = false) {
  return detail::sort_indices("argsort", x, dim, descending);
}
/// The k largest (or smallest) elements along dim and their indices, largest first (torch.topk).
template <class T, class D>
MinMax<T, D> topk(const Tensor<T, D>& x, std::int64_t k, std::int64_t dim = -1,
                  bool largest = true) {
  return detail::sorted_range("topk", x, dim, k, 0, 0, k, largest);
}
/// The k-th smallest element along dim (k from 1) and its index (torch.kthvalue).
template <class T, class D>
MinMax<T, D> kthvalue(const Tensor<T, D>& x, std::int64_t k, std::int64_t dim = -1,
                      bool keepdim = false) {
  auto r = detail::sorted_range("kthvalue", x, dim, k, 1, k - 1, k, false);
  if (keepdim || x.dim() == 0) return r;
  return {r.values.squeeze(dim), r.indices.squeeze(dim)};
}

/// The q-quantile along dim (or of all elements), interpolating linearly between the two
/// nearest ranks as torch.quantile's default; NaN where a line holds a NaN. `dim` is a
/// kaon::Dim, so `quantile(x, q, true)` does not compile (write std::nullopt for all elements).
template <class T, class D>
Tensor<T, D> quantile(const Tensor<T, D>& x, double q, std::optional<Dim> dim = {},
                      bool keepdim = false) {
  static_assert(std::is_floating_point_v<T>, "quantile: input must be float or double");
  KAON_CHECK(q >= 0 && q <= 1, ValueError, "quantile: q must be in [0, 1], got ", q);
  KAON_CHECK(x.numel() > 0, ValueError, "quantile: the input is empty (shape ", x.shape(), ")");
  const Tensor<T, D> in = dim ? x : x.reshape({-1});
  const int d = dim ? detail::wrap_dim(*dim, x.dim(), "quantile") : 0;
  if (in.dim() == 0) return x.clone();
  const auto sorted = sort(in, d).values;
  const double pos = q * static_cast<double>(in.size(d) - 1);
  const auto lo = static_cast<std::int64_t>(std::floor(pos));
  const std::int64_t hi = std::min(lo + 1, in.size(d) - 1);
  const auto a = sorted.slice(d, lo, lo + 1), b = sorted.slice(d, hi, hi + 1);
  auto result = a + (b - a) * static_cast<T>(pos - static_cast<double>(lo));
  result = where((in != in).any(d, true), std::numeric_limits<T>::quiet_NaN(), result);
  if (!dim) return keepdim ? result.reshape(Shape::filled(x.dim(), 1)) : result.reshape({});
  return keepdim ? result : result.squeeze(d);
}

// ---- Member forms ---------------------------------------------------------------------------

template <Element T, class D>
MinMax<T, D> Tensor<T, D>::sort(std::int64_t dim, bool descending) const {
  return kaon::sort(*this, dim, descending);
}
template <Element T, class D>
Tensor<std::int64_t, D> Tensor<T, D>::argsort(std::int64_t dim, bool descending) const {
  return kaon::argsort(*this, dim, descending);
}
template <Element T, class D>
MinMax<T, D> Tensor<T, D>::topk(std::int64_t k, std::int64_t dim, bool largest) const {
  return kaon::topk(*this, k, dim, largest);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::quantile(double q, std::optional<Dim> dim, bool keepdim) const {
  return kaon::quantile(*this, q, dim, keepdim);
}
template <Element T, class D>
MinMax<T, D> Tensor<T, D>::kthvalue(std::int64_t k, std::int64_t dim, bool keepdim) const {
  return kaon::kthvalue(*this, k, dim, keepdim);
}

}  // namespace kaon
