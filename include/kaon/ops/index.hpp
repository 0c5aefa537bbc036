// SPDX-License-Identifier: MIT
// Indexing that copies: index_select, masked_select and boolean-mask indexing x[mask].
#pragma once

#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {

/// The entries of x along `dim` at the int64 positions `index` (1-D or 0-d), as torch.index_select.
template <class T, class D>
Tensor<T, D> index_select(const Tensor<T, D>& x, std::int64_t dim,
                          const Tensor<std::int64_t, D>& index) {
  KAON_CHECK(index.dim() <= 1, ShapeError, "index_select: index must be 1-D, got shape ",
             index.shape());
  const int d = detail::wrap_dim(dim, x.dim(), "index_select");
  const Tensor<std::int64_t, cpu> idx = index.contiguous().template to<cpu>();
  const std::int64_t n = x.dim() == 0 ? 1 : x.size(d), K = idx.numel();
  for (std::int64_t k = 0; k < K; ++k) {
    const std::int64_t i = idx.data_ptr()[k];
    KAON_CHECK(i >= 0 && i < n, IndexError, "index_select: index ", i, " is out of range for dim ",
               d, " of size ", n, " (shape ", x.shape(), ")");
  }
  const auto s = detail::split_for_reduce(x.shape(), dim, true, "index_select");
  Shape shape = x.shape();
  if (x.dim() > 0) shape[d] = K;
  Tensor<T, D> out(shape);
  const Tensor<T, D> xc = x.contiguous();
  backend<D>::index_select(s.outer, s.R, s.inner, xc.data_ptr(), index.contiguous().data_ptr(), K,
                           out.data_ptr());
  return out;
}

/// The elements of x where the (broadcast) mask is true, as a 1-D tensor in row-major order.
template <class T, class D>
Tensor<T, D> masked_select(const Tensor<T, D>& x, const Tensor<bool, D>& mask) {
  const Shape shape = detail::broadcast_shapes(x.shape(), mask.shape(), "masked_select");
  const Tensor<T, D> xe = x.expand(shape).contiguous();
  const Tensor<bool, D> me = mask.expand(shape).contiguous();
  Tensor<T, D> out({me.sum().item()});
  backend<D>::masked_select(xe.numel(), xe.data_ptr(), me.data_ptr(), out.data_ptr());
  return out;
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
