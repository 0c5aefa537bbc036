// SPDX-License-Identifier: MIT
// nn::Dropout: in training mode zeroes each element with probability p and scales the rest by
// 1 / (1 - p); in eval mode passes the input through.
#pragma once

#include <sstream>
#include <string>

#include "kaon/nn/module.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/random.hpp"

namespace kaon::nn {

template <class T = float, class D = cpu>
class Dropout : public Module<T, D> {
 public:
  explicit Dropout(double p = 0.5) : Module<T, D>("Dropout"), p(p) {
    KAON_CHECK(p >= 0 && p <= 1, ValueError, "Dropout: probability must be in [0, 1], got ", p);
  }
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    if (!this->is_training() || p == 0) return x;
    if (p == 1) return x * T(0);
    const auto keep = (rand<T, D>(x.shape()) >= static_cast<T>(p)).template to<T>();
    return x * (keep * static_cast<T>(1.0 / (1.0 - p)));
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    std::ostringstream os;
    os << "p=" << p << ", inplace=False";
    return os.str();
  }
  double p;
};

}  // namespace kaon::nn
