// SPDX-License-Identifier: MIT
// Loss functions (nn::functional) with PyTorch's reductions: mse, l1, smooth_l1,
// binary_cross_entropy (log clamped at -100), binary_cross_entropy_with_logits (stable),
// cross_entropy (class indices or probabilities) and nll_loss. MSE, BCE and BCE-with-logits
// have their own backward with PyTorch's formulas; the others are composed of differentiable
// ops.
#pragma once

#include <optional>
#include <string>

#include "kaon/autograd/function.hpp"
#include "kaon/nn/activation.hpp"
#include "kaon/ops/gather.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/where.hpp"

namespace kaon::nn {

/// How a loss reduces its per-element values: their mean, their sum, or none.
enum class Reduction { Mean, Sum, None };

inline const char* reduction_name(Reduction r) {
  return r == Reduction::Mean ? "mean" : r == Reduction::Sum ? "sum" : "none";
}

namespace detail {
template <class T, class D>
Tensor<T, D> reduce(const Tensor<T, D>& loss, Reduction r) {
  return r == Reduction::Mean ? loss.mean() : r == Reduction::Sum ? loss.sum() : loss;
}
template <class A, class B>
void check_same_shape(const char* op, const A& input, const B& target) {
  KAON_CHECK(input.shape() == target.shape(), ShapeError, op, ": input of shape ", input.shape(),
             " and target of shape ", target.shape(), " differ");
}
/// Scores [N, C], int64 class targets [N] in [0, C) and class weights [C] (or none).
template <class T, class D>
void check_class_targets(const char* op, const Tensor<T, D>& input,
                         const Tensor<std::int64_t, D>& target, const Tensor<T, D>& weight) {
  KAON_CHECK(input.dim() == 2 && target.dim() == 1 && target.size(0) == input.size(0), ShapeError,
             op, ": expected input [N, C] and target [N], got ", input.shape(), " and ",
             target.shape());
  const std::int64_t C = input.size(1);
  if (target.numel() > 0) {
    const std::int64_t lo = target.min().item(), hi = target.max().item();
    KAON_CHECK(lo >= 0 && hi < C, IndexError, op, ": target ", lo < 0 ? lo : hi,
               " is out of range for ", C, " classes (shape ", input.shape(), ")");
  }
  // Not weight.shape() == Shape{C}: GCC 12 at -O3 warns that the temporary may be used
  // uninitialized (-Wmaybe-uninitialized, a false positive) in every program that calls this.
  KAON_CHECK(!weight.defined() || (weight.dim() == 1 && weight.size(0) == C), ShapeError, op,
             ": weight of shape ", weight.defined() ? weight.shape() : Shape{}, " for ", C,
             " classes");
}
}  // namespace detail

namespace ops {
// d/dx mean((x - t)^2) = 2 (x - t) / n, d/dt = -d/dx (2 (x - t) for a sum or no reduction).
// One node, MseLossBackward0 as in PyTorch; its backward is one pass unless it is recorded
// (create_graph), where it is composed of differentiable ops.
template <Reduction R>
struct MseLoss : autograd::Function<MseLoss<R>> {
  static constexpr const char* name = "MseLossBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<T, D>& t) {
    ctx.save_for_backward(x, t);
    auto d = x - t;
    d *= d;
    return detail::reduce(d, R);
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), t = ctx.template saved<T>(1);
    const double norm = R == Reduction::Mean ? 2.0 / static_cast<double>(x.numel()) : 2.0;
    const Tensor<T, D> gx =
        autograd::GradMode::is_enabled()
            ? static_cast<T>(norm) * (x - t) * g[0]
            : kaon::detail::map<T, D>("mse_loss_backward", fn::MseBackward<T>{static_cast<T>(norm)},
                                      x, t, g[0]);
    return {ctx.needs_input_grad(0) ? gx : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? -gx : Tensor<T, D>()};
  }
};

// d/dx bce(x, t) = w (x - t) / max(x (1 - x), 1e-12f) (PyTorch's float epsilon, in every dtype)
struct BinaryCrossEntropy : autograd::Function<BinaryCrossEntropy> {
  static constexpr const char* name = "BinaryCrossEntropyBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<T, D>& t, const Tensor<T, D>& w) {
    ctx.save_for_backward(x, t, w);
    return -(t * clamp_min(log(x), -100) + (1 - t) * clamp_min(log(1 - x), -100)) * w;
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), t = ctx.template saved<T>(1),
               w = ctx.template saved<T>(2);
    KAON_CHECK(!ctx.needs_input_grad(1), Error,
               "binary_cross_entropy: the gradient with respect to the target is not supported");
    return {g[0] * w * (x - t) / clamp_min(x * (1 - x), static_cast<double>(1e-12f)),
            Tensor<T, D>(), Tensor<T, D>()};
  }
};
// d/dx [(1 - t) x + L softplus(-x)] = (1 - t) - L sigmoid(-x), with L = 1 + (pos_weight - 1) t
struct BinaryCrossEntropyWithLogits : autograd::Function<BinaryCrossEntropyWithLogits> {
  static constexpr const char* name = "BinaryCrossEntropyWithLogitsBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<T, D>& t, const Tensor<T, D>& w,
                              const Tensor<T, D>& pos_weight) {
    ctx.save_for_backward(x, t, w, pos_weight);
    const auto L = 1 + (pos_weight - 1) * t;
    // softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)), which never overflows
    const auto softplus = relu(-x) + log(1 + exp(-abs(x)));
    return ((1 - t) * x + L * softplus) * w;
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), t = ctx.template saved<T>(1);
    const auto w = ctx.template saved<T>(2), pw = ctx.template saved<T>(3);
    KAON_CHECK(!ctx.needs_input_grad(1), Error,
               "binary_cross_entropy_with_logits: the gradient with respect to the target is not "
               "supported");
    const auto L = 1 + (pw - 1) * t;
    return {g[0] * w * ((1 - t) - L * sigmoid(-x)), Tensor<T, D>(), Tensor<T, D>(), Tensor<T, D>()};
  }
};
}  // namespace ops

namespace functional {

/// Mean (or sum, or none) of (input - target)^2.
template <class T, class D>
Tensor<T, D> mse_loss(const Tensor<T, D>& input, const Tensor<T, D>& target,
                      Reduction reduction = Reduction::Mean) {
  detail::check_same_shape("mse_loss", input, target);
  switch (reduction) {
    case Reduction::Mean:
      return ops::MseLoss<Reduction::Mean>::apply(input, target);
    case Reduction::Sum:
      return ops::MseLoss<Reduction::Sum>::apply(input, target);
    default:
      return ops::MseLoss<Reduction::None>::apply(input, target);
  }
}
/// |input - target|, reduced.
template <class T, class D>
Tensor<T, D> l1_loss(const Tensor<T, D>& input, const Tensor<T, D>& target,
                     Reduction reduction = Reduction::Mean) {
  detail::check_same_shape("l1_loss", input, target);
  return detail::reduce(abs(input - target), reduction);
}
/// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (Huber-like), reduced.
template <class T, class D>
Tensor<T, D> smooth_l1_loss(const Tensor<T, D>& input, const Tensor<T, D>& target,
                            Reduction reduction = Reduction::Mean, double beta = 1.0) {
  detail::check_same_shape("smooth_l1_loss", input, target);
  KAON_CHECK(beta >= 0, ValueError, "smooth_l1_loss: beta must be non-negative, got ", beta);
  const auto d = abs(input - target);
  if (beta == 0) return detail::reduce(d, reduction);
  return detail::reduce(where(d < beta, (0.5 / beta) * d * d, d - 0.5 * beta), reduction);
}
/// -w [t log(x) + (1 - t) log(1 - x)] for probabilities x, each log clamped at -100.
template <class T, class D>
Tensor<T, D> binary_cross_entropy(const Tensor<T, D>& input, const Tensor<T, D>& target,
                                  const Tensor<T, D>& weight = {},
                                  Reduction reduction = Reduction::Mean) {
  detail::check_same_shape("binary_cross_entropy", input, target);
  if (input.numel() > 0) {  // a NaN makes min or max NaN, which fails the check too
    NoGradGuard no_grad;
    const double lo = input.min().template item<double>(), hi = input.max().template item<double>();
    KAON_CHECK(lo >= 0 && hi <= 1, ValueError,
               "binary_cross_entropy: all elements of input should be between 0 and 1 (input of "
               "shape ",
               input.shape(), " holds values from ", lo, " to ", hi,
               "); for logits use binary_cross_entropy_with_logits");
  }
  const auto w = weight.defined() ? weight : ones<T, D>({});
  return detail::reduce(ops::BinaryCrossEntropy::apply(input, target, w), reduction);
}
/// BCE of sigmoid(x) computed stably from the logits x; pos_weight weighs the positives.
template <class T, class D>
Tensor<T, D> binary_cross_entropy_with_logits(const Tensor<T, D>& input, const Tensor<T, D>& target,
                                              const Tensor<T, D>& weight = {},
                                              const Tensor<T, D>& pos_weight = {},
                                              Reduction reduction = Reduction::Mean) {
  detail::check_same_shape("binary_cross_entropy_with_logits", input, target);
  const auto w = weight.defined() ? weight : ones<T, D>({});
  const auto pw = pos_weight.defined() ? pos_weight : ones<T, D>({});
  return detail::reduce(ops::BinaryCrossEntropyWithLogits::apply(input, target, w, pw), reduction);
}
/// Negative log likelihood of log-probabilities [N, C] at int64 class targets [N]; the mean is
/// weighted by the targets' class weights, as PyTorch's.
template <class T, class D>
Tensor<T, D> nll_loss(const Tensor<T, D>& input, const Tensor<std::int64_t, D>& target,
                      const Tensor<T, D>& weight = {}, Reduction reduction = Reduction::Mean) {
  detail::check_class_targets("nll_loss", input, target, weight);
  const auto picked = gather(input, 1, target.unsqueeze(1)).squeeze(1);
  if (!weight.defined()) return detail::reduce(-picked, reduction);
  const auto w = weight.index_select(0, target);
  const auto losses = -picked * w;
  if (reduction == Reduction::Mean) return losses.sum() / w.sum();
  return detail::reduce(losses, reduction);
}
/// log_softmax + nll_loss for int64 class targets [N].
template <class T, class D>
Tensor<T, D> cross_entropy(const Tensor<T, D>& input, const Tensor<std::int64_t, D>& target,
                           const Tensor<T, D>& weight = {}, Reduction reduction = Reduction::Mean) {
  detail::check_class_targets("cross_entropy", input, target, weight);
  return nll_loss(log_softmax(input, 1), target, weight, reduction);
}
/// Cross entropy against class probabilities [N, C]: -sum_c w_c p_c log_softmax(x)_c.
template <class T, class D>
Tensor<T, D> cross_entropy(const Tensor<T, D>& input, const Tensor<T, D>& target,
                           const Tensor<T, D>& weight = {}, Reduction reduction = Reduction::Mean) {
  detail::check_same_shape("cross_entropy", input, target);
  auto terms = log_softmax(input, 1) * target;
  if (weight.defined()) terms = terms * weight;
  const auto losses = -terms.sum(1);
  return detail::reduce(losses, reduction);
}

}  // namespace functional
}  // namespace kaon::nn
