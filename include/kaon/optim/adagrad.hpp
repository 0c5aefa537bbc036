// SPDX-License-Identifier: MIT
// optim::Adagrad: per-element learning rates from the sum of squared gradients, with learning
// rate decay and weight decay, with torch.optim.Adagrad's update.
#pragma once

#include <cmath>
#include <cstdint>

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// Adagrad's options, as torch::optim::AdagradOptions: AdagradOptions(0.01).lr_decay(0)
/// .weight_decay(0).initial_accumulator_value(0).eps(1e-10). Each setter has a getter of the
/// same name.
struct AdagradOptions {
 public:
  explicit AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  AdagradOptions& lr(double v) { return lr_ = v, *this; }
  AdagradOptions& lr_decay(double v) { return lr_decay_ = v, *this; }
  AdagradOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  AdagradOptions& initial_accumulator_value(double v) {
    return initial_accumulator_value_ = v, *this;
  }
  AdagradOptions& eps(double v) { return eps_ = v, *this; }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] double lr_decay() const { return lr_decay_; }
  [[nodiscard]] double weight_decay() const { return weight_decay_; }
  [[nodiscard]] double initial_accumulator_value() const { return initial_accumulator_value_; }
  [[nodiscard]] double eps() const { return eps_; }

 private:
  double lr_, lr_decay_ = 0, weight_decay_ = 0, initial_accumulator_value_ = 0, eps_ = 1e-10;
};

/// Adagrad's state of one parameter, as PyTorch's.
template <class T, class D>
struct AdagradParamState {
  std::int64_t step = 0;
  Tensor<T, D> sum;
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("step", s.step);
    f("sum", s.sum);
  }
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

/// Adagrad (Duchi et al.) over one parameter list or over groups with their own options.
template <class T = float, class D = cpu>
class Adagrad : public detail::OptimizerImpl<T, D, AdagradOptions, AdagradParamState<T, D>> {
  using Base = detail::OptimizerImpl<T, D, AdagradOptions, AdagradParamState<T, D>>;

 public:
  using typename Base::ParamGroup;

  Adagrad(std::vector<Tensor<T, D>> params, AdagradOptions options = AdagradOptions())
      : Adagrad(Base::one_group(std::move(params), options)) {}
  Adagrad(std::vector<Tensor<T, D>> params, double lr)
      : Adagrad(std::move(params), AdagradOptions(lr)) {}
  explicit Adagrad(std::vector<ParamGroup> groups) : Base(std::move(groups), "Adagrad") {
    std::size_t i = 0;
    for (const auto& group : this->param_groups()) {
      const auto& o = group.options();
      KAON_CHECK(o.lr_decay() >= 0, ValueError, "Adagrad: invalid lr_decay value: ", o.lr_decay());
      KAON_CHECK(o.weight_decay() >= 0, ValueError,
                 "Adagrad: invalid weight_decay value: ", o.weight_decay());
      KAON_CHECK(
          o.initial_accumulator_value() >= 0, ValueError,
          "Adagrad: invalid initial_accumulator_value value: ", o.initial_accumulator_value());
      KAON_CHECK(o.eps() >= 0, ValueError, "Adagrad: invalid epsilon value: ", o.eps());
      for (const auto& p : group.params())  // PyTorch makes the state at construction
        this->state(i++).sum = full<T, D>(p.shape(), static_cast<T>(o.initial_accumulator_value()));
    }
  }

  void step() override {
    this->update_each([](const AdagradOptions& o, AdagradParamState<T, D>& s, Tensor<T, D>& p,
                         const Tensor<T, D>& g) {
      auto& sum = detail::ensure_zeros(s.sum, p);
      const double step = static_cast<double>(++s.step);
      const double clr = o.lr() / (1 + (step - 1) * o.lr_decay());
      const fn::AdagradUpdate<T> f{static_cast<T>(clr), static_cast<T>(o.weight_decay()),
                                   static_cast<T>(o.eps())};
      backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), sum.data_ptr());
    });
  }
};

}  // namespace kaon::optim
