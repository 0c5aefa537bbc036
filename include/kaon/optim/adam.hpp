// SPDX-License-Identifier: MIT
// optim::Adam and optim::AdamW: adaptive moment estimation with bias correction, optional
// AMSGrad, and L2 weight decay (Adam) or decoupled weight decay (AdamW), with torch.optim's
// update.
#pragma once

#include <cmath>

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/macros.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// Adam's options: AdamOptions(1e-3).betas(0.9, 0.999).eps(1e-8).weight_decay(0).amsgrad(false).
struct AdamOptions {
  explicit AdamOptions(double lr = 1e-3) : lr_(lr) {}
  AdamOptions& betas(double b1, double b2) { return beta1_ = b1, beta2_ = b2, *this; }
  AdamOptions& eps(double v) { return eps_ = v, *this; }
  AdamOptions& weight_decay(double v) { return weight_decay_ = v, *this; }
  AdamOptions& amsgrad(bool v) { return amsgrad_ = v, *this; }
  double lr_, beta1_ = 0.9, beta2_ = 0.999, eps_ = 1e-8, weight_decay_ = 0;
  bool amsgrad_ = false;
};
/// AdamW's options; its weight decay defaults to 0.01, as PyTorch's.
struct AdamWOptions : AdamOptions {
  explicit AdamWOptions(double lr = 1e-3) : AdamOptions(lr) { weight_decay_ = 0.01; }
  AdamWOptions& betas(double b1, double b2) { return AdamOptions::betas(b1, b2), *this; }
  AdamWOptions& eps(double v) { return AdamOptions::eps(v), *this; }
  AdamWOptions& weight_decay(double v) { return AdamOptions::weight_decay(v), *this; }
  AdamWOptions& amsgrad(bool v) { return AdamOptions::amsgrad(v), *this; }
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
template <class T, class D>
class AdamBase : public Optimizer<T, D> {
 public:
  AdamBase(std::vector<Tensor<T, D>> params, AdamOptions options, bool decoupled, const char* name)
      : Optimizer<T, D>(std::move(params), options.lr_, name),
        options(options),
        decoupled_(decoupled) {
    KAON_CHECK(options.eps_ >= 0, ValueError, name, ": invalid epsilon value: ", options.eps_);
    KAON_CHECK(options.beta1_ >= 0 && options.beta1_ < 1, ValueError, name,
               ": invalid beta parameter at index 0: ", options.beta1_);
    KAON_CHECK(options.beta2_ >= 0 && options.beta2_ < 1, ValueError, name,
               ": invalid beta parameter at index 1: ", options.beta2_);
    KAON_CHECK(options.weight_decay_ >= 0, ValueError, name,
               ": invalid weight_decay value: ", options.weight_decay_);
  }

  void step() override {
    this->update_each([&](std::size_t i, Tensor<T, D>& p, const Tensor<T, D>& g) {
      auto zeros = [&] { return zeros_like_param(p); };
      auto& m = this->state(i, "exp_avg", zeros);
      auto& v = this->state(i, "exp_avg_sq", zeros);
      const double step = this->next_step(i);
      const double bc1 = 1 - std::pow(options.beta1_, step);
      const double bc2 = 1 - std::pow(options.beta2_, step);
      const fn::AdamUpdate<T> f{
          static_cast<T>(options.beta1_),
          static_cast<T>(1 - options.beta1_),
          static_cast<T>(options.beta2_),
          static_cast<T>(1 - options.beta2_),
          static_cast<T>(options.eps_),
          static_cast<T>(decoupled_ ? 0.0 : options.weight_decay_),
          static_cast<T>(decoupled_ ? 1 - this->lr_ * options.weight_decay_ : 1.0),
          static_cast<T>(this->lr_ / bc1),
          static_cast<T>(std::sqrt(bc2))};
      if (options.amsgrad_)
        backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), m.data_ptr(), v.data_ptr(),
                             this->state(i, "max_exp_avg_sq", zeros).data_ptr());
      else
        backend<D>::for_each(p.numel(), f, p.data_ptr(), g.data_ptr(), m.data_ptr(), v.data_ptr());
    });
  }

  AdamOptions options;

 private:
  bool decoupled_;
};
}  // namespace detail

/// Adam (Kingma and Ba), with L2 weight decay added to the gradient.
template <class T = float, class D = cpu>
class Adam : public detail::AdamBase<T, D> {
 public:
  Adam(std::vector<Tensor<T, D>> params, AdamOptions options = AdamOptions())
      : detail::AdamBase<T, D>(std::move(params), options, false, "Adam") {}
  Adam(std::vector<Tensor<T, D>> params, double lr) : Adam(std::move(params), AdamOptions(lr)) {}
};

/// AdamW (Loshchilov and Hutter): weight decay applied to the parameters directly.
template <class T = float, class D = cpu>
class AdamW : public detail::AdamBase<T, D> {
 public:
  AdamW(std::vector<Tensor<T, D>> params, AdamWOptions options = AdamWOptions())
      : detail::AdamBase<T, D>(std::move(params), options, true, "AdamW") {}
  AdamW(std::vector<Tensor<T, D>> params, double lr) : AdamW(std::move(params), AdamWOptions(lr)) {}
};

}  // namespace kaon::optim
