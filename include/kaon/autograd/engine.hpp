// SPDX-License-Identifier: MIT
// The engine: runs a recorded graph once in reverse topological order (iteratively, newest node
// first, so the order is deterministic), summing the gradients that meet at a node, and either
// accumulating into leaves' grad() (backward) or returning the gradients of chosen tensors
// (autograd::grad). With create_graph the backward formulas are themselves recorded.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <queue>
#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::autograd {
namespace detail {

template <class D>
struct Root {
  std::shared_ptr<Node<D>> node;
  Grad<D> grad;
};

/// Runs the graph behind `roots`. When `targets` is non-empty, accumulators do not run and the
/// gradient arriving at each target node is returned instead (in targets' order).
template <class D>
std::vector<Grad<D>> run_backward(std::vector<Root<D>> roots, bool retain_graph, bool create_graph,
                                  const std::vector<std::shared_ptr<Node<D>>>& targets = {}) {
  using NodePtr = Node<D>*;
  std::vector<NodePtr> order;  // every node of the graph, for the final reset
  struct Reset {
    std::vector<NodePtr>& nodes;
    ~Reset() {
      for (NodePtr n : nodes) n->engine = {};
    }
  } reset{order};
  for (auto& r : roots)
    if (r.node && !r.node->engine.seen) {
      r.node->engine.seen = true;
      order.push_back(r.node.get());
    }
  for (std::size_t i = 0; i < order.size(); ++i)  // breadth-first; order doubles as the queue
    for (const auto& e : order[i]->next_edges) {
      if (!e) continue;
      ++e->engine.deps;
      if (!e->engine.seen) {
        e->engine.seen = true;
        order.push_back(e.get());
      }
    }
  // With targets, run only the nodes from which a target is reachable (children are older;
  // accumulators are leaves of the graph whatever their sequence number).
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (targets[i]) {
      targets[i]->engine.is_target = true;
      targets[i]->engine.target = i;
    }
  if (!targets.empty()) {
    std::vector<NodePtr> by_age = order;
    std::sort(by_age.begin(), by_age.end(), [](NodePtr a, NodePtr b) {
      const bool la = a->is_accumulator(), lb = b->is_accumulator();
      return la != lb ? la : a->sequence_nr < b->sequence_nr;
    });
    for (NodePtr n : by_age) {
      bool need = n->engine.is_target;
      for (const auto& e : n->next_edges) need = need || (e && e->engine.needed);
      n->engine.needed = need;
    }
  }

  AutoGradMode mode(create_graph);
  std::vector<Grad<D>> captured(targets.size());
  auto later = [](NodePtr a, NodePtr b) { return a->sequence_nr < b->sequence_nr; };
  std::priority_queue<NodePtr, std::vector<NodePtr>, decltype(later)> ready(later);
  for (auto& r : roots)
    if (r.node)
      r.node->engine.buffer = r.node->add(std::move(r.node->engine.buffer), std::move(r.grad));
  for (auto& r : roots)
    if (r.node && r.node->engine.deps == 0) {
      r.node->engine.deps = -1;  // queued once
      ready.push(r.node.get());
    }

  while (!ready.empty()) {
    NodePtr n = ready.top();
    ready.pop();
    Grad<D> g = std::move(n->engine.buffer);
    n->engine.buffer = {};
    if (n->engine.is_target) captured[n->engine.target] = g;
    if (auto m = n->retained.lock(); m && !std::holds_alternative<std::monostate>(g))
      m->grad = n->add(std::move(m->grad), Grad<D>(g));
    const bool run = !std::holds_alternative<std::monostate>(g) &&
                     (targets.empty() || (n->engine.needed && !n->is_accumulator()));
    GradList<D> outs;
    if (run) {
      outs = n->apply(std::move(g));
      if (!retain_graph) n->release_saved();
    }
    for (std::size_t i = 0; i < n->next_edges.size(); ++i) {
      NodePtr child = n->next_edges[i].get();
      if (!child) continue;
      if (i < outs.size() && !std::holds_alternative<std::monostate>(outs[i]))
        child->engine.buffer = child->add(std::move(child->engine.buffer), std::move(outs[i]));
      if (--child->engine.deps == 0) ready.push(child);
    }
  }
  return captured;
}

}  // namespace detail

template <class T, class D>
GradList<D> AccumulateGrad<T, D>::apply(Grad<D>&& g) {
  Tensor<T, D> incoming = std::get<Tensor<T, D>>(std::move(g));
  auto& meta = *leaf.impl().autograd;
  auto* current = std::get_if<Tensor<T, D>>(&meta.grad);
  if (GradMode::is_enabled()) {  // create_graph: the accumulated gradient is itself recorded
    meta.grad = current && current->defined() ? *current + incoming : incoming;
  } else if (current && current->defined()) {
    *current += incoming;
  } else {
    meta.grad = incoming.clone();  // own the storage: optimisers update grads in place
  }
  return {};
}

namespace detail {
template <class T, class D>
Grad<D> seed_gradient(const Tensor<T, D>& out, const Tensor<T, D>* gradient, const char* op) {
  if (gradient) {
    KAON_CHECK(gradient->shape() == out.shape(), ShapeError, op, ": the gradient has shape ",
               gradient->shape(), " but the output has shape ", out.shape());
    return *gradient;
  }
  KAON_CHECK(out.numel() == 1, Error, op,
             ": grad can be implicitly created only for one-element outputs, but the output has "
             "shape ",
             out.shape(), "; pass a gradient of that shape");
  return ones<T, D>(out.shape());
}

template <class T, class D>
std::shared_ptr<Node<D>> root_node(const Tensor<T, D>& t, const char* op) {
  static_assert(std::is_floating_point_v<T>,
                "autograd: only float and double tensors have gradients");
  KAON_CHECK(t.requires_grad(), Error, op,
             ": the tensor does not require grad and has no grad_fn (shape ", t.shape(),
             "); call requires_grad_() on the leaves you need gradients for");
  return gradient_edge(t);
}
}  // namespace detail

/// The gradients of sum(outputs[i] * grad_outputs[i]) with respect to each of `inputs`, as
/// torch.autograd.grad. With create_graph the results are recorded, so they can be
/// differentiated again; that also keeps the graph (retain_graph defaults to create_graph).
template <class T, class D>
std::vector<Tensor<T, D>> grad(const std::vector<Tensor<T, D>>& outputs,
                               const std::vector<Tensor<T, D>>& inputs,
                               const std::vector<Tensor<T, D>>& grad_outputs = {},
                               std::optional<bool> retain_graph = std::nullopt,
                               bool create_graph = false, bool allow_unused = false) {
  KAON_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), ValueError,
             "grad: got ", grad_outputs.size(), " grad_outputs for ", outputs.size(), " outputs");
  std::vector<detail::Root<D>> roots;
  for (std::size_t i = 0; i < outputs.size(); ++i)
    roots.push_back({detail::root_node(outputs[i], "grad"),
                     detail::seed_gradient(
                         outputs[i], grad_outputs.empty() ? nullptr : &grad_outputs[i], "grad")});
  std::vector<std::shared_ptr<Node<D>>> targets;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    KAON_CHECK(inputs[i].requires_grad(), Error, "grad: input ", i, " (shape ", inputs[i].shape(),
               ") does not require grad");
    targets.push_back(gradient_edge(inputs[i]));
  }
  const auto g = detail::run_backward<D>(std::move(roots), retain_graph.value_or(create_graph),
                                         create_graph, targets);
  std::vector<Tensor<T, D>> result;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto* t = std::get_if<Tensor<T, D>>(&g[i]);
    KAON_CHECK(t || allow_unused, Error, "grad: input ", i, " (shape ", inputs[i].shape(),
               ") was not used in the graph; pass allow_unused = true to get an undefined tensor");
    result.push_back(t ? *t : Tensor<T, D>());
  }
  return result;
}

/// grad({y}, {x}, ...): braced lists, as LibTorch's torch::autograd::grad is called.
template <class T, class D>
std::vector<Tensor<T, D>> grad(std::initializer_list<Tensor<T, D>> outputs,
                               const std::vector<Tensor<T, D>>& inputs,
                               const std::vector<Tensor<T, D>>& grad_outputs = {},
                               std::optional<bool> retain_graph = std::nullopt,
                               bool create_graph = false, bool allow_unused = false) {
  return grad(std::vector<Tensor<T, D>>(outputs), inputs, grad_outputs, retain_graph, create_graph,
              allow_unused);
}

/// Backpropagates from several outputs at once (torch.autograd.backward).
template <class T, class D>
void backward(const std::vector<Tensor<T, D>>& outputs,
              const std::vector<Tensor<T, D>>& grad_outputs = {}, bool retain_graph = false,
              bool create_graph = false) {
  KAON_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), ValueError,
             "backward: got ", grad_outputs.size(), " grad_outputs for ", outputs.size(),
             " outputs");
  std::vector<detail::Root<D>> roots;
  for (std::size_t i = 0; i < outputs.size(); ++i)
    roots.push_back(
        {detail::root_node(outputs[i], "backward"),
         detail::seed_gradient(outputs[i], grad_outputs.empty() ? nullptr : &grad_outputs[i],
                               "backward")});
  detail::run_backward<D>(std::move(roots), retain_graph || create_graph, create_graph);
}
/// backward({a, b}, ...): braced lists.
template <class T, class D>
void backward(std::initializer_list<Tensor<T, D>> outputs,
              const std::vector<Tensor<T, D>>& grad_outputs = {}, bool retain_graph = false,
              bool create_graph = false) {
  backward(std::vector<Tensor<T, D>>(outputs), grad_outputs, retain_graph, create_graph);
}

}  // namespace kaon::autograd
