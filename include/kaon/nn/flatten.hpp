// SPDX-License-Identifier: MIT
// nn::Flatten: a module that flattens a range of dims of its input, as nn.Flatten.
#pragma once

#include <string>

#include "kaon/nn/module.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::nn {

/// Flattens dims start_dim..end_dim of its input into one (nn.Flatten; by default all but the
/// batch dim).
template <class T = float, class D = cpu>
class Flatten : public Module<T, D> {
 public:
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1)
      : Module<T, D>("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor<T, D> forward(const Tensor<T, D>& x) const { return x.flatten(start_dim, end_dim); }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    return "start_dim=" + std::to_string(start_dim) + ", end_dim=" + std::to_string(end_dim);
  }
  std::int64_t start_dim, end_dim;
};

}  // namespace kaon::nn
