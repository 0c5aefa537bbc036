// SPDX-License-Identifier: MIT
// Reductions: sum, prod, all, any are primitives run by backend<Device>::reduce; mean, var,
// std and norm are composed from them (so they need no backward of their own). Each has a full
// form and a (dim, keepdim) form.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/functors.hpp"
#include "kaon/ops/unary.hpp"

namespace kaon {
namespace detail {

/// A dense tensor seen as [outer, R, inner] around reduced dim `d`.
struct ReduceSplit {
  std::int64_t outer = 1, R = 1, inner = 1;
  Shape out_shape;
};

inline ReduceSplit split_for_reduce(const Shape& shape, std::int64_t dim, bool has_dim,
                                    bool keepdim, const char* op) {
  ReduceSplit s;
  if (!has_dim) {
    s.R = shape.numel();
    if (keepdim) s.out_shape = Shape::filled(shape.size(), 1);
    return s;
  }
  const int d = wrap_dim(dim, shape.size(), op);
  if (shape.size() == 0) return s;  // a 0-d tensor reduces to itself
  for (int i = 0; i < d; ++i) s.outer *= shape[i];
  s.R = shape[d];
  for (int i = d + 1; i < shape.size(); ++i) s.inner *= shape[i];
  s.out_shape = shape;
  if (keepdim)
    s.out_shape[d] = 1;
  else
    s.out_shape.erase(d);
  return s;
}
inline ReduceSplit split_for_reduce(const Shape& shape, std::optional<std::int64_t> dim,
                                    bool keepdim, const char* op) {
  return split_for_reduce(shape, dim.value_or(0), dim.has_value(), keepdim, op);
}

/// What a reduction reduced: one dim or (none) every element, and whether it kept the dims.
struct ReducedDims {
  std::optional<std::int64_t> dim;
  bool keepdim;
};

/// A reduced gradient broadcast back to the input's shape.
template <class T, class D>
Tensor<T, D> expand_reduced(const Tensor<T, D>& g, const Shape& shape, const ReducedDims& how) {
  if (how.dim && !how.keepdim && shape.size() > 0) return g.unsqueeze(*how.dim).expand(shape);
  return g.expand(shape);
}

/// For prod's gradient with zeros: at each element, the product of the other elements of its
/// slice (prefix and suffix products, no division).
template <class T, class D>
Tensor<T, D> products_of_others(const Tensor<T, D>& x, const ReducedDims& how) {
  const ReduceSplit s =
      split_for_reduce(x.shape(), how.dim.value_or(0), how.dim.has_value(), true, "prod");
  const Tensor<T, cpu> xc = x.detach().contiguous().template to<cpu>();
  Tensor<T, cpu> out(x.shape());
  const T* in = xc.data_ptr();
  T* o = out.data_ptr();
  for (std::int64_t a = 0; a < s.outer; ++a)
    for (std::int64_t j = 0; j < s.inner; ++j) {
      T prefix = 1;
      for (std::int64_t r = 0; r < s.R; ++r) {
        o[(a * s.R + r) * s.inner + j] = prefix;
        prefix *= in[(a * s.R + r) * s.inner + j];
      }
      T suffix = 1;
      for (std::int64_t r = s.R - 1; r >= 0; --r) {
        o[(a * s.R + r) * s.inner + j] *= suffix;
        suffix *= in[(a * s.R + r) * s.inner + j];
      }
    }
  return out.template to<D>();
}

/// Folds x over `dim` (all dims when empty) with Op in compute type C, giving Out.
template <class Out, class C, class T, class D, class Op>
Tensor<Out, D> reduce(const char* op, const Tensor<T, D>& x, std::optional<std::int64_t> dim,
                      bool keepdim, const Op& f) {
  const ReduceSplit s = split_for_reduce(x.shape(), dim, keepdim, op);
  const Tensor<T, D> xc = x.contiguous();
  Tensor<Out, D> out(s.out_shape);
  backend<D>::template reduce<Out, C>(s.outer, s.R, s.inner, xc.data_ptr(), out.data_ptr(), f);
  return out;
}

/// Accumulator type of sum and prod: float accumulates in double (kaon's float sums are then
/// as accurate as PyTorch's cascade summation), int64 and bool in int64.
template <class T>
using acc_t = std::conditional_t<std::is_same_v<T, float>, double, sum_t<T>>;

}  // namespace detail

namespace ops {
// d/dx sum(x) = 1, broadcast back over the reduced dims
struct Sum : autograd::Function<Sum> {
  static constexpr const char* name = "SumBackward1";
  using Fields = detail::ReducedDims;
  template <class C>
  static const char* name_for(const C& ctx) {
    return ctx.fields.dim ? "SumBackward1" : "SumBackward0";
  }
  template <class T, class D>
  static Tensor<sum_t<T>, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                                     std::optional<std::int64_t> dim, bool keepdim) {
    ctx.fields = {dim, keepdim};
    return detail::reduce<sum_t<T>, detail::acc_t<T>>("sum", x, dim, keepdim,
                                                      fn::SumReduce<detail::acc_t<T>>{});
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    return {detail::expand_reduced(g[0], ctx.input_shape(0), ctx.fields)};
  }
};
// d/dx_i prod(x) = prod_{j != i} x_j
struct Prod : autograd::Function<Prod> {
  static constexpr const char* name = "ProdBackward1";
  using Fields = detail::ReducedDims;
  template <class C>
  static const char* name_for(const C& ctx) {
    return ctx.fields.dim ? "ProdBackward1" : "ProdBackward0";
  }
  template <class T, class D>
  static Tensor<sum_t<T>, D> forward(autograd::Context<D, Fields>& ctx, const Tensor<T, D>& x,
                                     std::optional<std::int64_t> dim, bool keepdim) {
    ctx.fields = {dim, keepdim};
    auto y = detail::reduce<sum_t<T>, detail::acc_t<T>>("prod", x, dim, keepdim,
                                                        fn::ProdReduce<detail::acc_t<T>>{});
    if constexpr (std::is_floating_point_v<T>) ctx.save_for_backward(x, y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D, Fields>& ctx,
                                        const detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), y = ctx.template saved<T>(1);
    const auto gx = detail::expand_reduced(g[0], x.shape(), ctx.fields);
    if (!(x == 0).any().item()) return {gx * detail::expand_reduced(y, x.shape(), ctx.fields) / x};
    KAON_CHECK(!autograd::GradMode::is_enabled(), Error,
               "prod: the second derivative of prod through a zero element is not supported");
    return {gx * detail::products_of_others(x, ctx.fields)};
  }
};
}  // namespace ops

/// Sum of all elements (bool and int64 sum to int64).
template <class T, class D>
Tensor<sum_t<T>, D> sum(const Tensor<T, D>& x) {
  return ops::Sum::apply(x, std::optional<std::int64_t>{}, false);
}
/// Sum over `dim`; keepdim keeps it as size 1.
template <class T, class D>
Tensor<sum_t<T>, D> sum(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return ops::Sum::apply(x, std::optional<std::int64_t>{dim}, keepdim);
}
/// Product of all elements, or over `dim`.
template <class T, class D>
Tensor<sum_t<T>, D> prod(const Tensor<T, D>& x) {
  return ops::Prod::apply(x, std::optional<std::int64_t>{}, false);
}
template <class T, class D>
Tensor<sum_t<T>, D> prod(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return ops::Prod::apply(x, std::optional<std::int64_t>{dim}, keepdim);
}

/// Sums g down to `shape` (which g's shape broadcasts from): the one place where kaon undoes
/// broadcasting in backward.
template <class T, class D>
Tensor<T, D> sum_to(const Tensor<T, D>& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  Tensor<T, D> r = g;
  const int lead = g.dim() - shape.size();
  for (int i = 0; i < lead; ++i) r = sum(r, 0);
  for (int i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && r.size(i) != 1) r = sum(r, i, true);
  return r;
}

/// True when every (any) element is non-zero.
template <class T, class D>
Tensor<bool, D> all(const Tensor<T, D>& x) {
  return detail::reduce<bool, bool>("all", x, std::nullopt, false, fn::AllReduce{});
}
template <class T, class D>
Tensor<bool, D> all(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::reduce<bool, bool>("all", x, dim, keepdim, fn::AllReduce{});
}
template <class T, class D>
Tensor<bool, D> any(const Tensor<T, D>& x) {
  return detail::reduce<bool, bool>("any", x, std::nullopt, false, fn::AnyReduce{});
}
template <class T, class D>
Tensor<bool, D> any(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  return detail::reduce<bool, bool>("any", x, dim, keepdim, fn::AnyReduce{});
}

/// Mean of all elements, or over `dim`. Floating tensors only, as in PyTorch.
template <class T, class D>
Tensor<T, D> mean(const Tensor<T, D>& x) {
  static_assert(is_floating_v<T>, "mean: input must be float or double; convert with to<float>()");
  return sum(x) / static_cast<T>(x.numel());
}
template <class T, class D>
Tensor<T, D> mean(const Tensor<T, D>& x, Dim dim, bool keepdim = false) {
  static_assert(is_floating_v<T>, "mean: input must be float or double; convert with to<float>()");
  const std::int64_t n = x.dim() == 0 ? 1 : x.size(detail::wrap_dim(dim, x.dim(), "mean"));
  return sum(x, dim, keepdim) / static_cast<T>(n);
}

/// Variance over all elements or over `dim`, as torch.var: unbiased (divisor N - 1) unless
/// `unbiased` is false (divisor N); Correction{c} gives the divisor N - c.
template <class T, class D>
Tensor<T, D> var(const Tensor<T, D>& x, Correction correction) {
  static_assert(is_floating_v<T>, "var: input must be float or double; convert with to<float>()");
  const Tensor<T, D> d = x - mean(x);
  return sum(d * d) /
         static_cast<T>(std::max(0.0, static_cast<double>(x.numel()) - correction.value));
}
template <class T, class D>
Tensor<T, D> var(const Tensor<T, D>& x, Dim dim, Correction correction, bool keepdim = false) {
  static_assert(is_floating_v<T>, "var: input must be float or double; convert with to<float>()");
  const std::int64_t n = x.dim() == 0 ? 1 : x.size(detail::wrap_dim(dim, x.dim(), "var"));
  const Tensor<T, D> d = x - mean(x, dim, true);
  return sum(d * d, dim, keepdim) /
         static_cast<T>(std::max(0.0, static_cast<double>(n) - correction.value));
}
template <class T, class D>
Tensor<T, D> var(const Tensor<T, D>& x, Flag unbiased = true) {
  return var(x, Correction(unbiased ? 1 : 0));
}
template <class T, class D>
Tensor<T, D> var(const Tensor<T, D>& x, Dim dim, Flag unbiased = true, bool keepdim = false) {
  return var(x, dim, Correction(unbiased ? 1 : 0), keepdim);
}
/// Standard deviation: the square root of var, with the same arguments.
template <class T, class D, class... Args>
Tensor<T, D> std(const Tensor<T, D>& x, const Args&... args) {
  if constexpr (sizeof...(Args) > 0) {
    const auto check_dim = [&x](const auto& first, const auto&...) {
      if constexpr (std::is_constructible_v<Dim, decltype(first)>)
        (void)detail::wrap_dim(first, x.dim(), "std");
    };
    check_dim(args...);
  }
  return sqrt(var(x, args...));
}

namespace detail {
template <class T, class D, class... DimArgs>
Tensor<T, D> norm_impl(const Tensor<T, D>& x, double p, const DimArgs&... dim) {
  static_assert(is_floating_v<T>, "norm: input must be float or double; convert with to<float>()");
  if (p == 2) return sqrt(sum(x * x, dim...));
  if (p == 1) return sum(abs(x), dim...);
  KAON_CHECK(p > 0 && std::isfinite(p), ValueError, "norm: p must be positive and finite, got ", p);
  return pow(sum(pow(abs(x), static_cast<T>(p)), dim...), static_cast<T>(1.0 / p));
}
}  // namespace detail

/// The p-norm of all elements (Frobenius for p = 2), or over `dim`.
template <class T, class D>
Tensor<T, D> norm(const Tensor<T, D>& x, double p = 2) {
  return detail::norm_impl(x, p);
}
template <class T, class D>
Tensor<T, D> norm(const Tensor<T, D>& x, double p, Dim dim, bool keepdim = false) {
  (void)detail::wrap_dim(dim, x.dim(), "norm");
  return detail::norm_impl(x, p, dim, keepdim);
}

// ---- Member forms ---------------------------------------------------------------------------

// clang-format off
template <Element T, class D> Tensor<sum_t<T>, D> Tensor<T, D>::sum() const { return kaon::sum(*this); }
template <Element T, class D> Tensor<sum_t<T>, D> Tensor<T, D>::sum(Dim d, bool k) const { return kaon::sum(*this, d, k); }
template <Element T, class D> Tensor<sum_t<T>, D> Tensor<T, D>::prod() const { return kaon::prod(*this); }
template <Element T, class D> Tensor<sum_t<T>, D> Tensor<T, D>::prod(Dim d, bool k) const { return kaon::prod(*this, d, k); }
template <Element T, class D> Tensor<bool, D> Tensor<T, D>::all() const { return kaon::all(*this); }
template <Element T, class D> Tensor<bool, D> Tensor<T, D>::all(Dim d, bool k) const { return kaon::all(*this, d, k); }
template <Element T, class D> Tensor<bool, D> Tensor<T, D>::any() const { return kaon::any(*this); }
template <Element T, class D> Tensor<bool, D> Tensor<T, D>::any(Dim d, bool k) const { return kaon::any(*this, d, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::mean() const { return kaon::mean(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::mean(Dim d, bool k) const { return kaon::mean(*this, d, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::var(Flag u) const { return kaon::var(*this, u); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::var(Correction c) const { return kaon::var(*this, c); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::var(Dim d, Flag u, bool k) const { return kaon::var(*this, d, u, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::var(Dim d, Correction c, bool k) const { return kaon::var(*this, d, c, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::std(Flag u) const { return kaon::std(*this, u); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::std(Correction c) const { return kaon::std(*this, c); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::std(Dim d, Flag u, bool k) const { return kaon::std(*this, d, u, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::std(Dim d, Correction c, bool k) const { return kaon::std(*this, d, c, k); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::norm(double p) const { return kaon::norm(*this, p); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::norm(double p, Dim d, bool k) const { return kaon::norm(*this, p, d, k); }
// clang-format on

}  // namespace kaon
