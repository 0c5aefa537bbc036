// SPDX-License-Identifier: MIT
// Activations: nn::functional's relu, leaky_relu, sigmoid, tanh, elu, gelu, silu, softmax and
// log_softmax, and their modules ReLU, LeakyReLU, Sigmoid, Tanh, ELU, GELU, SiLU, Softmax and
// LogSoftmax, plus Identity. All are composed of differentiable ops.
#pragma once

#include <numbers>
#include <sstream>
#include <string>

#include "kaon/nn/module.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"
#include "kaon/ops/unary_math.hpp"
#include "kaon/ops/where.hpp"

namespace kaon::nn {
namespace functional {

using ::kaon::relu;
using ::kaon::sigmoid;
using ::kaon::tanh;

/// x for x > 0, negative_slope * x otherwise (torch.nn.functional.leaky_relu).
template <class T, class D>
Tensor<T, D> leaky_relu(const Tensor<T, D>& x, double negative_slope = 0.01) {
  return where(x > 0, x, x * negative_slope);
}
/// x for x > 0, alpha (exp(x) - 1) otherwise; exp only sees x <= 0, so no inf reaches the
/// gradient of the branch not taken.
template <class T, class D>
Tensor<T, D> elu(const Tensor<T, D>& x, double alpha = 1.0) {
  return where(x > 0, x, expm1(clamp_max(x, 0)) * alpha);
}
/// x Phi(x) with Phi the normal CDF, exactly (approximate = "none") or with PyTorch's tanh
/// formula (approximate = "tanh").
template <class T, class D>
Tensor<T, D> gelu(const Tensor<T, D>& x, const std::string& approximate = "none") {
  if (approximate == "tanh") {
    const double k = std::numbers::sqrt2 * std::numbers::inv_sqrtpi;  // sqrt(2 / pi)
    return x * 0.5 * (tanh((x + x * x * x * 0.044715) * k) + 1);
  }
  KAON_CHECK(approximate == "none", ValueError,
             "gelu: approximate must be \"none\" or \"tanh\", got \"", approximate, "\"");
  return x * 0.5 * (erf(x * (1 / std::numbers::sqrt2)) + 1);
}
/// x sigmoid(x) (torch.nn.functional.silu, also called swish).
template <class T, class D>
Tensor<T, D> silu(const Tensor<T, D>& x) {
  return x * sigmoid(x);
}

/// exp(x) / sum(exp(x)) along dim, computed after subtracting the max for stability.
template <class T, class D>
Tensor<T, D> softmax(const Tensor<T, D>& x, std::int64_t dim) {
  (void)kaon::detail::wrap_dim(dim, x.dim(), "softmax");
  const auto e = exp(x - x.max(dim, true).values.detach());
  return e / e.sum(dim, true);
}
/// log(softmax(x)) along dim, as x - max - log(sum(exp(x - max))).
template <class T, class D>
Tensor<T, D> log_softmax(const Tensor<T, D>& x, std::int64_t dim) {
  (void)kaon::detail::wrap_dim(dim, x.dim(), "log_softmax");
  const auto shifted = x - x.max(dim, true).values.detach();
  return shifted - log(exp(shifted).sum(dim, true));
}

}  // namespace functional

namespace detail {
/// "name=value" for a module's repr.
inline std::string repr_number(const char* name, double v) {
  std::ostringstream os;
  os << name << '=' << v;
  return os.str();
}
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
class ReLU : public detail::Elementwise<T, D, detail::ReluFn> {
 public:
  ReLU() : detail::Elementwise<T, D, detail::ReluFn>("ReLU") {}
};
/// 1 / (1 + exp(-x)).
template <class T = float, class D = cpu>
class Sigmoid : public detail::Elementwise<T, D, detail::SigmoidFn> {
 public:
  Sigmoid() : detail::Elementwise<T, D, detail::SigmoidFn>("Sigmoid") {}
};
/// tanh(x).
template <class T = float, class D = cpu>
class Tanh : public detail::Elementwise<T, D, detail::TanhFn> {
 public:
  Tanh() : detail::Elementwise<T, D, detail::TanhFn>("Tanh") {}
};
/// leaky_relu(x, negative_slope).
template <class T = float, class D = cpu>
class LeakyReLU : public Module<T, D> {
 public:
  explicit LeakyReLU(double negative_slope = 0.01)
      : Module<T, D>("LeakyReLU"), negative_slope(negative_slope) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    return functional::leaky_relu(x, negative_slope);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    return detail::repr_number("negative_slope", negative_slope);
  }
  double negative_slope;
};
/// elu(x, alpha).
template <class T = float, class D = cpu>
class ELU : public Module<T, D> {
 public:
  explicit ELU(double alpha = 1.0) : Module<T, D>("ELU"), alpha(alpha) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return functional::elu(x, alpha); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    return detail::repr_number("alpha", alpha);
  }
  double alpha;
};
/// gelu(x, approximate): "none" (exact) or "tanh".
template <class T = float, class D = cpu>
class GELU : public Module<T, D> {
 public:
  explicit GELU(std::string approximate = "none")
      : Module<T, D>("GELU"), approximate(std::move(approximate)) {
    KAON_CHECK(this->approximate == "none" || this->approximate == "tanh", ValueError,
               "GELU: approximate must be \"none\" or \"tanh\", got \"", this->approximate, "\"");
  }
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return functional::gelu(x, approximate); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    return "approximate='" + approximate + "'";
  }
  std::string approximate;
};
/// silu(x) = x sigmoid(x).
template <class T = float, class D = cpu>
struct SiLU : Module<T, D> {
  SiLU() : Module<T, D>("SiLU") {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return functional::silu(x); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
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
