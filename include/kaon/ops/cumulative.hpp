// SPDX-License-Identifier: MIT
// Running sums along a dim: cumsum (its backward is the running sum from the other end), and
// diff, the differences of neighbours, composed of slices.
#pragma once

#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {
namespace detail {
/// The running sum of each line along dim d, computed on the host in double for floats (as
/// PyTorch's CPU kernel accumulates) and in int64 for integers.
template <class T, class D>
Tensor<sum_t<T>, D> running_sum(const Tensor<T, D>& x, int d) {
  using Out = sum_t<T>;
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::int64_t>;
  const ReduceSplit split = split_for_reduce(x.shape(), d, true, true, "cumsum");
  const std::int64_t outer = split.outer, n = split.R, inner = split.inner;
  const auto v = x.contiguous().to_vector();
  std::vector<Out> out(v.size());
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      Acc acc = 0;
      for (std::int64_t j = 0; j < n; ++j) {
        const auto k = static_cast<std::size_t>(o * n * inner + j * inner + i);
        acc += static_cast<Acc>(v[k]);
        out[k] = static_cast<Out>(acc);
      }
    }
  return from_vector<Out, D>(out, x.shape());
}
}  // namespace detail

namespace ops {
// d/dx_i sum_{j <= k} x_j = 1[i <= k]: the gradient is the running sum of g from the end
struct Cumsum : autograd::Function<Cumsum> {
  static constexpr const char* name = "CumsumBackward0";
  struct Fields {
    int dim;
  };
  template <class T, class D>
  static Tensor<sum_t<T>, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                                     int dim) {
    ctx.fields.dim = dim;
    return detail::running_sum(x, dim);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    const int d = ctx.fields.dim;
    return {g[0].sum(d, true) - Cumsum::apply(g[0], d) + g[0]};
  }
};
}  // namespace ops

/// The running sum along dim (torch.cumsum); bool and int64 sum to int64.
template <class T, class D>
Tensor<sum_t<T>, D> cumsum(const Tensor<T, D>& x, std::int64_t dim) {
  return ops::Cumsum::apply(x, detail::wrap_dim(dim, x.dim(), "cumsum"));
}

/// The n-th forward difference along dim: x[1:] - x[:-1], n times (torch.diff).
template <class T, class D>
Tensor<T, D> diff(const Tensor<T, D>& x, std::int64_t n = 1, std::int64_t dim = -1) {
  KAON_CHECK(x.dim() >= 1, ShapeError, "diff: expects a tensor of at least 1 dim, got shape ",
             x.shape());
  KAON_CHECK(n >= 0, ValueError, "diff: order n must be non-negative, got ", n);
  const int d = detail::wrap_dim(dim, x.dim(), "diff");
  Tensor<T, D> y = x;
  for (std::int64_t i = 0; i < n && y.size(d) > 0; ++i) {
    const std::int64_t len = y.size(d);
    if constexpr (std::is_same_v<T, bool>)
      y = y.slice(d, 1, len) ^ y.slice(d, 0, len - 1);
    else
      y = y.slice(d, 1, len) - y.slice(d, 0, len - 1);
  }
  return y;
}

template <Element T, class D>
Tensor<sum_t<T>, D> Tensor<T, D>::cumsum(std::int64_t dim) const {
  return kaon::cumsum(*this, dim);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::diff(std::int64_t n, std::int64_t dim) const {
  return kaon::diff(*this, n, dim);
}

}  // namespace kaon
