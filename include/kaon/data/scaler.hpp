// SPDX-License-Identifier: MIT
// data::StandardScaler: per-column z-scores with the population standard deviation, as
// scikit-learn's StandardScaler (a constant column gets scale 1, so it maps to 0).
//
//   data::StandardScaler scaler;
//   auto x_train_s = scaler.fit_transform(x_train);     // scaler.fit_transform(X_train)
//   auto x_test_s = scaler.transform(x_test);
//   auto back = scaler.inverse_transform(x_test_s);
//
// The statistics are kept in double precision, as scikit-learn's are.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"

namespace kaon::data {

class StandardScaler {
 public:
  /// Learns each column's mean and population variance from x of shape [rows, features].
  template <class T, class D>
  StandardScaler& fit(const Tensor<T, D>& x) {
    static_assert(
        std::is_floating_point_v<T>,
        "StandardScaler: scale float or double tensors (convert integers with to<float>())");
    KAON_CHECK(x.dim() == 2 && x.size(0) > 0, ShapeError,
               "StandardScaler::fit: expected [rows, features] with rows > 0, got ", x.shape());
    const auto xd = x.detach().template to<cpu>().template to<double>();
    mean_ = xd.mean(0);
    var_ = xd.var(0, false);
    const auto n = static_cast<double>(x.size(0));
    const std::vector<double> mean = mean_.to_vector(), var = var_.to_vector();
    std::vector<double> scale(var.size());
    for (std::size_t j = 0; j < var.size(); ++j) {
      scale[j] = is_constant(var[j], mean[j], n) ? 1.0 : std::sqrt(var[j]);
    }
    scale_ = from_vector<double>(scale);
    return *this;
  }

  /// (x - mean) / scale, in x's element type and on x's device.
  template <class T, class D>
  [[nodiscard]] Tensor<T, D> transform(const Tensor<T, D>& x) const {
    check(x, "transform");
    return (x - stat<T, D>(mean_)) / stat<T, D>(scale_);
  }
  template <class T, class D>
  [[nodiscard]] Tensor<T, D> fit_transform(const Tensor<T, D>& x) {
    return fit(x).transform(x);
  }
  /// x * scale + mean: undoes transform.
  template <class T, class D>
  [[nodiscard]] Tensor<T, D> inverse_transform(const Tensor<T, D>& x) const {
    check(x, "inverse_transform");
    return x * stat<T, D>(scale_) + stat<T, D>(mean_);
  }

  [[nodiscard]] bool fitted() const { return mean_.defined(); }
  /// Per-feature statistics, as scikit-learn's mean_, var_ (population) and scale_.
  [[nodiscard]] const Tensor<double>& mean() const { return mean_; }
  [[nodiscard]] const Tensor<double>& var() const { return var_; }
  [[nodiscard]] const Tensor<double>& scale() const { return scale_; }

 private:
  // scikit-learn's test for a constant column: a variance within the rounding error bound of
  // the two-pass algorithm (Chan, Golub and LeVeque).
  static bool is_constant(double var, double mean, double n) {
    constexpr double eps = std::numeric_limits<double>::epsilon();
    const double bound = n * eps * var + (n * mean * eps) * (n * mean * eps);
    return var <= bound;
  }

  template <class T, class D>
  void check(const Tensor<T, D>& x, const char* op) const {
    static_assert(
        std::is_floating_point_v<T>,
        "StandardScaler: scale float or double tensors (convert integers with to<float>())");
    KAON_CHECK(fitted(), ValueError, "StandardScaler::", op, ": call fit() first");
    KAON_CHECK(x.dim() == 2 && x.size(1) == mean_.size(0), ShapeError, "StandardScaler::", op,
               ": expected [rows, ", mean_.size(0), "], got ", x.shape());
  }

  template <class T, class D>
  static Tensor<T, D> stat(const Tensor<double>& s) {
    return s.template to<T>().template to<D>();
  }

  Tensor<double> mean_, var_, scale_;
};

}  // namespace kaon::data
