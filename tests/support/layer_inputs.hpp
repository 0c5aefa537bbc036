// SPDX-License-Identifier: MIT
// The inputs of tools/gen_autograd_reference.py's layer sections (8: Linear + ReLU, 9: Linear,
// ReLU, Linear), built from the same formulas of the indices, so the tests need no stored copy:
// x [n, k], the first layer's W1 [m, k] and b1 [m], the second's W2 [p, m] and b2 [p], and the
// gradient G [n, width] that flows back into the last layer's output.
#pragma once

#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <vector>

namespace kaon_test {

/// The [rows, cols] tensor whose element (i, j) is f(i, j).
template <class F>
kaon::Tensor<double> of_indices(std::int64_t rows, std::int64_t cols, const F& f) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(rows * cols));
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      v.push_back(f(static_cast<double>(i), static_cast<double>(j)));
  return kaon::from_vector(v, {rows, cols});
}

inline kaon::Tensor<double> layer_x(std::int64_t n, std::int64_t k) {
  return of_indices(n, k, [](double i, double c) { return 2 * std::sin(0.7 * i + 1.3 * c + 0.1); });
}
inline kaon::Tensor<double> layer_W1(std::int64_t m, std::int64_t k) {
  return of_indices(m, k, [](double j, double c) { return std::cos(0.9 * j - 0.4 * c); });
}
inline kaon::Tensor<double> layer_b1(std::int64_t m) {
  return of_indices(1, m, [](double, double j) { return 0.5 * std::sin(1.7 * j); }).reshape({m});
}
inline kaon::Tensor<double> layer_W2(std::int64_t p, std::int64_t m) {
  return of_indices(p, m, [](double q, double j) { return 0.3 * std::cos(0.5 * j + 1.1 * q); });
}
inline kaon::Tensor<double> layer_b2(std::int64_t p) {
  return of_indices(1, p, [](double, double q) { return 0.2 * q - 0.1; }).reshape({p});
}
inline kaon::Tensor<double> layer_G(std::int64_t n, std::int64_t width) {
  return of_indices(n, width, [](double i, double j) { return std::cos(0.3 * i + 0.77 * j); });
}

}  // namespace kaon_test
