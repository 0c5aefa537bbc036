// SPDX-License-Identifier: MIT
// Parameter initialisation (torch.nn.init): uniform, normal, constants, the Kaiming and Xavier
// rules and orthogonal, drawn from kaon's seeded default generator (so the same distributions as
// PyTorch's, not the same draws). They change a parameter in place without recording.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/random.hpp"

namespace kaon::nn::init {

/// Fills t with U[a, b).
template <class T, class D>
Tensor<T, D>& uniform_(Tensor<T, D>& t, double a = 0, double b = 1) {
  KAON_CHECK(a <= b, ValueError, "uniform_: expects a <= b, got a = ", a, " and b = ", b);
  NoGradGuard no_grad;
  t.copy_(rand<T, D>(t.shape()) * static_cast<T>(b - a) + static_cast<T>(a));
  return t;
}
/// Fills t with N(mean, std^2).
template <class T, class D>
Tensor<T, D>& normal_(Tensor<T, D>& t, double mean = 0, double std = 1) {
  KAON_CHECK(std >= 0, ValueError, "normal_: expects std >= 0, got ", std);
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
template <class T, class D>
Tensor<T, D>& ones_(Tensor<T, D>& t) {
  return constant_(t, 1);
}

/// fan_in of a weight [out, in, ...] (the product of all dims but the first).
template <class T, class D>
std::int64_t fan_in(const Tensor<T, D>& w) {
  KAON_CHECK(w.dim() >= 2, ShapeError, "init: fan in needs a tensor with at least 2 dims, got ",
             w.shape());
  return w.numel() / w.size(0);
}
/// fan_out of a weight [out, in, ...] (the product of all dims but the second).
template <class T, class D>
std::int64_t fan_out(const Tensor<T, D>& w) {
  KAON_CHECK(w.dim() >= 2, ShapeError, "init: fan out needs a tensor with at least 2 dims, got ",
             w.shape());
  return w.numel() / w.size(1);
}

/// The gain torch.nn.init.calculate_gain recommends for a nonlinearity: 1 for linear and
/// sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + param^2)) for leaky_relu, 3/4 for selu.
inline double calculate_gain(const std::string& nonlinearity, double param = 0.01) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity == "identity") return 1;
  if (nonlinearity == "tanh") return 5.0 / 3;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1 + param * param));
  if (nonlinearity == "selu") return 3.0 / 4;
  throw ValueError("calculate_gain: unsupported nonlinearity \"" + nonlinearity + "\"");
}

namespace detail {
/// gain / sqrt(fan) for the Kaiming rules; mode "fan_in" or "fan_out".
template <class T, class D>
double kaiming_std(const Tensor<T, D>& w, double a, const std::string& mode,
                   const std::string& nonlinearity) {
  KAON_CHECK(mode == "fan_in" || mode == "fan_out", ValueError,
             "init: mode must be \"fan_in\" or \"fan_out\", got \"", mode, "\"");
  const auto fan = static_cast<double>(mode == "fan_in" ? fan_in(w) : fan_out(w));
  return calculate_gain(nonlinearity, a) / std::sqrt(fan);
}
}  // namespace detail

/// Kaiming (He) uniform: U(-bound, bound) with bound = sqrt(3) gain / sqrt(fan). With the
/// defaults and a = sqrt(5) this is Linear's default, U(-1/sqrt(in), 1/sqrt(in)).
template <class T, class D>
Tensor<T, D>& kaiming_uniform_(Tensor<T, D>& w, double a = 0, const std::string& mode = "fan_in",
                               const std::string& nonlinearity = "leaky_relu") {
  const double bound = std::sqrt(3.0) * detail::kaiming_std(w, a, mode, nonlinearity);
  return uniform_(w, -bound, bound);
}
/// Kaiming (He) normal: N(0, (gain / sqrt(fan))^2).
template <class T, class D>
Tensor<T, D>& kaiming_normal_(Tensor<T, D>& w, double a = 0, const std::string& mode = "fan_in",
                              const std::string& nonlinearity = "leaky_relu") {
  return normal_(w, 0, detail::kaiming_std(w, a, mode, nonlinearity));
}
/// Xavier (Glorot) uniform: U(-b, b) with b = gain sqrt(6 / (fan_in + fan_out)).
template <class T, class D>
Tensor<T, D>& xavier_uniform_(Tensor<T, D>& w, double gain = 1) {
  const auto fans = static_cast<double>(fan_in(w) + fan_out(w));
  const double b = gain * std::sqrt(6.0 / fans);
  return uniform_(w, -b, b);
}
/// Xavier (Glorot) normal: N(0, gain^2 2 / (fan_in + fan_out)).
template <class T, class D>
Tensor<T, D>& xavier_normal_(Tensor<T, D>& w, double gain = 1) {
  const auto fans = static_cast<double>(fan_in(w) + fan_out(w));
  return normal_(w, 0, gain * std::sqrt(2.0 / fans));
}

/// A (semi-)orthogonal matrix times gain, as torch.nn.init.orthogonal_: the Q of the QR
/// decomposition of a normal matrix, with R's diagonal made positive, so that Q is uniformly
/// distributed. w is seen as [size(0), numel / size(0)]; its rows (or columns, whichever are
/// fewer) come out orthonormal.
template <class T, class D>
Tensor<T, D>& orthogonal_(Tensor<T, D>& w, double gain = 1) {
  KAON_CHECK(w.dim() >= 2, ShapeError, "orthogonal_: needs a tensor with at least 2 dims, got ",
             w.shape());
  const std::int64_t rows = w.size(0), cols = w.numel() / rows;
  // Gram-Schmidt (twice, for accuracy) on the k = min(rows, cols) vectors of length
  // n = max(rows, cols); it gives the Q with a positive diagonal in R.
  const std::int64_t n = std::max(rows, cols), k = std::min(rows, cols);
  auto draw = randn<double, cpu>({k, n}).to_vector();
  auto at = [&](std::int64_t v, std::int64_t i) -> double& {
    return draw[static_cast<std::size_t>(v * n + i)];
  };
  for (std::int64_t v = 0; v < k; ++v) {
    for (int pass = 0; pass < 2; ++pass)
      for (std::int64_t u = 0; u < v; ++u) {
        double dot = 0;
        for (std::int64_t i = 0; i < n; ++i) dot += at(u, i) * at(v, i);
        for (std::int64_t i = 0; i < n; ++i) at(v, i) -= dot * at(u, i);
      }
    double norm = 0;
    for (std::int64_t i = 0; i < n; ++i) norm += at(v, i) * at(v, i);
    norm = std::sqrt(norm);
    for (std::int64_t i = 0; i < n; ++i) at(v, i) /= norm;
  }
  // The k orthonormal vectors are the rows of w when rows <= cols, else its columns.
  std::vector<T> out(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c)
      out[static_cast<std::size_t>(r * cols + c)] =
          static_cast<T>(gain * (rows <= cols ? at(r, c) : at(c, r)));
  NoGradGuard no_grad;
  w.copy_(from_vector<T, D>(out, w.shape()));
  return w;
}

}  // namespace kaon::nn::init
