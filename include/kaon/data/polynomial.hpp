// SPDX-License-Identifier: MIT
// data::polynomial_features: every product of the input columns up to a degree, in
// scikit-learn's PolynomialFeatures column order (by degree, then combinations with repetition in
// lexicographic order: 1, a, b, a^2, ab, b^2, ...). Built from tensor ops, so it is differentiable.
//
//   auto xp = data::polynomial_features(x, 4, false);   // PolynomialFeatures(4,
//   include_bias=False)
#pragma once

#include <cstdint>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::data {

/// x: [rows, features] -> [rows, number of monomials of degree <= `degree`].
template <class T, class D>
Tensor<T, D> polynomial_features(const Tensor<T, D>& x, std::int64_t degree,
                                 bool include_bias = true) {
  KAON_CHECK(x.dim() == 2, ShapeError, "polynomial_features: expected [rows, features], got ",
             x.shape());
  KAON_CHECK(degree >= 0 && (degree > 0 || include_bias), ValueError,
             "polynomial_features: degree must be positive (or 0 with include_bias), got ", degree);
  const std::int64_t features = x.size(1);
  std::vector<Tensor<T, D>> columns;
  if (include_bias) columns.push_back(ones<T, D>({x.size(0), 1}));
  // Each monomial of degree d extends one of degree d-1 by a column index at least its last one;
  // `last[k]` is that last index for monomial k of the previous degree.
  std::vector<Tensor<T, D>> previous{ones<T, D>({x.size(0), 1})};
  std::vector<std::int64_t> last{0};
  for (std::int64_t d = 1; d <= degree; ++d) {
    std::vector<Tensor<T, D>> current;
    std::vector<std::int64_t> current_last;
    for (std::size_t k = 0; k < previous.size(); ++k) {
      for (std::int64_t j = last[k]; j < features; ++j) {
        const auto column = x.slice(1, j, j + 1);
        current.push_back(d == 1 ? column : previous[k] * column);
        current_last.push_back(j);
      }
    }
    columns.insert(columns.end(), current.begin(), current.end());
    previous = std::move(current);
    last = std::move(current_last);
  }
  return cat(columns, 1);
}

}  // namespace kaon::data
