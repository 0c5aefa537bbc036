// SPDX-License-Identifier: MIT
// NamedTensors: an ordered list of (name, tensor) pairs, the type of state dicts (module
// parameters and buffers, optimiser state) and of .npz archives.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kaon/core/tensor.hpp"

namespace kaon::io {

/// Ordered (name, tensor) pairs, as PyTorch's OrderedDict state dicts.
template <class T = float, class D = cpu>
using NamedTensors = std::vector<std::pair<std::string, Tensor<T, D>>>;

/// The same names with every tensor copied (detached) to device To, e.g. a state dict read from a
/// file for a model on the GPU: `model.load_state_dict(io::to<kaon::cuda>(io::load_npz("m.npz")))`.
template <class To, class T, class D>
NamedTensors<T, To> to(const NamedTensors<T, D>& tensors) {
  NamedTensors<T, To> out;
  out.reserve(tensors.size());
  for (const auto& [name, t] : tensors) out.emplace_back(name, t.detach().template to<To>());
  return out;
}

}  // namespace kaon::io
