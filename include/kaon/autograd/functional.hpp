// SPDX-License-Identifier: MIT
// autograd::functional::jacobian and hessian, as torch.autograd.functional's (for one input
// tensor): one backward pass per output element, through autograd::grad.
//
//   auto J = kaon::autograd::functional::jacobian([](const auto& x) { return x * x; }, x);
#pragma once

#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/autograd/grad_mode.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::autograd::functional {

/// d f(x) / d x: shape f(x).shape() + x.shape(). With create_graph the result is recorded, so
/// it can be differentiated again.
template <class F, class T, class D>
Tensor<T, D> jacobian(const F& f, const Tensor<T, D>& x, bool create_graph = false) {
  static_assert(std::is_floating_point_v<T>, "jacobian: x must be float or double");
  EnableGradGuard grad_on;
  const Tensor<T, D> input = create_graph && x.requires_grad() ? x : x.detach().requires_grad_();
  const Tensor<T, D> y = f(input);
  Shape shape = y.shape();
  for (const auto s : x.shape()) shape.push_back(s);
  std::vector<Tensor<T, D>> rows;
  const auto flat = y.reshape({-1});
  for (std::int64_t i = 0; i < flat.numel(); ++i) {
    Tensor<T, D> row;
    if (flat.requires_grad()) row = grad({flat[i]}, {input}, {}, true, create_graph, true)[0];
    rows.push_back(row.defined() ? row : zeros_like(x));
  }
  if (rows.empty()) return zeros<T, D>(shape);
  return stack(rows).reshape(shape);
}

/// The second derivatives of a scalar function: shape x.shape() + x.shape().
template <class F, class T, class D>
Tensor<T, D> hessian(const F& f, const Tensor<T, D>& x, bool create_graph = false) {
  auto gradient = [&f](const Tensor<T, D>& z) {
    const Tensor<T, D> y = f(z);
    KAON_CHECK(y.numel() == 1, ShapeError,
               "hessian: the function must return one value, got shape ", y.shape());
    const auto g = grad({y.reshape({})}, {z}, {}, true, true, true)[0];
    return g.defined() ? g : zeros_like(z);
  };
  return jacobian(gradient, x, create_graph);
}

}  // namespace kaon::autograd::functional
