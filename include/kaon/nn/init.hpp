// SPDX-License-Identifier: MIT
// Parameter initialisation (torch.nn.init): uniform, normal, constants, and the
// Kaiming/Xavier rules, drawn from kaon's seeded default generator. They change a parameter in
// place without recording.
#pragma once

#include <cmath>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/ops/random.hpp"

namespace kaon::nn::init {

/// Fills t with U[a, b).
template <class T, class D>
Tensor<T, D>& uniform_(Tensor<T, D>& t, double a = 0, double b = 1) {
  NoGradGuard no_grad;
  t.copy_(rand<T, D>(t.shape()) * static_cast<T>(b - a) + static_cast<T>(a));
  return t;
}
/// Fills t with N(mean, std^2).
template <class T, class D>
Tensor<T, D>& normal_(Tensor<T, D>& t, double mean = 0, double std = 1) {
  NoGradGuard no_grad;
  t.copy_(randn<T, D>(t.shape()) * static_cast<T>(std) + static_cast<T>(mean));
  return t;
}
template <class T, class D>
Tensor<T, D>& constant_(Tensor<T, D>& t, double value) {
  NoGradGuard no_grad;
  t.fill_(static_cast<T>(value));
  return t;
}
template <class T, class D>
Tensor<T, D>& zeros_(Tensor<T, D>& t) {
  return constant_(t, 0);
}

/// fan_in of a weight [out, in, ...] (the product of all dims but the first).
template <class T, class D>
std::int64_t fan_in(const Tensor<T, D>& w) {
  KAON_CHECK(w.dim() >= 2, ShapeError, "init: fan in needs a tensor with at least 2 dims, got ",
             w.shape());
  return w.numel() / w.size(0);
}

/// Kaiming (He) uniform with leaky-relu slope a, fan_in mode: U(-bound, bound) with
/// bound = sqrt(6 / ((1 + a^2) fan_in)). With a = sqrt(5) this is Linear's default,
/// U(-1/sqrt(in), 1/sqrt(in)).
template <class T, class D>
Tensor<T, D>& kaiming_uniform_(Tensor<T, D>& w, double a = 0) {
  const double bound = std::sqrt(6.0 / ((1 + a * a) * static_cast<double>(fan_in(w))));
  return uniform_(w, -bound, bound);
}
/// Xavier (Glorot) uniform: U(-b, b) with b = gain sqrt(6 / (fan_in + fan_out)).
template <class T, class D>
Tensor<T, D>& xavier_uniform_(Tensor<T, D>& w, double gain = 1) {
  const double fan_out = static_cast<double>(w.numel() / w.size(1));
  const double b = gain * std::sqrt(6.0 / (static_cast<double>(fan_in(w)) + fan_out));
  return uniform_(w, -b, b);
}

}  // namespace kaon::nn::init
