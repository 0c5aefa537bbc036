// SPDX-License-Identifier: MIT
// Indexing that copies: index_select, masked_select and boolean-mask indexing x[mask].
#pragma once

#include "kaon/autograd/function.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {

namespace detail {
template <class T, class D>
Tensor<T, D> index_select_raw(const Tensor<T, D>& x, int d, const Tensor<std::int64_t, D>& index) {
  const auto s = split_for_reduce(x.shape(), d, true, "index_select");
  Shape shape = x.shape();
  const std::int64_t K = index.numel();
  if (x.dim() > 0) shape[d] = K;
  Tensor<T, D> out(shape);
  const Tensor<T, D> xc = x.contiguous();
  backend<D>::index_select(s.outer, s.R, s.inner, xc.data_ptr(), index.contiguous().data_ptr(), K,
                           out.data_ptr());
  return out;
}
}  // namespace detail

namespace ops {
struct IndexAdd;
// d/dx index_select(x, dim, index) = index_add of the gradient into zeros
struct IndexSelect : autograd::Function<IndexSelect> {
  struct Fields {
    std::int64_t dim;
  };
  static constexpr const char* name = "IndexSelectBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                              std::int64_t dim, const Tensor<std::int64_t, D>& index) {
    KAON_CHECK(index.dim() <= 1, ShapeError, "index_select: index must be 1-D, got shape ",
               index.shape());
    const int d = detail::wrap_dim(dim, x.dim(), "index_select");
    const Tensor<std::int64_t, cpu> idx = index.contiguous().template to<cpu>();
    const std::int64_t n = x.dim() == 0 ? 1 : x.size(d);
    for (std::int64_t k = 0; k < idx.numel(); ++k) {
      const std::int64_t i = idx.data_ptr()[k];
      KAON_CHECK(i >= 0 && i < n, IndexError, "index_select: index ", i,
                 " is out of range for dim ", d, " of size ", n, " (shape ", x.shape(), ")");
    }
    ctx.fields.dim = d;
    ctx.save_for_backward(index);
    return detail::index_select_raw(x, d, index);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g);
};
// d/dsrc index_add(zeros(shape), dim, index, src) = index_select of the gradient
struct IndexAdd : autograd::Function<IndexAdd> {
  struct Fields {
    std::int64_t dim;
  };
  static constexpr const char* name = "IndexAddBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& src,
                              const Shape& shape, std::int64_t dim,
                              const Tensor<std::int64_t, D>& index) {
    ctx.fields.dim = dim;
    ctx.save_for_backward(index);
    const auto s = detail::split_for_reduce(shape, dim, true, "index_add");
    Tensor<T, D> out(shape);
    out.fill_(T(0));
    const auto sc = src.contiguous();
    backend<D>::index_add(s.outer, s.R, s.inner, out.data_ptr(), index.contiguous().data_ptr(),
                          index.numel(), sc.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    return {IndexSelect::apply(g[0], ctx.fields.dim, ctx.template saved<std::int64_t>(0))};
  }
};
template <class T, class D>
detail::grads_t<T, D> IndexSelect::backward(autograd::Context<D, Fields>& ctx,
                                            const detail::grads_t<T, D>& g) {
  return {IndexAdd::apply(g[0], ctx.input_shape(0), ctx.fields.dim,
                          ctx.template saved<std::int64_t>(0))};
}

struct MaskedScatter;
// d/dx masked_select(x, mask) = the gradient scattered back to the selected places
struct MaskedSelect : autograd::Function<MaskedSelect> {
  static constexpr const char* name = "MaskedSelectBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<bool, D>& mask) {
    const Shape shape = detail::broadcast_shapes(x.shape(), mask.shape(), "masked_select");
    const Tensor<T, D> xe = x.expand(shape).contiguous();
    const Tensor<bool, D> me = mask.expand(shape).contiguous();
    ctx.save_for_backward(me);
    Tensor<T, D> out({me.sum().item()});
    backend<D>::masked_select(xe.numel(), xe.data_ptr(), me.data_ptr(), out.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g);
};
// d/dsrc masked_scatter(zeros, mask, src) = masked_select of the gradient
struct MaskedScatter : autograd::Function<MaskedScatter> {
  static constexpr const char* name = "MaskedScatterBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& src,
                              const Tensor<bool, D>& mask) {
    ctx.save_for_backward(mask);
    Tensor<T, D> out(mask.shape());
    out.fill_(T(0));
    const auto sc = src.contiguous();
    backend<D>::masked_scatter(mask.numel(), out.data_ptr(), mask.data_ptr(), sc.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    return {MaskedSelect::apply(g[0], ctx.template saved<bool>(0))};
  }
};
template <class T, class D>
detail::grads_t<T, D> MaskedSelect::backward(autograd::Context<D>& ctx,
                                             const detail::grads_t<T, D>& g) {
  // The mask was broadcast to the common shape; sum back to x's shape.
  return {sum_to(MaskedScatter::apply(g[0], ctx.template saved<bool>(0)), ctx.input_shape(0))};
}
}  // namespace ops

/// The entries of x along `dim` at the int64 positions `index` (1-D or 0-d), as torch.index_select.
template <class T, class D>
Tensor<T, D> index_select(const Tensor<T, D>& x, std::int64_t dim,
                          const Tensor<std::int64_t, D>& index) {
  return ops::IndexSelect::apply(x, dim, index);
}

/// The elements of x where the (broadcast) mask is true, as a 1-D tensor in row-major order.
template <class T, class D>
Tensor<T, D> masked_select(const Tensor<T, D>& x, const Tensor<bool, D>& mask) {
  return ops::MaskedSelect::apply(x, mask);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::index_select(std::int64_t d,
                                        const Tensor<std::int64_t, D>& index) const {
  return kaon::index_select(*this, d, index);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::masked_select(const Tensor<bool, D>& mask) const {
  return kaon::masked_select(*this, mask);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::operator[](const Tensor<bool, D>& mask) const {
  bool ok = mask.dim() <= dim();
  for (int i = 0; ok && i < mask.dim(); ++i) ok = mask.size(i) == size(i);
  KAON_CHECK(ok, ShapeError, "index: the shape of the mask ", mask.shape(),
             " does not match the leading dims of the indexed tensor ", shape());
  if (mask.dim() == dim()) return kaon::masked_select(*this, mask);
  const std::int64_t n = mask.numel();
  const auto rows = kaon::masked_select(arange<std::int64_t, D>(n), mask.reshape({-1}));
  Shape flat{n};
  for (int i = mask.dim(); i < dim(); ++i) flat.push_back(size(i));
  return reshape(flat).index_select(0, rows);
}

}  // namespace kaon
