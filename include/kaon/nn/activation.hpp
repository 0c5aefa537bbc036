// SPDX-License-Identifier: MIT
// Activations: the functional softmax and log_softmax (nn::functional), and the modules ReLU,
// Sigmoid, Tanh, Softmax, LogSoftmax and Identity. All are composed of differentiable ops.
#pragma once

#include <string>

#include "kaon/nn/module.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"

namespace kaon::nn {
namespace functional {

/// exp(x) / sum(exp(x)) along dim, computed after subtracting the max for stability.
template <class T, class D>
Tensor<T, D> softmax(const Tensor<T, D>& x, std::int64_t dim) {
  const auto e = exp(x - x.max(dim, true).values.detach());
  return e / e.sum(dim, true);
}
/// log(softmax(x)) along dim, as x - max - log(sum(exp(x - max))).
template <class T, class D>
Tensor<T, D> log_softmax(const Tensor<T, D>& x, std::int64_t dim) {
  const auto shifted = x - x.max(dim, true).values.detach();
  return shifted - log(exp(shifted).sum(dim, true));
}

}  // namespace functional

namespace detail {
/// A module without parameters that applies `Fn` (a stateless functor) in forward.
template <class T, class D, class Fn>
class Elementwise : public Module<T, D> {
 public:
  explicit Elementwise(const char* name) : Module<T, D>(name) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return Fn{}(x); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
};
struct ReluFn {
  template <class X>
  X operator()(const X& x) const {
    return relu(x);
  }
};
struct SigmoidFn {
  template <class X>
  X operator()(const X& x) const {
    return sigmoid(x);
  }
};
struct TanhFn {
  template <class X>
  X operator()(const X& x) const {
    return tanh(x);
  }
};
struct IdentityFn {
  template <class X>
  X operator()(const X& x) const {
    return x;
  }
};
}  // namespace detail

/// max(x, 0).
template <class T = float, class D = cpu>
struct ReLU : detail::Elementwise<T, D, detail::ReluFn> {
  ReLU() : detail::Elementwise<T, D, detail::ReluFn>("ReLU") {}
};
/// 1 / (1 + exp(-x)).
template <class T = float, class D = cpu>
struct Sigmoid : detail::Elementwise<T, D, detail::SigmoidFn> {
  Sigmoid() : detail::Elementwise<T, D, detail::SigmoidFn>("Sigmoid") {}
};
/// tanh(x).
template <class T = float, class D = cpu>
struct Tanh : detail::Elementwise<T, D, detail::TanhFn> {
  Tanh() : detail::Elementwise<T, D, detail::TanhFn>("Tanh") {}
};
/// Passes its input through.
template <class T = float, class D = cpu>
struct Identity : detail::Elementwise<T, D, detail::IdentityFn> {
  Identity() : detail::Elementwise<T, D, detail::IdentityFn>("Identity") {}
};

/// softmax along `dim` (PyTorch's nn.Softmax(dim=...)).
template <class T = float, class D = cpu>
class Softmax : public Module<T, D> {
 public:
  explicit Softmax(std::int64_t dim) : Module<T, D>("Softmax"), dim(dim) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return functional::softmax(x, dim); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override { return "dim=" + std::to_string(dim); }
  std::int64_t dim;
};
/// log_softmax along `dim`.
template <class T = float, class D = cpu>
class LogSoftmax : public Module<T, D> {
 public:
  explicit LogSoftmax(std::int64_t dim) : Module<T, D>("LogSoftmax"), dim(dim) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return functional::log_softmax(x, dim); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override { return "dim=" + std::to_string(dim); }
  std::int64_t dim;
};

}  // namespace kaon::nn
