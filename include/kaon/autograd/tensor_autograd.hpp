// SPDX-License-Identifier: MIT
// The autograd members of Tensor: requires_grad, grad, grad_fn, retain_grad and backward.
#pragma once

#include "kaon/autograd/engine.hpp"

namespace kaon {

template <Element T, class D>
bool Tensor<T, D>::requires_grad() const {
  return autograd::detail::records(*this);
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::requires_grad_(bool on) {
  static_assert(std::is_floating_point_v<T>,
                "requires_grad_: only float and double tensors can require gradients");
  auto& m = impl().autograd;
  KAON_CHECK(!(m && m->grad_fn), Error,
             "requires_grad_: only leaf tensors can be marked; this one was computed by ",
             m ? m->grad_fn->name() : "", " (use detach() to make a new leaf)");
  if (!m) m = detail::make_pooled<autograd::AutogradMeta<D>>();
  m->requires_grad = on;
  return *this;
}

template <Element T, class D>
bool Tensor<T, D>::is_leaf() const {
  const auto& m = impl().autograd;
  return !m || !m->grad_fn;
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::grad() const {
  const auto& m = impl().autograd;
  if (!m) return {};
  const auto* g = std::get_if<Tensor<T, D>>(&m->grad);
  return g ? *g : Tensor<T, D>();
}

template <Element T, class D>
void Tensor<T, D>::set_grad(const Tensor& g) const {
  auto& m = impl().autograd;
  if (!m) m = detail::make_pooled<autograd::AutogradMeta<D>>();
  if (g.defined()) {
    KAON_CHECK(g.shape() == shape(), ShapeError, "set_grad: gradient of shape ", g.shape(),
               " for a tensor of shape ", shape());
    m->grad = g;
  } else {
    m->grad = std::monostate{};
  }
}

template <Element T, class D>
std::shared_ptr<autograd::Node<D>> Tensor<T, D>::grad_fn() const {
  const auto& m = impl().autograd;
  return m ? m->grad_fn : nullptr;
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::retain_grad() {
  KAON_CHECK(requires_grad(), Error, "retain_grad: the tensor (shape ", shape(),
             ") does not require grad");
  auto& m = impl().autograd;
  if (m->grad_fn) m->grad_fn->retained = m;
  m->retains_grad = true;
  return *this;
}

template <Element T, class D>
void Tensor<T, D>::backward(bool retain_graph, bool create_graph) const {
  autograd::backward<T, D>({*this}, {}, retain_graph, create_graph);
}

template <Element T, class D>
void Tensor<T, D>::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
  autograd::backward<T, D>({*this}, {gradient}, retain_graph, create_graph);
}

}  // namespace kaon
