// SPDX-License-Identifier: MIT
// Views: ops that return a tensor sharing storage with their input, only with another offset,
// shape and strides (reshape copies when no view is possible, as PyTorch's does).
#pragma once

#include <array>
#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {

/// Resolves a -1 in a requested shape and checks the element count.
inline Shape infer_shape(const char* op, const Shape& want, const Shape& have) {
  Shape out = want, given = want;
  int infer = -1;
  for (int i = 0; i < want.size(); ++i) {
    if (want[i] == -1) {
      KAON_CHECK(infer < 0, ShapeError, op, ": only one dimension can be inferred in ", want);
      infer = i;
      given[i] = 1;
    } else {
      KAON_CHECK(want[i] >= 0, ShapeError, op, ": invalid size ", want[i], " in shape ", want);
    }
  }
  const std::int64_t known = checked_numel(op, given);
  const std::int64_t n = have.numel();
  if (infer >= 0) {
    KAON_CHECK(known != 0 && n % known == 0, ShapeError, op, ": shape ", want,
               " is invalid for input of size ", n, " (shape ", have, ")");
    out[infer] = n / known;
  } else {
    KAON_CHECK(known == n, ShapeError, op, ": shape ", want, " is invalid for input of size ", n,
               " (shape ", have, ")");
  }
  return out;
}

template <class T, class D>
Tensor<T, D> make_view(const Tensor<T, D>& base, std::int64_t offset, const Shape& shape,
                       const Shape& strides) {
  return Tensor<T, D>(base, offset, shape, strides);
}

/// What a view's backward needs besides the input's shape: the dims it acts on (transpose's
/// pair, permute's order, the dim of a slice or select) and where a slice or select starts and
/// its step.
struct ViewArgs {
  Shape dims;
  std::int64_t start = 0, step = 1;
};

enum class ViewKind {
  kReshape,
  kSqueeze,
  kUnsqueeze,
  kTranspose,
  kPermute,
  kExpand,
  kSlice,
  kSelect
};

}  // namespace detail

namespace ops {
// d/dg embed(g) = the slice of the gradient that g was written to
struct Embed : autograd::Function<Embed> {
  static constexpr const char* name = "SliceScatterBackward0";
  struct Fields {
    std::int64_t dim, start, step;  // where g went: out.slice(dim, start, ..., step)
  };
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& g,
                              const Shape& shape, std::int64_t dim, std::int64_t start,
                              std::int64_t step) {
    ctx.fields = {dim, start, step};
    Tensor<T, D> out(shape);
    out.fill_(T(0));
    const std::int64_t end = start + g.size(dim) * step;
    detail::apply_into("embed", out.slice(dim, start, end, step), fn::Identity<T>{}, g);
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    const auto& f = ctx.fields;
    const std::int64_t n = ctx.input_shape(0)[static_cast<int>(f.dim)];
    return {g[0].slice(f.dim, f.start, f.start + n * f.step, f.step)};
  }
};

/// Every view op: the forward makes the view; the backward depends on the kind of view.
template <detail::ViewKind K>
struct View : autograd::Function<View<K>> {
  static constexpr const char*
      name = std::array{"ViewBackward0",      "SqueezeBackward1", "UnsqueezeBackward0",
                        "TransposeBackward0", "PermuteBackward0", "ExpandBackward0",
                        "SliceBackward0",     "SelectBackward0"}[static_cast<int>(K)];
  using Fields = detail::ViewArgs;
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                              std::int64_t offset, const Shape& shape, const Shape& strides,
                              const detail::ViewArgs& args) {
    ctx.fields = args;
    return detail::make_view(x, offset, shape, strides);
  }
  // reshape-like: reshape back; transpose: transpose back; permute: the inverse permutation;
  // expand: sum back; slice and select: embed into zeros of the input's shape
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    using detail::ViewKind;
    const Shape& in = ctx.input_shape(0);
    const Shape& p = ctx.fields.dims;
    const std::int64_t start = ctx.fields.start, step = ctx.fields.step;
    if constexpr (K == ViewKind::kReshape || K == ViewKind::kSqueeze || K == ViewKind::kUnsqueeze) {
      return {g[0].reshape(in)};
    } else if constexpr (K == ViewKind::kTranspose) {
      return {g[0].transpose(p[0], p[1])};
    } else if constexpr (K == ViewKind::kPermute) {
      Shape inverse = p;
      for (int i = 0; i < p.size(); ++i) inverse[static_cast<int>(p[i])] = i;
      return {g[0].permute(inverse)};
    } else if constexpr (K == ViewKind::kExpand) {
      return {sum_to(g[0], in)};
    } else if constexpr (K == ViewKind::kSlice) {
      return {Embed::apply(g[0], in, p[0], start, step)};
    } else {
      return {Embed::apply(g[0].unsqueeze(p[0]), in, p[0], start, step)};
    }
  }
};

}  // namespace ops

namespace detail {
template <ViewKind K, class T, class D>
Tensor<T, D> record_view(const Tensor<T, D>& x, std::int64_t offset, const Shape& shape,
                         const Shape& strides, const ViewArgs& args = {}) {
  return ops::View<K>::apply(x, offset, shape, strides, args);
}
}  // namespace detail

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::view(const Shape& want) const {
  const Shape shape = detail::infer_shape("view", want, this->shape());
  Shape st;
  if (is_contiguous())
    st = detail::contiguous_strides(shape);
  else
    KAON_CHECK(detail::view_strides(this->shape(), strides(), shape, st), ShapeError, "view: size ",
               want, " is not compatible with the input's shape ", this->shape(), " and strides ",
               strides(),
               " (at least one dim spans two memory runs); use "
               "reshape, which copies");
  return detail::record_view<detail::ViewKind::kReshape>(*this, storage_offset(), shape, st);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::reshape(const Shape& want) const {
  const Shape shape = detail::infer_shape("reshape", want, this->shape());
  Shape st;
  if (is_contiguous() || detail::view_strides(this->shape(), strides(), shape, st))
    return view(shape);
  return clone().view(shape);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::flatten(std::int64_t start_dim, std::int64_t end_dim) const {
  if (dim() == 0) return reshape({1});
  const int s = detail::wrap_dim(start_dim, dim(), "flatten");
  const int e = detail::wrap_dim(end_dim, dim(), "flatten");
  KAON_CHECK(s <= e, ValueError, "flatten: start_dim ", start_dim, " comes after end_dim ",
             end_dim);
  Shape out;
  for (int i = 0; i < s; ++i) out.push_back(size(i));
  std::int64_t merged = 1;
  for (int i = s; i <= e; ++i) merged *= size(i);
  out.push_back(merged);
  for (int i = e + 1; i < dim(); ++i) out.push_back(size(i));
  return reshape(out);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::squeeze() const {
  Shape shape, st;
  for (int i = 0; i < dim(); ++i)
    if (size(i) != 1) shape.push_back(size(i)), st.push_back(stride(i));
  return detail::record_view<detail::ViewKind::kSqueeze>(*this, storage_offset(), shape, st);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::squeeze(std::int64_t d) const {
  if (dim() == 0) return *this;
  const int i = detail::wrap_dim(d, dim(), "squeeze");
  if (size(i) != 1) return *this;
  Shape shape = this->shape(), st = strides();
  shape.erase(i);
  st.erase(i);
  return detail::record_view<detail::ViewKind::kSqueeze>(*this, storage_offset(), shape, st);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::unsqueeze(std::int64_t d) const {
  const int i = detail::wrap_dim(d, dim() + 1, "unsqueeze");
  Shape shape = this->shape(), st = strides();
  const std::int64_t s = i < dim() ? stride(i) * size(i) : 1;
  shape.insert(i, 1);
  st.insert(i, s);
  return detail::record_view<detail::ViewKind::kUnsqueeze>(*this, storage_offset(), shape, st);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::transpose(std::int64_t dim0, std::int64_t dim1) const {
  if (dim() == 0) return *this;
  const int a = detail::wrap_dim(dim0, dim(), "transpose");
  const int b = detail::wrap_dim(dim1, dim(), "transpose");
  Shape shape = this->shape(), st = strides();
  std::swap(shape[a], shape[b]);
  std::swap(st[a], st[b]);
  return detail::record_view<detail::ViewKind::kTranspose>(*this, storage_offset(), shape, st,
                                                           {{a, b}});
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::t() const {
  KAON_CHECK(dim() <= 2, ShapeError, "t: expects a tensor with <= 2 dimensions, but got shape ",
             shape(), "; use transpose or permute");
  return dim() < 2 ? *this : transpose(0, 1);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::permute(const Shape& dims) const {
  KAON_CHECK(dims.size() == dim(), ShapeError, "permute: the number of dims ", dims,
             " does not match the tensor's shape ", shape());
  Shape shape, st;
  bool seen[kMaxDims] = {};
  for (int i = 0; i < dims.size(); ++i) {
    const int d = detail::wrap_dim(dims[i], dim(), "permute");
    KAON_CHECK(!seen[d], ValueError, "permute: dim ", dims[i], " repeats in ", dims);
    seen[d] = true;
    shape.push_back(size(d));
    st.push_back(stride(d));
  }
  Shape perm = dims;
  for (int i = 0; i < dims.size(); ++i) perm[i] = detail::wrap_dim(dims[i], dim(), "permute");
  return detail::record_view<detail::ViewKind::kPermute>(*this, storage_offset(), shape, st,
                                                         {perm});
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::expand(const Shape& want) const {
  KAON_CHECK(want.size() >= dim(), ShapeError, "expand: the target shape ", want,
             " has fewer dims than the tensor's shape ", shape());
  Shape shape = want, st = Shape::filled(want.size(), 0);
  const int off = want.size() - dim();
  for (int i = 0; i < want.size(); ++i) {
    if (i < off) {
      KAON_CHECK(want[i] >= 0, ShapeError, "expand: size -1 not allowed in a new leading dim of ",
                 want);
      continue;
    }
    const std::int64_t have = size(i - off);
    if (want[i] == -1 || want[i] == have) {
      shape[i] = have;
      st[i] = stride(i - off);
    } else {
      KAON_CHECK(have == 1, ShapeError, "expand: the expanded size ", want[i],
                 " must match the existing size ", have, " at dim ", i, " (shape ", this->shape(),
                 " to ", want, ")");
    }
  }
  (void)detail::checked_numel("expand", shape);
  return detail::record_view<detail::ViewKind::kExpand>(*this, storage_offset(), shape, st);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::slice(std::int64_t d, std::int64_t start, std::int64_t end,
                                 std::int64_t step) const {
  const int i = detail::wrap_dim(d, dim(), "slice");
  KAON_CHECK(step > 0, ValueError, "slice: step must be positive, got ", step);
  const std::int64_t n = size(i);
  auto clip = [n](std::int64_t v) {
    if (v < 0) v += n;
    return v < 0 ? 0 : (v > n ? n : v);
  };
  start = clip(start);
  end = std::max(clip(end), start);
  Shape shape = this->shape(), st = strides();
  shape[i] = (end - start + step - 1) / step;
  st[i] = stride(i) * step;
  return detail::record_view<detail::ViewKind::kSlice>(*this, storage_offset() + start * stride(i),
                                                       shape, st, {{i}, start, step});
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::select(std::int64_t d, std::int64_t index) const {
  KAON_CHECK(dim() > 0, ShapeError, "select: cannot select from a 0-d tensor");
  const int i = detail::wrap_dim(d, dim(), "select");
  const std::int64_t n = size(i);
  KAON_CHECK(index >= -n && index < n, IndexError, "select: index ", index,
             " is out of range for dim ", i, " of size ", n, " (shape ", shape(), ")");
  if (index < 0) index += n;
  Shape shape = this->shape(), st = strides();
  shape.erase(i);
  st.erase(i);
  return detail::record_view<detail::ViewKind::kSelect>(*this, storage_offset() + index * stride(i),
                                                        shape, st, {{i}, index, 1});
}

// clang-format off
/// Free-function forms of the views, as torch.reshape(x, ...), torch.transpose(x, 0, 1), ...
template <class T, class D> Tensor<T, D> reshape(const Tensor<T, D>& x, const Shape& s) { return x.reshape(s); }
template <class T, class D> Tensor<T, D> flatten(const Tensor<T, D>& x, std::int64_t s = 0, std::int64_t e = -1) { return x.flatten(s, e); }
template <class T, class D> Tensor<T, D> squeeze(const Tensor<T, D>& x) { return x.squeeze(); }
template <class T, class D> Tensor<T, D> squeeze(const Tensor<T, D>& x, std::int64_t d) { return x.squeeze(d); }
template <class T, class D> Tensor<T, D> unsqueeze(const Tensor<T, D>& x, std::int64_t d) { return x.unsqueeze(d); }
template <class T, class D> Tensor<T, D> transpose(const Tensor<T, D>& x, std::int64_t a, std::int64_t b) { return x.transpose(a, b); }
template <class T, class D> Tensor<T, D> t(const Tensor<T, D>& x) { return x.t(); }
template <class T, class D> Tensor<T, D> permute(const Tensor<T, D>& x, const Shape& dims) { return x.permute(dims); }
template <class T, class D> Tensor<T, D> select(const Tensor<T, D>& x, std::int64_t d, std::int64_t i) { return x.select(d, i); }
template <class T, class D> Tensor<T, D> slice(const Tensor<T, D>& x, std::int64_t d, std::int64_t s, std::int64_t e, std::int64_t step = 1) { return x.slice(d, s, e, step); }
// clang-format on

}  // namespace kaon
