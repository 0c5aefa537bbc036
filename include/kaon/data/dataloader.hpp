// SPDX-License-Identifier: MIT
// data::TensorDataset and data::DataLoader: mini-batches of (x, y) rows, as torch.utils.data.
//
//   data::TensorDataset dataset(x, y);                                 // TensorDataset(x, y)
//   data::DataLoader loader(dataset, {.batch_size = 32, .shuffle = true});
//   for (auto [xb, yb] : loader) { ... }                              // for xb, yb in loader:
//
// A shuffling loader draws a new order each time iteration starts, from kaon's default generator
// (so kaon::manual_seed makes it reproducible) or, with `.seed`, from a stream of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/random.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/random.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::data {

/// Rows of inputs and targets that belong together; row i of x goes with row i of y.
template <class X, class Y>
class TensorDataset {
 public:
  TensorDataset(X x, Y y) : x_(std::move(x)), y_(std::move(y)) {
    KAON_CHECK(x_.dim() >= 1 && y_.dim() >= 1 && x_.size(0) == y_.size(0), ShapeError,
               "TensorDataset: inputs and targets need the same number of rows, got ", x_.shape(),
               " and ", y_.shape());
  }
  [[nodiscard]] std::int64_t size() const { return x_.size(0); }
  [[nodiscard]] const X& inputs() const { return x_; }
  [[nodiscard]] const Y& targets() const { return y_; }
  /// Row i as an (x, y) pair, as `dataset[i]`.
  [[nodiscard]] std::pair<X, Y> operator[](std::int64_t i) const {
    return {x_.select(0, i), y_.select(0, i)};
  }

 private:
  X x_;
  Y y_;
};

struct LoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  /// Drops a last batch smaller than batch_size.
  bool drop_last = false;
  /// A stream of the loader's own for shuffling; without it, the default generator is used.
  std::optional<std::uint64_t> seed = std::nullopt;
};

template <class Dataset>
class DataLoader {
 public:
  using X = std::remove_cvref_t<decltype(std::declval<Dataset>().inputs())>;
  using Y = std::remove_cvref_t<decltype(std::declval<Dataset>().targets())>;
  using Batch = std::pair<X, Y>;

  explicit DataLoader(Dataset dataset, LoaderOptions options = {})
      : dataset_(std::move(dataset)), options_(options) {
    KAON_CHECK(options_.batch_size > 0, ValueError, "DataLoader: batch_size must be positive, got ",
               options_.batch_size);
  }

  /// Batches per pass, as `len(loader)`.
  [[nodiscard]] std::int64_t size() const {
    const std::int64_t n = dataset_.size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }
  [[nodiscard]] const Dataset& dataset() const { return dataset_; }
  [[nodiscard]] const LoaderOptions& options() const { return options_; }

  class iterator {
   public:
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;

    [[nodiscard]] Batch operator*() const { return loader_->batch(order_, index_); }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    void operator++(int) { ++index_; }
    [[nodiscard]] bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    friend class DataLoader;
    iterator(const DataLoader* loader, std::shared_ptr<const Tensor<std::int64_t>> order,
             std::int64_t index)
        : loader_(loader), order_(std::move(order)), index_(index) {}
    const DataLoader* loader_;
    std::shared_ptr<const Tensor<std::int64_t>> order_;  // null: rows in order
    std::int64_t index_;
  };

  /// Starts a pass; a shuffling loader draws a fresh order here.
  [[nodiscard]] iterator begin() {
    std::shared_ptr<const Tensor<std::int64_t>> order;
    if (options_.shuffle) order = std::make_shared<const Tensor<std::int64_t>>(draw_order());
    return iterator(this, std::move(order), 0);
  }
  [[nodiscard]] iterator end() const { return iterator(this, nullptr, size()); }

 private:
  Tensor<std::int64_t> draw_order() {
    const std::int64_t n = dataset_.size();
    if (!options_.seed) return randperm(n);
    const auto perm = kaon::detail::permutation(n, *options_.seed, offset_);
    offset_ += static_cast<std::uint64_t>(n);
    return from_vector<std::int64_t>(perm);
  }

  Batch batch(const std::shared_ptr<const Tensor<std::int64_t>>& order, std::int64_t i) const {
    const std::int64_t start = i * options_.batch_size;
    const std::int64_t stop = std::min(start + options_.batch_size, dataset_.size());
    if (!order) {
      // Copies, as PyTorch's collate makes: changing a batch leaves the dataset as it was.
      return {dataset_.inputs().slice(0, start, stop).clone(),
              dataset_.targets().slice(0, start, stop).clone()};
    }
    const auto rows = order->slice(0, start, stop).template to<typename X::device_type>();
    return {dataset_.inputs().index_select(0, rows), dataset_.targets().index_select(0, rows)};
  }

  Dataset dataset_;
  LoaderOptions options_;
  std::uint64_t offset_ = 0;
};

}  // namespace kaon::data
