// SPDX-License-Identifier: MIT
// min, max, argmin, argmax: full and per-dim (min(dim)/max(dim) return values and indices).
// Ties give the first index and NaN wins, as in PyTorch.
#pragma once

#include <optional>

#include "kaon/ops/functors.hpp"
#include "kaon/ops/gather.hpp"
#include "kaon/ops/reduce.hpp"

namespace kaon {
namespace detail {

template <class T, class D, class Better>
MinMax<T, D> arg_reduce(const char* op, const Tensor<T, D>& x, std::optional<std::int64_t> dim,
                        bool keepdim, const Better& better) {
  KAON_CHECK(x.numel() > 0, ValueError, op, ": cannot reduce an empty tensor (shape ", x.shape(),
             ")");
  const ReduceSplit s = split_for_reduce(x.shape(), dim, keepdim, op);
  const Tensor<T, D> xc = x.contiguous();
  MinMax<T, D> r{Tensor<T, D>(s.out_shape), Tensor<std::int64_t, D>(s.out_shape)};
  backend<D>::arg_reduce(s.outer, s.R, s.inner, xc.data_ptr(), r.values.data_ptr(),
                         r.indices.data_ptr(), better);
  return r;
}

}  // namespace detail

namespace ops {
// d/dx max(x) = 1[x = max(x)] / count, the gradient shared evenly among ties as PyTorch does
template <bool IsMax>
struct MinMaxAll : autograd::Function<MinMaxAll<IsMax>> {
  static constexpr const char* name = IsMax ? "MaxBackward1" : "MinBackward1";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x) {
    Tensor<T, D> y;
    if constexpr (IsMax)
      y = detail::arg_reduce("max", x, std::nullopt, false, fn::GreaterOrNan<T>{}).values;
    else
      y = detail::arg_reduce("min", x, std::nullopt, false, fn::LessOrNan<T>{}).values;
    ctx.save_for_backward(x, y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), y = ctx.template saved<T>(1);
    const auto hit = (x == y).template to<T>();
    return {hit * (g[0] / hit.sum())};
  }
};
}  // namespace ops

namespace detail {
template <class T, class D, class Better>
MinMax<T, D> select_along(const char* op, const Tensor<T, D>& x, std::int64_t dim, bool keepdim,
                          const Better& better) {
  auto idx = arg_reduce(op, x, dim, true, better).indices;
  auto values = gather(x, dim, idx);
  if (!keepdim && x.dim() > 0) {
    values = values.squeeze(dim);
    idx = idx.squeeze(dim);
  }
  return {values, idx};
}
}  // namespace detail

/// The smallest / largest element (0-d).
template <class T, class D>
Tensor<T, D> min(const Tensor<T, D>& x) {
  return ops::MinMaxAll<false>::apply(x);
}
template <class T, class D>
Tensor<T, D> max(const Tensor<T, D>& x) {
  return ops::MinMaxAll<true>::apply(x);
}
/// Minimum / maximum over `dim`, with the int64 indices where they were found; the gradient
/// of the values reaches the selected elements.
template <class T, class D>
MinMax<T, D> min(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::select_along("min", x, dim, keepdim, fn::LessOrNan<T>{});
}
template <class T, class D>
MinMax<T, D> max(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::select_along("max", x, dim, keepdim, fn::GreaterOrNan<T>{});
}
/// Index of the smallest / largest element in the flattened tensor.
template <class T, class D>
Tensor<std::int64_t, D> argmin(const Tensor<T, D>& x) {
  return detail::arg_reduce("argmin", x, std::nullopt, false, fn::LessOrNan<T>{}).indices;
}
template <class T, class D>
Tensor<std::int64_t, D> argmax(const Tensor<T, D>& x) {
  return detail::arg_reduce("argmax", x, std::nullopt, false, fn::GreaterOrNan<T>{}).indices;
}
/// Indices of the smallest / largest elements along `dim`.
template <class T, class D>
Tensor<std::int64_t, D> argmin(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::arg_reduce("argmin", x, dim, keepdim, fn::LessOrNan<T>{}).indices;
}
template <class T, class D>
Tensor<std::int64_t, D> argmax(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::arg_reduce("argmax", x, dim, keepdim, fn::GreaterOrNan<T>{}).indices;
}

// clang-format off
template <Element T, class D> Tensor<T, D> Tensor<T, D>::min() const { return kaon::min(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::max() const { return kaon::max(*this); }
template <Element T, class D> MinMax<T, D> Tensor<T, D>::min(Dim d, bool k) const { return kaon::min(*this, d, k); }
template <Element T, class D> MinMax<T, D> Tensor<T, D>::max(Dim d, bool k) const { return kaon::max(*this, d, k); }
template <Element T, class D> Tensor<std::int64_t, D> Tensor<T, D>::argmin() const { return kaon::argmin(*this); }
template <Element T, class D> Tensor<std::int64_t, D> Tensor<T, D>::argmax() const { return kaon::argmax(*this); }
template <Element T, class D> Tensor<std::int64_t, D> Tensor<T, D>::argmin(Dim d, bool k) const { return kaon::argmin(*this, d, k); }
template <Element T, class D> Tensor<std::int64_t, D> Tensor<T, D>::argmax(Dim d, bool k) const { return kaon::argmax(*this, d, k); }
// clang-format on

}  // namespace kaon
