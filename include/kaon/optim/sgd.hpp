// SPDX-License-Identifier: MIT
// optim::SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum and
// weight decay, with torch.optim.SGD's update.
#pragma once

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// SGD's options: SGDOptions(0.1).momentum(0.9).nesterov(true).
struct SGDOptions {
  explicit SGDOptions(double lr) : lr_(lr) {}
  SGDOptions& momentum(double v) { return momentum_ = v, *this; }
  SGDOptions& dampening(double v) { return dampening_ = v, *this; }
  SGDOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  SGDOptions& nesterov(bool v) { return nesterov_ = v, *this; }
  double lr_, momentum_ = 0, dampening_ = 0, weight_decay_ = 0;
  bool nesterov_ = false;
};

namespace fn {
/// d = g + wd p; buf = d on the first step, else momentum buf + (1 - dampening) d;
/// d = d + momentum buf (Nesterov) or buf; p -= lr d.
template <class T>
struct SGDUpdate {
  T lr, momentum, one_minus_dampening, weight_decay;
  bool nesterov, first;
  KAON_HOST_DEVICE void operator()(T& p, const T& g, T& buf) const {
    T d = weight_decay != T(0) ? g + weight_decay * p : g;
    if (momentum != T(0)) {
      buf = first ? d : buf * momentum + one_minus_dampening * d;
      d = nesterov ? d + momentum * buf : buf;
    }
    p = p + (-lr) * d;
  }
};
}  // namespace fn

template <class T = float, class D = cpu>
class SGD : public Optimizer<T, D> {
 public:
  SGD(std::vector<Tensor<T, D>> params, SGDOptions options)
      : Optimizer<T, D>(std::move(params), options.lr_, "SGD"), options(options) {
    KAON_CHECK(options.momentum_ >= 0, ValueError,
               "SGD: invalid momentum value: ", options.momentum_);
    KAON_CHECK(options.weight_decay_ >= 0, ValueError,
               "SGD: invalid weight_decay value: ", options.weight_decay_);
    KAON_CHECK(!options.nesterov_ || (options.momentum_ > 0 && options.dampening_ == 0), ValueError,
               "SGD: Nesterov momentum requires a momentum and zero dampening");
  }
  SGD(std::vector<Tensor<T, D>> params, double lr) : SGD(std::move(params), SGDOptions(lr)) {}

  void step() override {
    this->update_each([&](std::size_t i, Tensor<T, D>& p, const Tensor<T, D>& g) {
      const bool first = options.momentum_ != 0 && !this->state_[i].count("momentum_buffer");
      auto& buf = this->state(i, "momentum_buffer", [&] { return detail::zeros_like_param(p); });
      const fn::SGDUpdate<T> f{static_cast<T>(this->lr_),
                               static_cast<T>(options.momentum_),
                               static_cast<T>(1 - options.dampening_),
                               static_cast<T>(options.weight_decay_),
                               options.nesterov_,
                               first};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), buf.data_ptr());
    });
  }

  SGDOptions options;
};

}  // namespace kaon::optim
