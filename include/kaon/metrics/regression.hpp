// SPDX-License-Identifier: MIT
// Regression metrics as scikit-learn computes them: r2_score, mean_squared_error,
// mean_absolute_error. A [n] target and a [n, 1] prediction are the same single output; [n, k]
// targets average the per-output figures uniformly. Results are doubles, computed on the host.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/copy.hpp"

namespace kaon::metrics {
namespace detail {

/// Targets and predictions as columns of doubles: outputs[j][i] is row i of output j.
struct Columns {
  std::vector<std::vector<double>> truth, pred;
};

template <class T, class U, class D>
Columns regression_columns(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred, const char* op) {
  auto outputs = [](const auto& t) { return t.dim() == 1 ? std::int64_t{1} : t.size(1); };
  KAON_CHECK(y_true.dim() >= 1 && y_true.dim() <= 2 && y_pred.dim() >= 1 && y_pred.dim() <= 2 &&
                 y_true.size(0) == y_pred.size(0) && outputs(y_true) == outputs(y_pred),
             ShapeError, op,
             ": y_true and y_pred must have the same [n] or [n, outputs] shape, got ",
             y_true.shape(), " and ", y_pred.shape());
  KAON_CHECK(y_true.size(0) > 0, ValueError, op, ": no samples");
  const std::int64_t n = y_true.size(0), k = outputs(y_true);
  auto split = [&](const auto& t) {
    const auto v = t.detach().template to<cpu>().template to<double>().contiguous().to_vector();
    std::vector<std::vector<double>> cols(static_cast<std::size_t>(k));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < k; ++j)
        cols[static_cast<std::size_t>(j)].push_back(v[static_cast<std::size_t>(i * k + j)]);
    return cols;
  };
  return {split(y_true), split(y_pred)};
}

inline double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// The mean over rows of loss(y_true - y_pred) per output, averaged over outputs.
template <class Loss>
double mean_error(const Columns& c, Loss loss) {
  std::vector<double> per_output;
  for (std::size_t j = 0; j < c.truth.size(); ++j) {
    double s = 0;
    for (std::size_t i = 0; i < c.truth[j].size(); ++i) s += loss(c.truth[j][i] - c.pred[j][i]);
    per_output.push_back(s / static_cast<double>(c.truth[j].size()));
  }
  return mean_of(per_output);
}

}  // namespace detail

/// R^2 of each output: 1 - SS_res / SS_tot (1 for a perfect fit of a constant, 0 for an
/// imperfect one, as scikit-learn's force_finite).
template <class T, class U, class D>
std::vector<double> r2_score_per_output(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  const auto c = detail::regression_columns(y_true, y_pred, "r2_score");
  std::vector<double> r2;
  for (std::size_t j = 0; j < c.truth.size(); ++j) {
    const double mean = detail::mean_of(c.truth[j]);
    double ss_res = 0, ss_tot = 0;
    for (std::size_t i = 0; i < c.truth[j].size(); ++i) {
      ss_res += (c.truth[j][i] - c.pred[j][i]) * (c.truth[j][i] - c.pred[j][i]);
      ss_tot += (c.truth[j][i] - mean) * (c.truth[j][i] - mean);
    }
    r2.push_back(ss_tot != 0 ? 1 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0));
  }
  return r2;
}

/// R^2, averaged uniformly over outputs: sklearn.metrics.r2_score.
template <class T, class U, class D>
double r2_score(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  return detail::mean_of(r2_score_per_output(y_true, y_pred));
}

/// Mean of (y_true - y_pred)^2 over every row and output: sklearn.metrics.mean_squared_error.
template <class T, class U, class D>
double mean_squared_error(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  return detail::mean_error(detail::regression_columns(y_true, y_pred, "mean_squared_error"),
                            [](double e) { return e * e; });
}

/// Mean of |y_true - y_pred|: sklearn.metrics.mean_absolute_error.
template <class T, class U, class D>
double mean_absolute_error(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  return detail::mean_error(detail::regression_columns(y_true, y_pred, "mean_absolute_error"),
                            [](double e) { return std::fabs(e); });
}

}  // namespace kaon::metrics
