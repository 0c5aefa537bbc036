// SPDX-License-Identifier: MIT
// nn::Linear: y = x W^T + b with weight [out, in] and bias [out], initialised as PyTorch does
// (U(-1/sqrt(in), 1/sqrt(in)) for both, from the seeded default generator).
#pragma once

#include <cmath>
#include <string>

#include "kaon/nn/init.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/ops/addmm.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/matmul.hpp"

namespace kaon::nn {

template <class T = float, class D = cpu>
class Linear : public Module<T, D> {
 public:
  /// A layer from in_features to out_features, with a bias unless `bias` is false.
  Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true)
      : Module<T, D>("Linear"), in_features(in_features), out_features(out_features) {
    KAON_CHECK(in_features > 0 && out_features > 0, ValueError,
               "Linear: in_features and out_features must be positive, got ", in_features, " and ",
               out_features);
    weight = this->register_parameter("weight", empty<T, D>({out_features, in_features}));
    if (bias) this->bias = this->register_parameter("bias", empty<T, D>({out_features}));
    reset_parameters();
  }

  /// Redraws weight and bias from PyTorch's default distributions.
  void reset_parameters() override {
    init::kaiming_uniform_(weight, std::sqrt(5.0));
    if (bias.defined()) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
      init::uniform_(bias, -bound, bound);
    }
  }

  /// x: [..., in_features] -> [..., out_features].
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    KAON_CHECK(x.dim() >= 1 && x.size(-1) == in_features, ShapeError, "Linear: input of shape ",
               x.shape(), " does not end in in_features = ", in_features);
    if (x.dim() == 2 && bias.defined()) return addmm(bias, x, weight.t());  // as torch's linear
    auto y = matmul(x, weight.t());
    return bias.defined() ? y + bias : y;
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }

  [[nodiscard]] std::string extra_repr() const override {
    return "in_features=" + std::to_string(in_features) +
           ", out_features=" + std::to_string(out_features) +
           ", bias=" + (bias.defined() ? "True" : "False");
  }

  std::int64_t in_features, out_features;
  Tensor<T, D> weight, bias;
};

}  // namespace kaon::nn
