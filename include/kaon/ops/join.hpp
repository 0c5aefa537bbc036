// SPDX-License-Identifier: MIT
// Joining tensors: cat along an existing dim and stack along a new one.
#pragma once

#include <initializer_list>
#include <vector>

#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {

/// Concatenates tensors of equal shape except along `dim`, as torch.cat.
template <class T, class D>
Tensor<T, D> cat(const std::vector<Tensor<T, D>>& tensors, std::int64_t dim = 0) {
  KAON_CHECK(!tensors.empty(), ValueError, "cat: expected a non-empty list of tensors");
  const Tensor<T, D>& first = tensors.front();
  KAON_CHECK(first.dim() > 0, ShapeError, "cat: zero-dimensional tensors cannot be concatenated");
  const int d = detail::wrap_dim(dim, first.dim(), "cat");
  Shape shape = first.shape();
  shape[d] = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Shape& s = tensors[i].shape();
    bool ok = s.size() == shape.size();
    for (int j = 0; ok && j < s.size(); ++j) ok = j == d || s[j] == first.shape()[j];
    KAON_CHECK(ok, ShapeError, "cat: sizes of tensors must match except in dimension ", d,
               ": tensor 0 has shape ", first.shape(), " but tensor ", i, " has shape ", s);
    shape[d] += s[d];
  }
  if constexpr (std::is_floating_point_v<T>) {
    bool record = false;
    for (const auto& t : tensors) record = record || t.requires_grad();
    if (record && autograd::GradMode::is_enabled()) {
      // Recorded as a sum of each piece embedded in zeros: each piece's gradient is its slice.
      Tensor<T, D> out;
      std::int64_t at = 0;
      for (const auto& t : tensors) {
        const auto part = ops::Embed::apply(t, shape, std::int64_t{d}, at, std::int64_t{1});
        out = out.defined() ? out + part : part;
        at += t.shape()[d];
      }
      return out;
    }
  }
  Tensor<T, D> out(shape);
  std::int64_t at = 0;
  for (const auto& t : tensors) {
    const std::int64_t n = t.shape()[d];
    if (n > 0) detail::apply_into("cat", out.slice(d, at, at + n), fn::Identity<T>{}, t);
    at += n;
  }
  return out;
}

/// Stacks tensors of equal shape along a new dim `dim`, as torch.stack.
template <class T, class D>
Tensor<T, D> stack(const std::vector<Tensor<T, D>>& tensors, std::int64_t dim = 0) {
  KAON_CHECK(!tensors.empty(), ValueError, "stack: expected a non-empty list of tensors");
  const Shape& s0 = tensors.front().shape();
  std::vector<Tensor<T, D>> parts;
  parts.reserve(tensors.size());
  const int d = detail::wrap_dim(dim, s0.size() + 1, "stack");
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    KAON_CHECK(tensors[i].shape() == s0, ShapeError,
               "stack: expects each tensor to be equal size, but got ", s0, " at entry 0 and ",
               tensors[i].shape(), " at entry ", i);
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return cat(parts, d);
}

template <class T, class D>
Tensor<T, D> cat(std::initializer_list<Tensor<T, D>> tensors, std::int64_t dim = 0) {
  return cat(std::vector<Tensor<T, D>>(tensors), dim);
}
template <class T, class D>
Tensor<T, D> stack(std::initializer_list<Tensor<T, D>> tensors, std::int64_t dim = 0) {
  return stack(std::vector<Tensor<T, D>>(tensors), dim);
}

/// The slices of x along dim, each without that dim (torch.unbind): the inverse of stack.
template <class T, class D>
std::vector<Tensor<T, D>> unbind(const Tensor<T, D>& x, std::int64_t dim = 0) {
  const int d = detail::wrap_dim(dim, x.dim(), "unbind", false);
  std::vector<Tensor<T, D>> out;
  for (std::int64_t i = 0; i < x.size(d); ++i) out.push_back(x.select(d, i));
  return out;
}
template <Element T, class D>
std::vector<Tensor<T, D>> Tensor<T, D>::unbind(std::int64_t dim) const {
  return kaon::unbind(*this, dim);
}

}  // namespace kaon
