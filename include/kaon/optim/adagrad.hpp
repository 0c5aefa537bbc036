// SPDX-License-Identifier: MIT
// optim::Adagrad: per-element learning rates from the sum of squared gradients, with learning
// rate decay and weight decay, with torch.optim.Adagrad's update.
#pragma once

#include <cmath>

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// Adagrad's options: AdagradOptions(0.01).lr_decay(0).weight_decay(0)
/// .initial_accumulator_value(0).eps(1e-10).
struct AdagradOptions {
  explicit AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  AdagradOptions& lr_decay(double v) { return lr_decay_ = v, *this; }
  AdagradOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  AdagradOptions& initial_accumulator_value(double v) {
    return initial_accumulator_value_ = v, *this;
  }
  AdagradOptions& eps(double v) { return eps_ = v, *this; }
  double lr_, lr_decay_ = 0, weight_decay_ = 0, initial_accumulator_value_ = 0, eps_ = 1e-10;
};

namespace fn {
/// g += wd p; sum += g^2; p -= clr g / (sqrt(sum) + eps), clr = lr / (1 + (step - 1) lr_decay).
template <class T>
struct AdagradUpdate {
  T clr, weight_decay, eps;
  KAON_HOST_DEVICE void operator()(T& p, const T& g0, T& sum) const {
    const T g = weight_decay != T(0) ? g0 + weight_decay * p : g0;
    sum = sum + g * g;
    p = p + (-clr) * g / (std::sqrt(sum) + eps);
  }
};
}  // namespace fn

template <class T = float, class D = cpu>
class Adagrad : public Optimizer<T, D> {
 public:
  Adagrad(std::vector<Tensor<T, D>> params, AdagradOptions options = AdagradOptions())
      : Optimizer<T, D>(std::move(params), options.lr_, "Adagrad"), options(options) {
    KAON_CHECK(options.lr_decay_ >= 0, ValueError,
               "Adagrad: invalid lr_decay value: ", options.lr_decay_);
    KAON_CHECK(options.weight_decay_ >= 0, ValueError,
               "Adagrad: invalid weight_decay value: ", options.weight_decay_);
    KAON_CHECK(
        options.initial_accumulator_value_ >= 0, ValueError,
        "Adagrad: invalid initial_accumulator_value value: ", options.initial_accumulator_value_);
    KAON_CHECK(options.eps_ >= 0, ValueError, "Adagrad: invalid epsilon value: ", options.eps_);
    for (std::size_t i = 0; i < this->params_.size(); ++i) {  // PyTorch creates the state eagerly
      this->state(i, "step", [] { return zeros<T, D>({}); });
      this->state(i, "sum", [&] {
        return full<T, D>(this->params_[i].shape(),
                          static_cast<T>(options.initial_accumulator_value_));
      });
    }
  }
  Adagrad(std::vector<Tensor<T, D>> params, double lr)
      : Adagrad(std::move(params), AdagradOptions(lr)) {}

  void step() override {
    this->update_each([&](std::size_t i, Tensor<T, D>& p, const Tensor<T, D>& g) {
      auto& sum = this->state(i, "sum", [&] { return detail::zeros_like_param(p); });
      const double step = this->next_step(i);
      const double clr = this->lr_ / (1 + (step - 1) * options.lr_decay_);
      const fn::AdagradUpdate<T> f{static_cast<T>(clr), static_cast<T>(options.weight_decay_),
                                   static_cast<T>(options.eps_)};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), sum.data_ptr());
    });
  }

  AdagradOptions options;
};

}  // namespace kaon::optim
