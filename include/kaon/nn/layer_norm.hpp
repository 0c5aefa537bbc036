// SPDX-License-Identifier: MIT
// Layer normalisation (nn.LayerNorm, nn.functional.layer_norm): each sample normalised over its
// last dims by its own mean and biased variance, then scaled and shifted elementwise. Composed of
// differentiable ops.
#pragma once

#include <sstream>
#include <string>

#include "kaon/nn/init.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::nn {
namespace functional {
/// (x - mean) / sqrt(var + eps) over the trailing dims given by normalized_shape, then
/// * weight + bias (each of normalized_shape, or undefined).
template <class T, class D>
Tensor<T, D> layer_norm(const Tensor<T, D>& x, const Shape& normalized_shape,
                        const Tensor<T, D>& weight = {}, const Tensor<T, D>& bias = {},
                        double eps = 1e-5) {
  const int k = normalized_shape.size(), n = x.dim();
  bool fits = k >= 1 && k <= n;
  for (int i = 0; fits && i < k; ++i) fits = x.size(n - k + i) == normalized_shape[i];
  KAON_CHECK(fits, ShapeError, "layer_norm: input of shape ", x.shape(),
             " does not end in normalized_shape ", normalized_shape);
  Shape rows;
  for (int i = 0; i < n - k; ++i) rows.push_back(x.size(i));
  rows.push_back(-1);
  const auto flat = x.reshape(rows);
  const auto centred = flat - flat.mean(-1, true);
  const auto var = (centred * centred).mean(-1, true);
  auto y = (centred / sqrt(var + static_cast<T>(eps))).reshape(x.shape());
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}
}  // namespace functional

/// LayerNorm(normalized_shape, eps, elementwise_affine): weight (ones) and bias (zeros) of
/// normalized_shape when elementwise_affine.
template <class T = float, class D = cpu>
class LayerNorm : public Module<T, D> {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true)
      : Module<T, D>("LayerNorm"), normalized_shape(normalized_shape), eps(eps) {
    KAON_CHECK(normalized_shape.size() >= 1, ValueError,
               "LayerNorm: normalized_shape must have at least one dim, got ", normalized_shape);
    if (elementwise_affine) {
      weight = this->register_parameter("weight", empty<T, D>(normalized_shape));
      bias = this->register_parameter("bias", empty<T, D>(normalized_shape));
    }
    reset_parameters();
  }
  /// weight = 1, bias = 0.
  void reset_parameters() override {
    if (!weight.defined()) return;
    init::ones_(weight);
    init::zeros_(bias);
  }
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    return functional::layer_norm(x, normalized_shape, weight, bias, eps);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    std::ostringstream os;
    os << "(";
    for (int i = 0; i < normalized_shape.size(); ++i) os << (i ? ", " : "") << normalized_shape[i];
    os << (normalized_shape.size() == 1 ? ",)" : ")") << ", eps=" << eps
       << ", elementwise_affine=" << (weight.defined() ? "True" : "False");
    return os.str();
  }

  Shape normalized_shape;
  double eps;
  Tensor<T, D> weight, bias;
};

}  // namespace kaon::nn
