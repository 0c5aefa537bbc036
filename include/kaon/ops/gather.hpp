// SPDX-License-Identifier: MIT
// gather and scatter_add along a dim (torch.gather, Tensor.scatter_add), each the other's
// adjoint; min(dim)/max(dim) take their values with gather, so their gradient reaches the
// selected elements.
#pragma once

#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"

namespace kaon {
namespace detail {
template <class T, class D>
void check_gather_index(const char* op, const Tensor<T, D>& x, int d,
                        const Tensor<std::int64_t, D>& index) {
  bool ok = index.dim() == std::max(x.dim(), 1) || (x.dim() == 0 && index.dim() == 0);
  for (int i = 0; ok && i < index.dim(); ++i) ok = i == d || index.size(i) == x.size(i);
  KAON_CHECK(ok, ShapeError, op, ": index of shape ", index.shape(),
             " does not match the input's shape ", x.shape(), " outside dim ", d);
  const std::int64_t n = x.dim() == 0 ? 1 : x.size(d);
  if (index.numel() == 0) return;
  const std::int64_t lo = index.min().item(), hi = index.max().item();
  KAON_CHECK(lo >= 0 && hi < n, IndexError, op, ": index ", lo < 0 ? lo : hi,
             " is out of range for dim ", d, " of size ", n, " (shape ", x.shape(), ")");
}
}  // namespace detail

namespace ops {
struct ScatterAdd;
// d/dx gather(x, dim, index) = scatter_add of the gradient at index
struct Gather : autograd::Function<Gather> {
  struct Fields {
    std::int64_t dim;
  };
  static constexpr const char* name = "GatherBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                              std::int64_t dim, const Tensor<std::int64_t, D>& index) {
    const int d = detail::wrap_dim(dim, x.dim(), "gather");
    detail::check_gather_index("gather", x, d, index);
    ctx.fields.dim = d;
    ctx.save_for_backward(index);
    const auto s = detail::split_for_reduce(x.shape(), dim, true, "gather");
    const auto xc = x.contiguous();
    const auto ic = index.contiguous();
    Tensor<T, D> out(index.shape());
    backend<D>::gather(s.outer, s.R, s.inner, xc.data_ptr(), ic.data_ptr(),
                       x.dim() == 0 ? 1 : index.size(d), out.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g);
};
// d/dsrc scatter_add(zeros(shape), dim, index, src) = gather of the gradient at index
struct ScatterAdd : autograd::Function<ScatterAdd> {
  struct Fields {
    std::int64_t dim;
  };
  static constexpr const char* name = "ScatterAddBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& src,
                              const Shape& shape, std::int64_t dim,
                              const Tensor<std::int64_t, D>& index) {
    const int d = detail::wrap_dim(dim, shape.size(), "scatter_add");
    ctx.fields.dim = d;
    ctx.save_for_backward(index);
    const auto s = detail::split_for_reduce(shape, dim, true, "scatter_add");
    auto out = zeros<T, D>(shape);
    const auto sc = src.contiguous();
    const auto ic = index.contiguous();
    backend<D>::scatter_add(s.outer, s.R, s.inner, out.data_ptr(), ic.data_ptr(),
                            shape.size() == 0 ? 1 : index.size(d), sc.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    return {Gather::apply(g[0], ctx.fields.dim, ctx.template saved<std::int64_t>(0))};
  }
};
template <class T, class D>
detail::grads_t<T, D> Gather::backward(autograd::Context<D, Fields>& ctx,
                                       const detail::grads_t<T, D>& g) {
  return {ScatterAdd::apply(g[0], ctx.input_shape(0), ctx.fields.dim,
                            ctx.template saved<std::int64_t>(0))};
}
}  // namespace ops

/// out[i][j] = x[i][index[i][j]] along `dim` (torch.gather); index has x's rank.
template <class T, class D>
Tensor<T, D> gather(const Tensor<T, D>& x, std::int64_t dim, const Tensor<std::int64_t, D>& index) {
  return ops::Gather::apply(x, dim, index);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::gather(std::int64_t dim, const Tensor<std::int64_t, D>& index) const {
  return kaon::gather(*this, dim, index);
}

}  // namespace kaon
