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

}  // namespace kaon::io
