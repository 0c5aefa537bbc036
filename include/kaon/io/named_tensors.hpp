// SPDX-License-Identifier: MIT
// NamedTensors: an ordered list of (name, tensor) pairs, the type of optimiser state and of .npz
// archives; StateDict, a module's state: its NamedTensors plus its int64 buffers.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"

namespace kaon::io {

/// Ordered (name, tensor) pairs, as PyTorch's OrderedDict state dicts.
template <class T = float, class D = cpu>
using NamedTensors = std::vector<std::pair<std::string, Tensor<T, D>>>;

namespace detail {
/// Throws a ValueError naming `who` and the first name that appears twice in `tensors` (a state
/// dict with a repeated key is refused rather than read with one of its values).
template <class T, class D>
void check_unique_names(const char* who, const NamedTensors<T, D>& tensors) {
  std::set<std::string_view> seen;
  for (const auto& entry : tensors)
    KAON_CHECK(seen.insert(entry.first).second, ValueError, who, ": the key \"", entry.first,
               "\" appears twice");
}
}  // namespace detail

/// A module's state_dict(): parameters and buffers of the module's element type T, in
/// registration order, and in `int64` the integer buffers (BatchNorm's num_batches_tracked),
/// which PyTorch keeps in the same dict. Iterating a StateDict visits the T entries;
/// save_npz writes both, each in its dtype.
template <class T = float, class D = cpu>
struct StateDict : NamedTensors<T, D> {
  NamedTensors<std::int64_t, D> int64;
};

/// The same names with every tensor copied (detached) to device To, e.g. a state dict read from a
/// file for a model on the GPU: `model.load_state_dict(io::to<kaon::cuda>(io::load_npz("m.npz")))`.
template <class To, class T, class D>
NamedTensors<T, To> to(const NamedTensors<T, D>& tensors) {
  NamedTensors<T, To> out;
  out.reserve(tensors.size());
  for (const auto& [name, t] : tensors) out.emplace_back(name, t.detach().template to<To>());
  return out;
}
template <class To, class T, class D>
StateDict<T, To> to(const StateDict<T, D>& state) {
  StateDict<T, To> out;
  static_cast<NamedTensors<T, To>&>(out) = to<To>(static_cast<const NamedTensors<T, D>&>(state));
  out.int64 = to<To>(state.int64);
  return out;
}

}  // namespace kaon::io
