// SPDX-License-Identifier: MIT
// data::TensorDataset and data::DataLoader: mini-batches of (x, y) rows, as torch.utils.data.
//
//   data::TensorDataset dataset(x, y);                                 // TensorDataset(x, y)
//   data::DataLoader loader(dataset, {.batch_size = 32, .shuffle = true});
//   for (auto [xb, yb] : loader) { ... }                              // for xb, yb in loader:
//
// A shuffling loader draws a new order each time iteration starts, from kaon's default generator
// (so kaon::manual_seed makes it reproducible) or, with `.seed`, from a stream of its own.
//
// state_dict() saves the loader's position in its pass, as torchdata's StatefulDataLoader: the
// batches fetched so far, the pass's order and the seed stream's counter. A loader given it by
// load_state_dict() starts its next pass where the saved one stopped, with the saved order.
#pragma once

#include <algorithm>
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
#include "kaon/io/named_tensors.hpp"
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
    KAON_CHECK(i >= -size() && i < size(), IndexError, "TensorDataset: index ", i,
               " is out of range for ", size(), " rows");
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

    /// Fetches batch i of the pass, as Python's next(): the loader's position is then i + 1.
    [[nodiscard]] Batch operator*() const { return loader_->fetch(order_, index_); }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    void operator++(int) { ++index_; }
    [[nodiscard]] bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    friend class DataLoader;
    iterator(DataLoader* loader, std::shared_ptr<const Tensor<std::int64_t>> order,
             std::int64_t index)
        : loader_(loader), order_(std::move(order)), index_(index) {}
    DataLoader* loader_;
    std::shared_ptr<const Tensor<std::int64_t>> order_;  // null: rows in order
    std::int64_t index_;
  };

  /// Starts a pass; a shuffling loader draws a fresh order here. After load_state_dict, the
  /// saved pass goes on instead, from the first batch it had not fetched.
  [[nodiscard]] iterator begin() {
    if (resume_) {
      resume_ = false;
      return iterator(this, order_, fetched_);
    }
    order_.reset();
    if (options_.shuffle) order_ = std::make_shared<const Tensor<std::int64_t>>(draw_order());
    fetched_ = 0;
    return iterator(this, order_, 0);
  }
  [[nodiscard]] iterator end() { return iterator(this, nullptr, size()); }

  /// The position in the current pass: "batches" fetched, its "order" (empty when the rows go
  /// in order) and the seed stream's "offset"; save it with io::save_npz beside the model's.
  [[nodiscard]] io::NamedTensors<std::int64_t> state_dict() const {
    return {{"batches", full<std::int64_t>({}, fetched_)},
            {"order", order_ ? *order_ : zeros<std::int64_t>({0})},
            {"offset", full<std::int64_t>({}, static_cast<std::int64_t>(offset_))}};
  }

  /// Restores what state_dict() gave, checked first (a ValueError naming the key otherwise):
  /// the next pass resumes after the saved batches, with the saved order.
  void load_state_dict(const io::NamedTensors<std::int64_t>& state) {
    const char* who = "DataLoader: load_state_dict";
    io::detail::check_unique_names(who, state);
    const auto entry = [&](const char* key) -> const Tensor<std::int64_t>& {
      const auto it = std::find_if(state.begin(), state.end(),
                                   [&](const auto& named) { return named.first == key; });
      KAON_CHECK(it != state.end(), ValueError, who, ": the state has no \"", key, "\"");
      return it->second;
    };
    for (const auto& [name, t] : state)
      KAON_CHECK(name == "batches" || name == "order" || name == "offset", ValueError, who,
                 ": unexpected key \"", name, "\"");
    const auto& batches = entry("batches");
    const auto& order = entry("order");
    const auto& offset = entry("offset");
    KAON_CHECK(batches.numel() == 1 && offset.numel() == 1, ValueError, who,
               ": \"batches\" and \"offset\" must hold one number each, got shapes ",
               batches.shape(), " and ", offset.shape());
    const std::int64_t n = dataset_.size(), fetched = batches.item();
    KAON_CHECK(fetched >= 0 && fetched <= size(), ValueError, who, ": \"batches\" is ", fetched,
               ", outside [0, ", size(), "]");
    KAON_CHECK(offset.item() >= 0, ValueError, who, ": \"offset\" is ", offset.item(),
               ", a negative counter");
    const bool shuffled = order.numel() > 0;
    KAON_CHECK(shuffled ? options_.shuffle : !options_.shuffle || fetched == 0, ValueError, who,
               ": \"order\" has shape ", order.shape(), " for a ",
               options_.shuffle ? "shuffling" : "non-shuffling", " loader at batch ", fetched);
    if (shuffled) {
      KAON_CHECK(order.shape() == Shape{n}, ValueError, who, ": \"order\" has shape ",
                 order.shape(), " but the dataset has ", n, " rows");
      std::vector<bool> seen(static_cast<std::size_t>(n), false);
      for (const std::int64_t row : order.to_vector()) {
        KAON_CHECK(row >= 0 && row < n && !seen[static_cast<std::size_t>(row)], ValueError, who,
                   ": \"order\" is not a permutation of the ", n, " rows (", row, ")");
        seen[static_cast<std::size_t>(row)] = true;
      }
    }
    order_ = shuffled ? std::make_shared<const Tensor<std::int64_t>>(order.clone()) : nullptr;
    fetched_ = fetched;
    offset_ = static_cast<std::uint64_t>(offset.item());
    resume_ = fetched_ > 0 && fetched_ < size();
  }

 private:
  Tensor<std::int64_t> draw_order() {
    const std::int64_t n = dataset_.size();
    if (!options_.seed) return randperm(n);
    const auto perm = kaon::detail::permutation(n, *options_.seed, offset_);
    offset_ += static_cast<std::uint64_t>(n);
    return from_vector<std::int64_t>(perm);
  }

  Batch fetch(const std::shared_ptr<const Tensor<std::int64_t>>& order, std::int64_t i) {
    fetched_ = i + 1;
    return batch(order, i);
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
  std::shared_ptr<const Tensor<std::int64_t>> order_;  // the current pass's order; null: in order
  std::int64_t fetched_ = 0;                           // batches of the current pass fetched
  bool resume_ = false;                                // begin() goes on with the saved pass
};

}  // namespace kaon::data
