// SPDX-License-Identifier: MIT
// one_hot: int64 class labels [...] to an int64 indicator tensor [..., num_classes], as
// torch.nn.functional.one_hot.
#pragma once

#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::nn::functional {

/// out[..., c] = 1 where labels[...] == c; num_classes = -1 takes the largest label + 1.
template <class D>
Tensor<std::int64_t, D> one_hot(const Tensor<std::int64_t, D>& labels,
                                std::int64_t num_classes = -1) {
  KAON_CHECK(num_classes >= -1, ValueError, "one_hot: num_classes must be -1 or >= 0, got ",
             num_classes);
  if (labels.numel() > 0) {
    const std::int64_t lo = labels.min().item(), hi = labels.max().item();
    KAON_CHECK(lo >= 0, ValueError, "one_hot: class values must be non-negative, got ", lo);
    if (num_classes == -1) num_classes = hi + 1;
    KAON_CHECK(hi < num_classes, ValueError, "one_hot: class value ", hi,
               " is out of range for num_classes = ", num_classes);
  }
  KAON_CHECK(num_classes >= 0, ValueError,
             "one_hot: cannot infer num_classes from an empty tensor; pass it");
  return (labels.unsqueeze(-1) == arange<std::int64_t, D>(0, num_classes))
      .template to<std::int64_t>();
}

}  // namespace kaon::nn::functional
