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
#include <tuple>
#include <type_traits>
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

namespace detail {
/// The arrays I of `all` split alike: {a_train, a_test, b_train, b_test, ...}.
template <class Tuple, std::size_t... I>
auto split_all(const SplitOptions& options, const Tuple& all, std::index_sequence<I...>) {
  const std::int64_t rows = std::get<0>(all).dim() >= 1 ? std::get<0>(all).size(0) : -1;
  std::size_t i = 0;
  auto check = [&](const auto& a) {
    KAON_CHECK(a.dim() >= 1 && a.size(0) == rows, ShapeError, "train_test_split: array ", i,
               " has shape ", a.shape(), "; every array needs the ", rows, " rows of the first");
    ++i;
  };
  (check(std::get<I>(all)), ...);
  const auto [train, test] = split_indices(rows, options);
  auto part = [](const auto& a, const Tensor<std::int64_t>& idx) {
    using A = std::remove_cvref_t<decltype(a)>;
    return a.index_select(0, idx.template to<typename A::device_type>());
  };
  return std::tuple_cat(
      std::make_tuple(part(std::get<I>(all), train), part(std::get<I>(all), test))...);
}
}  // namespace detail

/// Any number of arrays (features, labels, weights, event numbers...) split alike, options
/// last, as scikit-learn's `train_test_split(*arrays)`: a std::tuple {a_train, a_test, b_train,
/// b_test, ...}.
///   auto [x_tr, x_te, y_tr, y_te, w_tr, w_te] =
///       data::train_test_split(x, y, w, data::SplitOptions{.test_size = 0.2, .seed = 1});
/// (Two arrays with options in braces take the form above, which names its parts.)
template <class... Args>
auto train_test_split(const Args&... args) {
  constexpr std::size_t n = sizeof...(Args);
  const auto all = std::forward_as_tuple(args...);
  using Last = std::remove_cvref_t<std::tuple_element_t<n - 1, std::tuple<Args...>>>;
  if constexpr (std::is_same_v<Last, SplitOptions>) {
    static_assert(n >= 2, "train_test_split: give at least one tensor to split");
    return detail::split_all(std::get<n - 1>(all), all, std::make_index_sequence<n - 1>{});
  } else {
    return detail::split_all(SplitOptions{}, all, std::make_index_sequence<n>{});
  }
}

}  // namespace kaon::data
