// SPDX-License-Identifier: MIT
// Loss modules (MSELoss, L1Loss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss,
// NLLLoss): each holds its options and calls the nn::functional form, as torch.nn's do.
#pragma once

#include <string>

#include "kaon/nn/loss.hpp"
#include "kaon/nn/module.hpp"

namespace kaon::nn {

namespace detail {
template <class T, class D>
class LossBase : public Module<T, D> {
 public:
  LossBase(const char* name, Reduction reduction) : Module<T, D>(name), reduction(reduction) {}
  Reduction reduction;
};
}  // namespace detail

/// Mean squared error.
template <class T = float, class D = cpu>
struct MSELoss : detail::LossBase<T, D> {
  explicit MSELoss(Reduction r = Reduction::Mean) : detail::LossBase<T, D>("MSELoss", r) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::mse_loss(x, y, this->reduction);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return forward(x, y);
  }
};
/// Mean absolute error.
template <class T = float, class D = cpu>
struct L1Loss : detail::LossBase<T, D> {
  explicit L1Loss(Reduction r = Reduction::Mean) : detail::LossBase<T, D>("L1Loss", r) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::l1_loss(x, y, this->reduction);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return forward(x, y);
  }
};
/// Smooth L1 (quadratic below beta, linear above).
template <class T = float, class D = cpu>
struct SmoothL1Loss : detail::LossBase<T, D> {
  explicit SmoothL1Loss(Reduction r = Reduction::Mean, double beta = 1.0)
      : detail::LossBase<T, D>("SmoothL1Loss", r), beta(beta) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::smooth_l1_loss(x, y, this->reduction, beta);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return forward(x, y);
  }
  double beta;
};
/// Binary cross entropy of probabilities, with optional per-element weights.
template <class T = float, class D = cpu>
struct BCELoss : detail::LossBase<T, D> {
  explicit BCELoss(Tensor<T, D> weight = {}, Reduction r = Reduction::Mean)
      : detail::LossBase<T, D>("BCELoss", r), weight(std::move(weight)) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::binary_cross_entropy(x, y, weight, this->reduction);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return forward(x, y);
  }
  Tensor<T, D> weight;
};
/// Binary cross entropy from logits, numerically stable, with optional pos_weight.
template <class T = float, class D = cpu>
struct BCEWithLogitsLoss : detail::LossBase<T, D> {
  explicit BCEWithLogitsLoss(Tensor<T, D> weight = {}, Reduction r = Reduction::Mean,
                             Tensor<T, D> pos_weight = {})
      : detail::LossBase<T, D>("BCEWithLogitsLoss", r),
        weight(std::move(weight)),
        pos_weight(std::move(pos_weight)) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::binary_cross_entropy_with_logits(x, y, weight, pos_weight, this->reduction);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return forward(x, y);
  }
  Tensor<T, D> weight, pos_weight;
};
/// Cross entropy of logits [N, C] against int64 classes [N] or probabilities [N, C].
template <class T = float, class D = cpu>
struct CrossEntropyLoss : detail::LossBase<T, D> {
  explicit CrossEntropyLoss(Tensor<T, D> weight = {}, Reduction r = Reduction::Mean)
      : detail::LossBase<T, D>("CrossEntropyLoss", r), weight(std::move(weight)) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<std::int64_t, D>& y) const {
    return functional::cross_entropy(x, y, weight, this->reduction);
  }
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return functional::cross_entropy(x, y, weight, this->reduction);
  }
  template <class Y>
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Y& y) const {
    return forward(x, y);
  }
  Tensor<T, D> weight;
};
/// Negative log likelihood of log-probabilities [N, C] at int64 classes [N].
template <class T = float, class D = cpu>
struct NLLLoss : detail::LossBase<T, D> {
  explicit NLLLoss(Tensor<T, D> weight = {}, Reduction r = Reduction::Mean)
      : detail::LossBase<T, D>("NLLLoss", r), weight(std::move(weight)) {}
  Tensor<T, D> forward(const Tensor<T, D>& x, const Tensor<std::int64_t, D>& y) const {
    return functional::nll_loss(x, y, weight, this->reduction);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x, const Tensor<std::int64_t, D>& y) const {
    return forward(x, y);
  }
  Tensor<T, D> weight;
};

}  // namespace kaon::nn
