// SPDX-License-Identifier: MIT
// histc and histogram: counts (or summed weights) of a tensor's elements in bins, as torch.histc
// and torch.histogram. Not differentiable (PyTorch has no derivative for them either); the
// input's graph is not recorded.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

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

/// torch.histogram's result: the counts (or weight sums, or density) and the bin edges.
template <class T, class D>
struct Histogram {
  Tensor<T, D> hist, bin_edges;
};

/// Counts of x's elements between the increasing `edges` (1-D, at least 2): bin b holds
/// edges[b] <= v < edges[b + 1], the last bin also its right edge; values outside and NaN are
/// left out. With weight (x's shape), each element adds its weight; with density the result
/// integrates to 1 over the edges. torch.histogram(x, bins=edges, weight=, density=).
template <class T, class D>
Histogram<T, D> histogram(const Tensor<T, D>& x, const Tensor<T, D>& edges,
                          const Tensor<T, D>& weight = {}, bool density = false) {
  static_assert(std::is_floating_point_v<T>, "histogram: needs a float or double tensor");
  KAON_CHECK(edges.dim() == 1 && edges.numel() >= 2, ShapeError,
             "histogram: bin edges must be 1-D with at least 2 edges, got shape ", edges.shape());
  KAON_CHECK(!weight.defined() || weight.shape() == x.shape(), ShapeError,
             "histogram: weight of shape ", weight.shape(), " does not match the input's ",
             x.shape());
  const auto e = edges.to_vector();
  KAON_CHECK(
      std::is_sorted(e.begin(), e.end()) && std::adjacent_find(e.begin(), e.end()) == e.end(),
      ValueError, "histogram: bin edges must increase strictly");
  const auto v = x.detach().contiguous().to_vector();
  const auto w = weight.defined() ? weight.detach().contiguous().to_vector() : std::vector<T>();
  const std::size_t bins = e.size() - 1;
  std::vector<T> h(bins, T(0));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!(v[i] >= e.front() && v[i] <= e.back())) continue;
    const auto b = static_cast<std::size_t>(std::upper_bound(e.begin(), e.end(), v[i]) - e.begin());
    h[std::min(b, bins) - 1] += w.empty() ? T(1) : w[i];
  }
  if (density) {
    T total = 0;
    for (const T c : h) total += c;
    for (std::size_t b = 0; b < bins; ++b) h[b] /= total * (e[b + 1] - e[b]);
  }
  return {from_vector<T, D>(h), edges.detach().clone()};
}
/// `bins` equal bins over range (the data's minimum and maximum by default; +-0.5 around a
/// constant input), as torch.histogram(x, bins, range=, weight=, density=).
template <class T, class D>
Histogram<T, D> histogram(const Tensor<T, D>& x, std::int64_t bins,
                          std::optional<std::pair<double, double>> range = std::nullopt,
                          const Tensor<T, D>& weight = {}, bool density = false) {
  KAON_CHECK(bins > 0, ValueError, "histogram: bins must be positive, got ", bins);
  double lo = 0, hi = 0;
  if (range) {
    std::tie(lo, hi) = *range;
  } else if (x.numel() > 0) {
    lo = static_cast<double>(x.detach().min().item());
    hi = static_cast<double>(x.detach().max().item());
  }
  KAON_CHECK(lo <= hi && std::isfinite(lo) && std::isfinite(hi), ValueError,
             "histogram: the range [", lo, ", ", hi, "] must be finite and increasing");
  if (lo == hi) lo -= 0.5, hi += 0.5;
  return histogram(x, linspace<T, D>(lo, hi, bins + 1), weight, density);
}

}  // namespace kaon
