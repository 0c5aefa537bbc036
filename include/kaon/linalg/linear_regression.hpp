// SPDX-License-Identifier: MIT
// linalg::LinearRegression: ordinary least squares with an intercept, as scikit-learn's
// LinearRegression (centre x and y, solve with lstsq, intercept = mean(y) - mean(x) . coef).
//
//   kaon::linalg::LinearRegression<double> reg;          // reg = LinearRegression()
//   reg.fit(x, y);                                        // reg.fit(X, y)
//   reg.coef(), reg.intercept(), reg.predict(x), reg.score(x, y)
//
// As in scikit-learn: for y of shape [n], coef is [features] and the intercept a number; for
// y [n, k], coef is [k, features] and the intercepts [k] (intercepts() is the tensor form).
#pragma once

#include <cstdint>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/linalg/lstsq.hpp"
#include "kaon/metrics/regression.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/matmul.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::linalg {

template <class T = double, class D = cpu>
class LinearRegression {
 public:
  explicit LinearRegression(bool fit_intercept = true) : fit_intercept_(fit_intercept) {}

  /// Fits x [n, features] to y [n] or [n, k].
  LinearRegression& fit(const Tensor<T, D>& x, const Tensor<T, D>& y) {
    KAON_CHECK(x.dim() == 2 && (y.dim() == 1 || y.dim() == 2) && x.size(0) == y.size(0), ShapeError,
               "LinearRegression::fit: expected x [n, features] and y [n] or [n, k], got ",
               x.shape(), " and ", y.shape());
    NoGradGuard no_grad;
    const auto xd = x.detach(), yd = y.detach();
    Tensor<T, D> x_offset = zeros<T, D>({x.size(1)});
    Tensor<T, D> y_offset = y.dim() == 1 ? zeros<T, D>({}) : zeros<T, D>({y.size(1)});
    if (fit_intercept_) {
      x_offset = xd.mean(0);
      y_offset = yd.mean(0);
    }
    const auto solution = lstsq(xd - x_offset, yd - y_offset).solution;  // [f] or [f, k]
    coef_ = y.dim() == 1 ? solution : solution.t().contiguous();
    intercept_ = y_offset - matmul(x_offset, solution);
    features_ = x.size(1);
    return *this;
  }

  [[nodiscard]] bool fitted() const { return coef_.defined(); }
  [[nodiscard]] const Tensor<T, D>& coef() const {
    checked("coef");
    return coef_;
  }
  /// The intercept of a fit on one target (y of shape [n]), as scikit-learn's float.
  [[nodiscard]] double intercept() const {
    checked("intercept");
    KAON_CHECK(intercept_.dim() == 0, ShapeError, "LinearRegression::intercept: the fit had ",
               intercept_.numel(), " targets (y [n, k]), so there are ", intercept_.numel(),
               " intercepts; use intercepts()");
    return static_cast<double>(intercept_.item());
  }
  /// The intercepts as a tensor: 0-d for y [n], [k] for y [n, k].
  [[nodiscard]] const Tensor<T, D>& intercepts() const {
    checked("intercepts");
    return intercept_;
  }

  /// x @ coef^T + intercept: [n] or [n, k].
  [[nodiscard]] Tensor<T, D> predict(const Tensor<T, D>& x) const {
    checked("predict");
    KAON_CHECK(x.dim() == 2 && x.size(1) == features_, ShapeError,
               "LinearRegression::predict: expected x [n, ", features_, "], got ", x.shape());
    return coef_.dim() == 1 ? matmul(x, coef_) + intercept_ : matmul(x, coef_.t()) + intercept_;
  }

  /// R^2 of the predictions for x against y.
  [[nodiscard]] double score(const Tensor<T, D>& x, const Tensor<T, D>& y) const {
    return metrics::r2_score(y, predict(x));
  }

 private:
  void checked(const char* op) const {
    KAON_CHECK(fitted(), ValueError, "LinearRegression::", op, ": call fit() first");
  }

  bool fit_intercept_;
  std::int64_t features_ = 0;
  Tensor<T, D> coef_, intercept_;
};

}  // namespace kaon::linalg
