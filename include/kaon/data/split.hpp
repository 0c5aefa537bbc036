// SPDX-License-Identifier: MIT
// data::train_test_split: scikit-learn's split sizes (test = ceil(test_size * n), train the
// rest) with a shuffled order drawn from kaon's default generator or from a seed of its own.
//
//   auto [x_train, x_test, y_train, y_test] =
//       data::train_test_split(x, y, {.test_size = 0.2, .seed = 42});   // random_state=42
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/random.hpp"

namespace kaon::data {

struct SplitOptions {
  /// A fraction in (0, 1), or a whole number >= 1 of test rows.
  double test_size = 0.25;
  bool shuffle = true;
  /// Shuffle with a stream of its own (scikit-learn's random_state); else the default generator.
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// The sizes scikit-learn gives: {train rows, test rows}.
inline std::pair<std::int64_t, std::int64_t> split_sizes(std::int64_t n, double test_size) {
  std::int64_t n_test = 0;
  if (test_size > 0 && test_size < 1) {
    n_test = static_cast<std::int64_t>(std::ceil(test_size * static_cast<double>(n)));
  } else {
    KAON_CHECK(
        test_size >= 1 && test_size == std::floor(test_size) && test_size < static_cast<double>(n),
        ValueError,
        "train_test_split: test_size must be a fraction in (0, 1) or a whole number of "
        "rows fewer than the ",
        n, " rows, got ", test_size);
    n_test = static_cast<std::int64_t>(test_size);
  }
  KAON_CHECK(n_test < n, ValueError, "train_test_split: test_size ", test_size,
             " leaves no rows of ", n, " to train on");
  return {n - n_test, n_test};
}

/// Row indices {train, test}: test rows first in the drawn order, as scikit-learn's ShuffleSplit.
inline std::pair<Tensor<std::int64_t>, Tensor<std::int64_t>> split_indices(
    std::int64_t n, const SplitOptions& options = {}) {
  const auto [n_train, n_test] = split_sizes(n, options.test_size);
  Tensor<std::int64_t> order;
  if (!options.shuffle) {
    // Without shuffling scikit-learn takes the first rows for training.
    order = cat(std::vector{arange<std::int64_t>(n_train, n), arange<std::int64_t>(0, n_train)});
  } else if (options.seed) {
    order = from_vector<std::int64_t>(kaon::detail::permutation(n, *options.seed, 0));
  } else {
    order = randperm(n);
  }
  return {order.slice(0, n_test, n), order.slice(0, 0, n_test)};
}

template <class X, class Y>
struct TrainTestSplit {
  X x_train, x_test;
  Y y_train, y_test;
};

/// Splits the rows of x and y alike into train and test parts.
template <class TX, class TY, class D>
TrainTestSplit<Tensor<TX, D>, Tensor<TY, D>> train_test_split(const Tensor<TX, D>& x,
                                                              const Tensor<TY, D>& y,
                                                              const SplitOptions& options = {}) {
  KAON_CHECK(x.dim() >= 1 && y.dim() >= 1 && x.size(0) == y.size(0), ShapeError,
             "train_test_split: x and y need the same number of rows, got ", x.shape(), " and ",
             y.shape());
  const auto [train, test] = split_indices(x.size(0), options);
  const auto tr = train.template to<D>(), te = test.template to<D>();
  return {x.index_select(0, tr), x.index_select(0, te), y.index_select(0, tr),
          y.index_select(0, te)};
}

}  // namespace kaon::data
