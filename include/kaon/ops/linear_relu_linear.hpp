// SPDX-License-Identifier: MIT
// relu(x W1^T + b1) W2^T + b2 as one node: nn::Sequential runs Linear(k, m), ReLU, Linear(m, p)
// through it where the backend offers the two kernels and takes the shapes (the CPU's: k and
// p <= 4, a curve fit's 1 -> 50 -> 1). Neither pass stores the hidden layer; the backward
// recomputes it from x. It keeps addmm's name, the grad_fn PyTorch shows for that Sequential's
// output, and its values and gradients are the composed layers'.
#pragma once

#include <concepts>
#include <optional>

#include "kaon/ops/addmm.hpp"

namespace kaon {
namespace detail {
/// Whether backend<D> offers the Linear -> ReLU -> Linear kernels.
template <class D, class T>
concept HasLinearReluLinear = requires(std::int64_t n, const NarrowLayers<T>& a,
                                       const MatrixRef<const T>& x, const T* g, T* out,
                                       const NarrowGrads<T>& d) {
  { backend<D>::takes_linear_relu_linear(n, n, n, n) } -> std::same_as<bool>;
  backend<D>::linear_relu_linear(a, x, out);
  backend<D>::linear_relu_linear_backward(a, x, g, d);
};

template <class T, class D>
NarrowLayers<T> narrow_layers(const Tensor<T, D>& x, const Tensor<T, D>& w1, const Tensor<T, D>& b1,
                              const Tensor<T, D>& w2, const Tensor<T, D>& b2) {
  return {x.size(0),
          w1.size(1),
          w1.size(0),
          w2.size(0),
          detail::read_ptr(w1),
          detail::read_ptr(b1),
          detail::read_ptr(w2),
          b2.defined() ? detail::read_ptr(b2) : nullptr};
}
}  // namespace detail

namespace ops {
// With h = relu(x W1^T + b1) and dz = 1[h > 0] (g W2):
// d/dx = dz W1, d/dW1 = dz^T x, d/db1 = sum_i dz, d/dW2 = g^T h, d/db2 = sum_i g
struct LinearReluLinear : autograd::Function<LinearReluLinear> {
  static constexpr const char* name = "AddmmBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<T, D>& w1, const Tensor<T, D>& b1,
                              const Tensor<T, D>& w2, const Tensor<T, D>& b2) {
    ctx.save_for_backward(x, w1, b1, w2);
    Tensor<T, D> out({x.size(0), w2.size(0)}), keep;
    backend<D>::linear_relu_linear(detail::narrow_layers(x, w1, b1, w2, b2),
                                   detail::as_matrix(x, keep), detail::write_ptr(out));
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), w1 = ctx.template saved<T>(1),
               b1 = ctx.template saved<T>(2), w2 = ctx.template saved<T>(3);
    if (!autograd::GradMode::is_enabled()) {
      detail::grads_t<T, D> d(5);
      for (std::size_t i = 0; i < d.size(); ++i)
        if (ctx.needs_input_grad(i)) d[i] = Tensor<T, D>(ctx.input_shape(i));
      auto ptr = [](const Tensor<T, D>& t) { return t.defined() ? detail::write_ptr(t) : nullptr; };
      const auto gc = g[0].contiguous();
      Tensor<T, D> keep;
      backend<D>::linear_relu_linear_backward(
          detail::narrow_layers(x, w1, b1, w2, Tensor<T, D>()), detail::as_matrix(x, keep),
          detail::read_ptr(gc), {ptr(d[0]), ptr(d[1]), ptr(d[2]), ptr(d[3]), ptr(d[4])});
      return d;
    }
    // create_graph: the same gradients from differentiable ops, h recomputed
    const auto h = AddmmRelu::apply(b1, x, w1.t());
    const auto dz = ReluGrad::apply(MM::apply(g[0], w2), h);
    return {ctx.needs_input_grad(0) ? MM::apply(dz, w1) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? MM::apply(dz.t(), x) : Tensor<T, D>(),
            detail::grad_to(ctx, 2, dz),
            ctx.needs_input_grad(3) ? MM::apply(g[0].t(), h) : Tensor<T, D>(),
            detail::grad_to(ctx, 4, g[0])};
  }
};
}  // namespace ops

namespace detail {
/// relu(x W1^T + b1) W2^T + b2 as one op (nn::Sequential's Linear, ReLU, Linear) for x [n, k],
/// W1 [m, k], b1 [m], W2 [p, m], b2 [p], where backend<D> offers the kernels, takes the shapes
/// and the parameters are contiguous; nothing otherwise (the caller composes the layers).
template <class T, class D>
std::optional<Tensor<T, D>> linear_relu_linear(const Tensor<T, D>& x, const Tensor<T, D>& w1,
                                               const Tensor<T, D>& b1, const Tensor<T, D>& w2,
                                               const Tensor<T, D>& b2) {
  if constexpr (!HasLinearReluLinear<D, T>) {
    return std::nullopt;
  } else {
    const bool fits = x.dim() == 2 && w1.dim() == 2 && b1.dim() == 1 && w2.dim() == 2 &&
                      b2.dim() == 1 && x.size(1) == w1.size(1) && b1.size(0) == w1.size(0) &&
                      w2.size(1) == w1.size(0) && b2.size(0) == w2.size(0) && w1.is_contiguous() &&
                      b1.is_contiguous() && w2.is_contiguous() && b2.is_contiguous();
    if (!fits ||
        !backend<D>::takes_linear_relu_linear(x.size(0), w1.size(1), w1.size(0), w2.size(0)))
      return std::nullopt;
    return ops::LinearReluLinear::apply(x, w1, b1, w2, b2);
  }
}
}  // namespace detail

}  // namespace kaon
