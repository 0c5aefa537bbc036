// SPDX-License-Identifier: MIT
// optim::Adam and optim::AdamW: adaptive moment estimation with bias correction, optional
// AMSGrad, and L2 weight decay (Adam) or decoupled weight decay (AdamW), with torch.optim's
// update.
#pragma once

#include <cmath>
#include <cstdint>
#include <tuple>

#include "kaon/backend/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

namespace detail {
/// The options Adam and AdamW share; each setter returns the options it was called on, and has
/// a getter of the same name.
template <class Derived>
struct AdamOptionsBase {
 public:
  Derived& lr(double v) { return lr_ = v, self(); }
  /// (beta1, beta2): `.betas({0.9, 0.999})`.
  Derived& betas(const std::tuple<double, double>& v) { return betas_ = v, self(); }
  Derived& eps(double v) { return eps_ = v, self(); }
  Derived& weight_decay(double v) { return weight_decay_ = v, self(); }
  Derived& amsgrad(bool v) { return amsgrad_ = v, self(); }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] std::tuple<double, double> betas() const { return betas_; }
  [[nodiscard]] double eps() const { return eps_; }
  [[nodiscard]] double weight_decay() const { return weight_decay_; }
  [[nodiscard]] bool amsgrad() const { return amsgrad_; }

 protected:
  AdamOptionsBase(double lr, double weight_decay) : lr_(lr), weight_decay_(weight_decay) {}

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  double lr_;
  std::tuple<double, double> betas_{0.9, 0.999};
  double eps_ = 1e-8, weight_decay_;
  bool amsgrad_ = false;
};
}  // namespace detail

/// Adam's options, as torch::optim::AdamOptions:
/// AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-8).weight_decay(0).amsgrad(false).
struct AdamOptions : detail::AdamOptionsBase<AdamOptions> {
  explicit AdamOptions(double lr = 1e-3) : AdamOptionsBase(lr, 0) {}
};
/// AdamW's options, the same as Adam's except that weight decay defaults to 0.01, as PyTorch's.
struct AdamWOptions : detail::AdamOptionsBase<AdamWOptions> {
  explicit AdamWOptions(double lr = 1e-3) : AdamOptionsBase(lr, 1e-2) {}
};

/// Adam's and AdamW's state of one parameter, as PyTorch's.
template <class T, class D>
struct AdamParamState {
  std::int64_t step = 0;
  Tensor<T, D> exp_avg, exp_avg_sq, max_exp_avg_sq;  // max_exp_avg_sq: with AMSGrad only
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("step", s.step);
    f("exp_avg", s.exp_avg);
    f("exp_avg_sq", s.exp_avg_sq);
    f("max_exp_avg_sq", s.max_exp_avg_sq);
  }
};

namespace fn {
/// p *= 1 - lr wd (AdamW); g += wd p (Adam); m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// vmax = max(vmax, v) (AMSGrad); p -= step_size m / (sqrt(v or vmax) / sqrt(bc2) + eps).
template <class T>
struct AdamUpdate {
  T beta1, one_minus_beta1, beta2, one_minus_beta2, eps, l2, decoupled_decay, step_size, bc2_sqrt;

  /// Adam and AdamW (a decay of exactly 1, Adam's, leaves p as it is).
  KAON_HOST_DEVICE void operator()(T& p, const T& g, T& m, T& v) const {
    moments(p, g, m, v);
    descend(p, m, v);
  }
  /// With AMSGrad: the step divides by the running maximum of v.
  KAON_HOST_DEVICE void operator()(T& p, const T& g, T& m, T& v, T& vmax) const {
    moments(p, g, m, v);
    vmax = vmax > v ? vmax : v;
    descend(p, m, vmax);
  }

 private:
  KAON_HOST_DEVICE void moments(T& p, const T& g0, T& m, T& v) const {
    p = p * decoupled_decay;
    const T g = l2 != T(0) ? g0 + l2 * p : g0;
    m = m * beta1 + one_minus_beta1 * g;
    v = v * beta2 + one_minus_beta2 * g * g;
  }
  KAON_HOST_DEVICE void descend(T& p, T m, T second) const {
    const T denom = std::sqrt(second) / bc2_sqrt + eps;
    p = p + (-step_size) * m / denom;
  }
};
}  // namespace fn

namespace detail {
/// Adam's update over its own options type; `decoupled` picks AdamW's weight decay.
template <class T, class D, class Options>
class AdamBase : public OptimizerImpl<T, D, Options, AdamParamState<T, D>> {
  using Base = OptimizerImpl<T, D, Options, AdamParamState<T, D>>;

 public:
  using typename Base::ParamGroup;

  void step() override {
    this->update_each([decoupled = decoupled_](const Options& o, AdamParamState<T, D>& s,
                                               Tensor<T, D>& p, const Tensor<T, D>& g) {
      auto& m = ensure_zeros(s.exp_avg, p);
      auto& v = ensure_zeros(s.exp_avg_sq, p);
      const double step = static_cast<double>(++s.step);
      const auto [beta1, beta2] = o.betas();
      const double bc1 = 1 - std::pow(beta1, step);
      const double bc2 = 1 - std::pow(beta2, step);
      const fn::AdamUpdate<T> f{static_cast<T>(beta1),
                                static_cast<T>(1 - beta1),
                                static_cast<T>(beta2),
                                static_cast<T>(1 - beta2),
                                static_cast<T>(o.eps()),
                                static_cast<T>(decoupled ? 0.0 : o.weight_decay()),
                                static_cast<T>(decoupled ? 1 - o.lr() * o.weight_decay() : 1.0),
                                static_cast<T>(o.lr() / bc1),
                                static_cast<T>(std::sqrt(bc2))};
      if (o.amsgrad())
        backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), m.data_ptr(), v.data_ptr(),
                             ensure_zeros(s.max_exp_avg_sq, p).data_ptr());
      else
        backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), m.data_ptr(), v.data_ptr());
    });
  }

 protected:
  AdamBase(std::vector<ParamGroup> groups, bool decoupled, const char* name)
      : Base(std::move(groups), name), decoupled_(decoupled) {
    for (const auto& group : this->param_groups()) {
      const auto& o = group.options();
      const auto [beta1, beta2] = o.betas();
      KAON_CHECK(o.eps() >= 0, ValueError, name, ": invalid epsilon value: ", o.eps());
      KAON_CHECK(beta1 >= 0 && beta1 < 1, ValueError, name,
                 ": invalid beta parameter at index 0: ", beta1);
      KAON_CHECK(beta2 >= 0 && beta2 < 1, ValueError, name,
                 ": invalid beta parameter at index 1: ", beta2);
      KAON_CHECK(o.weight_decay() >= 0, ValueError, name,
                 ": invalid weight_decay value: ", o.weight_decay());
    }
  }
  AdamBase(std::vector<Tensor<T, D>> params, Options options, bool decoupled, const char* name)
      : AdamBase(Base::one_group(std::move(params), std::move(options)), decoupled, name) {}

 private:
  const bool decoupled_;
};
}  // namespace detail

/// Adam (Kingma and Ba), with L2 weight decay added to the gradient:
/// `Adam<float>(model.parameters(), AdamOptions(1e-3).betas({0.9, 0.999}))`.
template <class T = float, class D = cpu>
class Adam : public detail::AdamBase<T, D, AdamOptions> {
  using Base = detail::AdamBase<T, D, AdamOptions>;

 public:
  using typename Base::ParamGroup;

  Adam(std::vector<Tensor<T, D>> params, AdamOptions options = AdamOptions())
      : Base(std::move(params), options, false, "Adam") {}
  Adam(std::vector<Tensor<T, D>> params, double lr) : Adam(std::move(params), AdamOptions(lr)) {}
  explicit Adam(std::vector<ParamGroup> groups) : Base(std::move(groups), false, "Adam") {}
};

/// AdamW (Loshchilov and Hutter): weight decay applied to the parameters directly.
template <class T = float, class D = cpu>
class AdamW : public detail::AdamBase<T, D, AdamWOptions> {
  using Base = detail::AdamBase<T, D, AdamWOptions>;

 public:
  using typename Base::ParamGroup;

  AdamW(std::vector<Tensor<T, D>> params, AdamWOptions options = AdamWOptions())
      : Base(std::move(params), options, true, "AdamW") {}
  AdamW(std::vector<Tensor<T, D>> params, double lr) : AdamW(std::move(params), AdamWOptions(lr)) {}
  explicit AdamW(std::vector<ParamGroup> groups) : Base(std::move(groups), true, "AdamW") {}
};

}  // namespace kaon::optim
