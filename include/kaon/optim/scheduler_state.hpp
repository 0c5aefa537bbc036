// SPDX-License-Identifier: MIT
// What the learning-rate schedulers' state_dict() and load_state_dict() share: their state is a
// few numbers (the epoch count, each group's base rate, ReduceLROnPlateau's best metric), kept
// as named double tensors on the CPU so that save_npz writes them beside the model's. Loading
// checks every entry before the scheduler changes: each expected key once, of its size, and
// nothing else.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/io/named_tensors.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::optim::detail {

/// One entry of a scheduler's state: a 0-d tensor when size is -1, else a vector of `size`.
struct StateKey {
  const char* name;
  std::int64_t size = -1;
};

/// The entries of `state`, checked against `keys` (each present once, of its size, and no
/// other); a ValueError naming `who` and the key otherwise. (A template only so that it is
/// compiled where a scheduler loads, not in every program.)
template <class T = double>
class SchedulerState {
 public:
  SchedulerState(const char* who, const io::NamedTensors<T>& state,
                 const std::vector<StateKey>& keys)
      : who_(who), state_(state) {
    io::detail::check_unique_names(who, state);
    for (const auto& [name, t] : state) {
      bool known = false;
      for (const auto& key : keys) known = known || name == key.name;
      KAON_CHECK(known, ValueError, who, ": load_state_dict: unexpected key \"", name, "\"");
    }
    for (const auto& key : keys) {
      const auto* t = find(key.name);
      KAON_CHECK(t != nullptr, ValueError, who, ": load_state_dict: the state has no \"", key.name,
                 "\"");
      const Shape want = key.size < 0 ? Shape{} : Shape{key.size};
      KAON_CHECK(t->shape() == want, ValueError, who, ": load_state_dict: \"", key.name,
                 "\" has shape ", t->shape(), ", expected ", want);
    }
  }
  [[nodiscard]] std::vector<double> values(const char* key) const { return find(key)->to_vector(); }
  [[nodiscard]] double value(const char* key) const { return values(key)[0]; }
  /// A count such as last_epoch: a whole number of at least `min`.
  [[nodiscard]] std::int64_t count(const char* key, std::int64_t min) const {
    const double v = value(key);
    KAON_CHECK(std::floor(v) == v && v >= static_cast<double>(min) && v < 0x1p53, ValueError, who_,
               ": load_state_dict: \"", key, "\" must hold a whole number of at least ", min,
               ", got ", v);
    return static_cast<std::int64_t>(v);
  }

 private:
  [[nodiscard]] const Tensor<T>* find(const char* key) const {
    for (const auto& [name, t] : state_)
      if (name == key) return &t;
    return nullptr;
  }
  const char* who_;
  const io::NamedTensors<T>& state_;
};

}  // namespace kaon::optim::detail
