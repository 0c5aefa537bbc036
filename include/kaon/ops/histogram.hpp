// SPDX-License-Identifier: MIT
// histc: counts of a tensor's elements in equal-width bins, as torch.histc. Not differentiable
// (PyTorch has no derivative for it either); the input's graph is not recorded.
#pragma once

#include <cmath>
#include <cstdint>

#include "kaon/autograd/engine.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/unary.hpp"

namespace kaon {

/// Counts of x's elements in `bins` equal bins over [min, max] (the data's range when min ==
/// max); elements outside are ignored and max falls in the last bin. The result has x's type.
template <class T, class D>
Tensor<T, D> histc(const Tensor<T, D>& x, std::int64_t bins = 100, double min = 0, double max = 0) {
  static_assert(std::is_floating_point_v<T>, "histc: needs a float or double tensor");
  KAON_CHECK(bins > 0, ValueError, "histc: bins must be positive, got ", bins);
  KAON_CHECK(min <= max, ValueError, "histc: max must be at least min, got min ", min, " and max ",
             max);
  const auto flat = x.detach().reshape({-1});
  if (min == max && flat.numel() > 0) {
    min = static_cast<double>(flat.min().item());
    max = static_cast<double>(flat.max().item());
  }
  if (min == max) min -= 1, max += 1;  // as PyTorch, for constant input
  KAON_CHECK(std::isfinite(min) && std::isfinite(max), ValueError, "histc: range of [", min, ", ",
             max, "] is not finite");
  const auto inside = flat[(flat >= min) & (flat <= max)];
  // The bin in x's own precision, as PyTorch computes it, so edge values land alike.
  const auto bin =
      clamp((inside - static_cast<T>(min)) / static_cast<T>(max - min) * static_cast<T>(bins), 0.0,
            static_cast<double>(bins - 1))
          .template to<std::int64_t>();
  return ops::IndexAdd::apply(ones_like(inside).template to<T>(), Shape{bins}, std::int64_t{0},
                              bin);
}

}  // namespace kaon
