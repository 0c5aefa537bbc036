// SPDX-License-Identifier: MIT
// Running sums and products along a dim: cumsum (its backward is the running sum from the other
// end), cumprod, and diff, the differences of neighbours, composed of slices.
#pragma once

#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {
namespace detail {
/// The running sum (or, with Product, product) of each line along dim d, computed on the host
/// in double for floats (as PyTorch's CPU kernels accumulate) and in int64 for integers.
template <bool Product = false, class T, class D>
Tensor<sum_t<T>, D> running(const Tensor<T, D>& x, int d) {
  using Out = sum_t<T>;
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::int64_t>;
  const char* op = Product ? "cumprod" : "cumsum";
  const ReduceSplit split = split_for_reduce(x.shape(), d, true, true, op);
  const std::int64_t outer = split.outer, n = split.R, inner = split.inner;
  const auto v = x.contiguous().to_vector();
  std::vector<Out> out(v.size());
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      Acc acc = Product ? 1 : 0;
      for (std::int64_t j = 0; j < n; ++j) {
        const auto k = static_cast<std::size_t>(o * n * inner + j * inner + i);
        if constexpr (Product && std::is_integral_v<Acc>)  // wraps on overflow, as PyTorch's
          acc = static_cast<Acc>(static_cast<std::uint64_t>(acc) *
                                 static_cast<std::uint64_t>(static_cast<Acc>(v[k])));
        else if constexpr (Product)
          acc *= static_cast<Acc>(v[k]);
        else
          acc += static_cast<Acc>(v[k]);
        out[k] = static_cast<Out>(acc);
      }
    }
  return from_vector<Out, D>(out, x.shape());
}

/// The gradient of cumprod along d without dividing by x, so exact where x has zeros:
/// dx_i = (x_0 ... x_{i-1}) * s_i, with s_i = g_i + x_{i+1} s_{i+1} from the end of the line.
/// Not differentiable (the values are computed on the host).
template <class T, class D>
Tensor<T, D> cumprod_grad(const Tensor<T, D>& x, const Tensor<T, D>& g, int d) {
  const ReduceSplit split = split_for_reduce(x.shape(), d, true, true, "cumprod");
  const std::int64_t outer = split.outer, n = split.R, inner = split.inner;
  const auto xv = x.contiguous().to_vector(), gv = g.contiguous().to_vector();
  std::vector<T> out(xv.size());
  const auto at = [&](std::int64_t o, std::int64_t j, std::int64_t i) {
    return static_cast<std::size_t>(o * n * inner + j * inner + i);
  };
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      double s = 0;
      for (std::int64_t j = n - 1; j >= 0; --j) {  // out holds s_j for now
        s = static_cast<double>(gv[at(o, j, i)]) +
            (j + 1 < n ? static_cast<double>(xv[at(o, j + 1, i)]) * s : 0.0);
        out[at(o, j, i)] = static_cast<T>(s);
      }
      double before = 1;
      for (std::int64_t j = 0; j < n; ++j) {
        out[at(o, j, i)] = static_cast<T>(before * static_cast<double>(out[at(o, j, i)]));
        before *= static_cast<double>(xv[at(o, j, i)]);
      }
    }
  return from_vector<T, D>(out, x.shape());
}

/// The dim a running op runs along.
struct AlongDim {
  int dim;
};
}  // namespace detail

namespace ops {
// d/dx_i sum_{j <= k} x_j = 1[i <= k]: the gradient is the running sum of g from the end
struct Cumsum : autograd::Function<Cumsum> {
  static constexpr const char* name = "CumsumBackward0";
  using Fields = detail::AlongDim;
  template <class T, class D>
  static Tensor<sum_t<T>, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                                     int dim) {
    ctx.fields.dim = dim;
    return detail::running(x, dim);
  }
  /// The running sum from the end of each line (differentiable).
  template <class T, class D>
  static Tensor<T, D> from_end(const Tensor<T, D>& g, int d) {
    return g.sum(d, true) - apply(g, d) + g;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    return {from_end(g[0], ctx.fields.dim)};
  }
};
// d/dx_i of y_k = x_0 ... x_k is y_k / x_i for i <= k, so dx = (running sum of g * y from the
// end) / x, which is differentiable again; through a zero it is computed without dividing.
struct Cumprod : autograd::Function<Cumprod> {
  static constexpr const char* name = "CumprodBackward0";
  using Fields = detail::AlongDim;
  template <class T, class D>
  static Tensor<sum_t<T>, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                                     int dim) {
    ctx.fields.dim = dim;
    auto y = detail::running<true>(x, dim);
    if constexpr (std::is_floating_point_v<T>) ctx.save_for_backward(x, y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    const int d = ctx.fields.dim;
    const auto x = ctx.template saved<T>(0), y = ctx.template saved<T>(1);
    if (!autograd::GradMode::is_enabled()) return {detail::cumprod_grad(x, g[0], d)};
    KAON_CHECK(!(x == 0).any().item(), Error,
               "cumprod: a differentiable gradient (create_graph) of cumprod through a zero "
               "element is not "
               "supported");
    return {Cumsum::from_end(g[0] * y, d) / x};
  }
};
}  // namespace ops

/// The running sum along dim (torch.cumsum); bool and int64 sum to int64.
template <class T, class D>
Tensor<sum_t<T>, D> cumsum(const Tensor<T, D>& x, std::int64_t dim) {
  return ops::Cumsum::apply(x, detail::wrap_dim(dim, x.dim(), "cumsum"));
}

/// The running product along dim (torch.cumprod); bool and int64 multiply in int64.
template <class T, class D>
Tensor<sum_t<T>, D> cumprod(const Tensor<T, D>& x, std::int64_t dim) {
  return ops::Cumprod::apply(x, detail::wrap_dim(dim, x.dim(), "cumprod"));
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
Tensor<sum_t<T>, D> Tensor<T, D>::cumprod(std::int64_t dim) const {
  return kaon::cumprod(*this, dim);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::diff(std::int64_t n, std::int64_t dim) const {
  return kaon::diff(*this, n, dim);
}

}  // namespace kaon
