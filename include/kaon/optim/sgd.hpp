// SPDX-License-Identifier: MIT
// optim::SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum and
// weight decay, with torch.optim.SGD's update.
#pragma once

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// SGD's options, as torch::optim::SGDOptions: SGDOptions(0.1).momentum(0.9).nesterov(true).
/// Each setter has a getter of the same name: options.momentum().
struct SGDOptions {
 public:
  explicit SGDOptions(double lr) : lr_(lr) {}
  SGDOptions& lr(double v) { return lr_ = v, *this; }
  SGDOptions& momentum(double v) { return momentum_ = v, *this; }
  SGDOptions& dampening(double v) { return dampening_ = v, *this; }
  SGDOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  SGDOptions& nesterov(bool v) { return nesterov_ = v, *this; }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] double momentum() const { return momentum_; }
  [[nodiscard]] double dampening() const { return dampening_; }
  [[nodiscard]] double weight_decay() const { return weight_decay_; }
  [[nodiscard]] bool nesterov() const { return nesterov_; }

 private:
  double lr_, momentum_ = 0, dampening_ = 0, weight_decay_ = 0;
  bool nesterov_ = false;
};

/// SGD's state of one parameter: the momentum buffer, made on the first step with momentum.
template <class T, class D>
struct SGDParamState {
  Tensor<T, D> momentum_buffer;
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("momentum_buffer", s.momentum_buffer);
  }
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

/// SGD over one parameter list (`SGD<float>(model.parameters(), SGDOptions(0.1).momentum(0.9))`)
/// or over groups with their own options.
template <class T = float, class D = cpu>
class SGD : public detail::OptimizerImpl<T, D, SGDOptions, SGDParamState<T, D>> {
  using Base = detail::OptimizerImpl<T, D, SGDOptions, SGDParamState<T, D>>;

 public:
  using typename Base::ParamGroup;

  SGD(std::vector<Tensor<T, D>> params, SGDOptions options)
      : Base(std::move(params), options, "SGD") {
    check_options();
  }
  SGD(std::vector<Tensor<T, D>> params, double lr) : SGD(std::move(params), SGDOptions(lr)) {}
  explicit SGD(std::vector<ParamGroup> groups) : Base(std::move(groups), "SGD") { check_options(); }

  void step() override {
    this->update_each(
        [](const SGDOptions& o, SGDParamState<T, D>& s, Tensor<T, D>& p, const Tensor<T, D>& g) {
          T* const param = p.data_ptr();
          T* buf = param;  // without momentum the update never touches the buffer
          const bool first = o.momentum() != 0 && !s.momentum_buffer.defined();
          if (o.momentum() != 0) {
            if (first) s.momentum_buffer = zeros<T, D>(p.shape());
            buf = s.momentum_buffer.data_ptr();
          }
          const fn::SGDUpdate<T> f{static_cast<T>(o.lr()),
                                   static_cast<T>(o.momentum()),
                                   static_cast<T>(1 - o.dampening()),
                                   static_cast<T>(o.weight_decay()),
                                   o.nesterov(),
                                   first};
          backend<D>::for_each(p.numel(), f, param, g.data_ptr(), buf);
        });
  }

 private:
  void check_options() const {
    for (const auto& group : this->param_groups()) {
      const auto& o = group.options();
      KAON_CHECK(o.momentum() >= 0, ValueError, "SGD: invalid momentum value: ", o.momentum());
      KAON_CHECK(o.weight_decay() >= 0, ValueError,
                 "SGD: invalid weight_decay value: ", o.weight_decay());
      KAON_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0), ValueError,
                 "SGD: Nesterov momentum requires a momentum and zero dampening");
    }
  }
};

}  // namespace kaon::optim
