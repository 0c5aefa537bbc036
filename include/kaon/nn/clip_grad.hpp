// SPDX-License-Identifier: MIT
// Gradient clipping, as torch.nn.utils: clip_grad_norm_ scales all gradients together so that
// their total norm is at most max_norm; clip_grad_value_ clamps each gradient element. Both
// change the parameters' .grad() in place; parameters without a gradient are skipped.
#pragma once

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"

namespace kaon::nn::utils {

/// Scales every gradient by max_norm / (total norm + 1e-6) when that is below 1, where the
/// total norm is the norm_type-norm of all gradients seen as one vector (inf: the largest
/// |element|). Returns the total norm before clipping, as LibTorch's.
template <class T, class D>
double clip_grad_norm_(const std::vector<Tensor<T, D>>& parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false) {
  static_assert(std::is_floating_point_v<T>, "clip_grad_norm_: parameters are float or double");
  NoGradGuard no_grad;
  std::vector<Tensor<T, D>> grads, norms;
  for (const auto& p : parameters)
    if (auto g = p.grad(); g.defined()) grads.push_back(g);
  if (grads.empty()) return 0.0;
  const bool inf = std::isinf(norm_type);
  for (const auto& g : grads) norms.push_back(inf ? abs(g).max() : norm(g, norm_type));
  const auto all = stack(norms);
  const Tensor<T, D> total = inf ? all.max() : norm(all, norm_type);
  const double total_value = static_cast<double>(total.item());
  KAON_CHECK(!error_if_nonfinite || std::isfinite(total_value), ValueError,
             "clip_grad_norm_: the total norm of order ", norm_type, " of the gradients is ",
             total_value, "; pass error_if_nonfinite = false to clip anyway");
  const auto coef = clamp_max(static_cast<T>(max_norm) / (total + static_cast<T>(1e-6)), 1.0);
  for (auto& g : grads) g *= coef;
  return total_value;
}

template <class T, class D>
double clip_grad_norm_(std::initializer_list<Tensor<T, D>> parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false) {
  return clip_grad_norm_(std::vector<Tensor<T, D>>(parameters), max_norm, norm_type,
                         error_if_nonfinite);
}

/// Clamps every gradient element to [-clip_value, clip_value].
template <class T, class D>
void clip_grad_value_(const std::vector<Tensor<T, D>>& parameters, double clip_value) {
  KAON_CHECK(clip_value >= 0, ValueError, "clip_grad_value_: clip_value must be >= 0, got ",
             clip_value);
  NoGradGuard no_grad;
  for (const auto& p : parameters)
    if (auto g = p.grad(); g.defined()) g.copy_(clamp(g, -clip_value, clip_value));
}

template <class T, class D>
void clip_grad_value_(std::initializer_list<Tensor<T, D>> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor<T, D>>(parameters), clip_value);
}

}  // namespace kaon::nn::utils
