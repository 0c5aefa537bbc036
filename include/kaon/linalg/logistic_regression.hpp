// SPDX-License-Identifier: MIT
// linalg::LogisticRegression: L2-penalised logistic regression as scikit-learn's default
// (penalty "l2", C = 1, an unpenalised intercept; two classes with one weight vector and the
// logistic function, more with the multinomial softmax). It minimises the same convex objective
// with Newton's method in double precision on the host, so it reaches the optimum that
// scikit-learn's lbfgs approaches to its tolerance.
//
//   kaon::linalg::LogisticRegression<double> clf;        // LogisticRegression()
//   clf.fit(x, y);                                       // y: int64 labels
//   clf.predict_proba(x), clf.predict(x), clf.score(x, y), clf.coef(), clf.intercept()
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kaon/linalg/lstsq.hpp"
#include "kaon/linalg/lu.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::linalg {

template <class T = double, class D = cpu>
class LogisticRegression {
 public:
  /// C: the inverse of the L2 penalty's strength, as scikit-learn's.
  explicit LogisticRegression(double C = 1.0, bool fit_intercept = true, int max_iter = 100)
      : c_(C), fit_intercept_(fit_intercept), max_iter_(max_iter) {
    KAON_CHECK(C > 0 && std::isfinite(C), ValueError,
               "LogisticRegression: C must be positive, got ", C);
    KAON_CHECK(max_iter > 0, ValueError, "LogisticRegression: max_iter must be positive, got ",
               max_iter);
  }

  /// Fits x [n, features] to the int64 labels y [n] (at least two distinct values).
  LogisticRegression& fit(const Tensor<T, D>& x, const Tensor<std::int64_t, D>& y) {
    KAON_CHECK(x.dim() == 2 && y.dim() == 1 && x.size(0) == y.size(0) && x.size(0) > 0, ShapeError,
               "LogisticRegression::fit: expected x [n, features] and y [n], got ", x.shape(),
               " and ", y.shape());
    const auto labels = y.to_vector();
    classes_ = labels;
    std::sort(classes_.begin(), classes_.end());
    classes_.erase(std::unique(classes_.begin(), classes_.end()), classes_.end());
    KAON_CHECK(classes_.size() >= 2, ValueError,
               "LogisticRegression::fit: needs samples of at least 2 classes, got only class ",
               classes_.front());
    n_ = x.size(0);
    f_ = x.size(1);
    x_ = detail::host_doubles(x).to_vector();
    codes_.resize(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i)
      codes_[i] = std::lower_bound(classes_.begin(), classes_.end(), labels[i]) - classes_.begin();
    rows_ = classes_.size() == 2 ? 1 : static_cast<std::int64_t>(classes_.size());
    w_.assign(static_cast<std::size_t>(rows_ * (f_ + 1)), 0.0);
    newton();
    x_ = {};  // the training data is not kept
    codes_ = {};
    return *this;
  }

  [[nodiscard]] bool fitted() const { return !w_.empty(); }
  /// [1, features] for two classes, [classes, features] for more, as scikit-learn's coef_.
  [[nodiscard]] Tensor<T, D> coef() const {
    checked("coef");
    std::vector<double> c;
    for (std::int64_t k = 0; k < rows_; ++k)
      for (std::int64_t j = 0; j < f_; ++j) c.push_back(w(k, j));
    return as_tensor(c, {rows_, f_});
  }
  /// [1] for two classes, [classes] for more, as scikit-learn's intercept_.
  [[nodiscard]] Tensor<T, D> intercept() const {
    checked("intercept");
    std::vector<double> b;
    for (std::int64_t k = 0; k < rows_; ++k) b.push_back(w(k, f_));
    return as_tensor(b, {rows_});
  }
  /// The labels seen in fit, sorted: the columns of predict_proba.
  [[nodiscard]] Tensor<std::int64_t, D> classes() const {
    checked("classes");
    return from_vector<std::int64_t, D>(classes_);
  }

  /// Class probabilities [n, classes].
  [[nodiscard]] Tensor<T, D> predict_proba(const Tensor<T, D>& x) const {
    checked("predict_proba");
    KAON_CHECK(x.dim() == 2 && x.size(1) == f_, ShapeError,
               "LogisticRegression::predict_proba: expected x [n, ", f_, "], got ", x.shape());
    const auto xs = detail::host_doubles(x).to_vector();
    const std::int64_t n = x.size(0), k = static_cast<std::int64_t>(classes_.size());
    std::vector<double> p(static_cast<std::size_t>(n * k));
    for (std::int64_t i = 0; i < n; ++i) probabilities(xs.data() + i * f_, p.data() + i * k);
    return as_tensor(p, {n, k});
  }
  /// The most probable label of each row.
  [[nodiscard]] Tensor<std::int64_t, D> predict(const Tensor<T, D>& x) const {
    const auto p = predict_proba(x).to_vector();
    const std::size_t k = classes_.size(), n = p.size() / k;
    std::vector<std::int64_t> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = p.begin() + static_cast<std::ptrdiff_t>(i * k);
      out[i] = classes_[static_cast<std::size_t>(
          std::max_element(row, row + static_cast<std::ptrdiff_t>(k)) - row)];
    }
    return from_vector<std::int64_t, D>(out);
  }
  /// The fraction of rows predicted right.
  [[nodiscard]] double score(const Tensor<T, D>& x, const Tensor<std::int64_t, D>& y) const {
    const auto pred = predict(x).to_vector(), truth = y.to_vector();
    KAON_CHECK(pred.size() == truth.size(), ShapeError, "LogisticRegression::score: ", pred.size(),
               " rows of x but ", truth.size(), " labels");
    std::size_t right = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == truth[i];
    return static_cast<double>(right) / static_cast<double>(pred.size());
  }

 private:
  double& w(std::int64_t k, std::int64_t j) {
    return w_[static_cast<std::size_t>(k * (f_ + 1) + j)];
  }
  [[nodiscard]] double w(std::int64_t k, std::int64_t j) const {
    return w_[static_cast<std::size_t>(k * (f_ + 1) + j)];
  }
  void checked(const char* op) const {
    KAON_CHECK(fitted(), ValueError, "LogisticRegression::", op, ": call fit() first");
  }
  Tensor<T, D> as_tensor(const std::vector<double>& v, const Shape& shape) const {
    return from_vector<double>(v, shape).template to<T>().template to<D>();
  }

  /// The class probabilities of one row x[f_] into p[classes].
  void probabilities(const double* x, double* p) const {
    if (rows_ == 1) {
      double z = w(0, f_);
      for (std::int64_t j = 0; j < f_; ++j) z += w(0, j) * x[j];
      p[1] = 1 / (1 + std::exp(-z));
      p[0] = 1 - p[1];
      return;
    }
    double top = -INFINITY;
    for (std::int64_t k = 0; k < rows_; ++k) {
      double z = w(k, f_);
      for (std::int64_t j = 0; j < f_; ++j) z += w(k, j) * x[j];
      p[k] = z;
      top = std::max(top, z);
    }
    double sum = 0;
    for (std::int64_t k = 0; k < rows_; ++k) sum += (p[k] = std::exp(p[k] - top));
    for (std::int64_t k = 0; k < rows_; ++k) p[k] /= sum;
  }

  /// The objective: the summed negative log-likelihood plus ||W||^2 / (2 C).
  [[nodiscard]] double objective() const {
    const std::int64_t k = static_cast<std::int64_t>(classes_.size());
    std::vector<double> p(static_cast<std::size_t>(k));
    double loss = 0;
    for (std::int64_t i = 0; i < n_; ++i) {
      probabilities(x_.data() + i * f_, p.data());
      loss -= std::log(
          std::max(p[static_cast<std::size_t>(codes_[static_cast<std::size_t>(i)])], 1e-300));
    }
    double reg = 0;
    for (std::int64_t r = 0; r < rows_; ++r)
      for (std::int64_t j = 0; j < f_; ++j) reg += w(r, j) * w(r, j);
    return loss + reg / (2 * c_);
  }

  /// Newton's method with a backtracking line search on the convex objective.
  void newton() {
    const std::int64_t width = f_ + 1, m = rows_ * width;
    const std::int64_t k = static_cast<std::int64_t>(classes_.size());
    std::vector<double> p(static_cast<std::size_t>(k));
    double current = objective();
    for (int iter = 0; iter < max_iter_; ++iter) {
      std::vector<double> g(static_cast<std::size_t>(m), 0.0),
          h(static_cast<std::size_t>(m * m), 0.0);
      for (std::int64_t i = 0; i < n_; ++i) {
        const double* xi = x_.data() + i * f_;
        probabilities(xi, p.data());
        auto feature = [&](std::int64_t j) {
          return j < f_ ? xi[j] : (fit_intercept_ ? 1.0 : 0.0);
        };
        const auto yi = codes_[static_cast<std::size_t>(i)];
        for (std::int64_t a = 0; a < rows_; ++a) {
          // Binary: one row for class 1; multinomial: row a for class a.
          const std::int64_t cls = rows_ == 1 ? 1 : a;
          const double resid = p[static_cast<std::size_t>(cls)] - (yi == cls ? 1.0 : 0.0);
          for (std::int64_t j = 0; j < width; ++j)
            g[static_cast<std::size_t>(a * width + j)] += resid * feature(j);
          for (std::int64_t b = 0; b < rows_; ++b) {
            const std::int64_t cb = rows_ == 1 ? 1 : b;
            const double pa = p[static_cast<std::size_t>(cls)],
                         pb = p[static_cast<std::size_t>(cb)];
            const double s = (a == b ? pa : 0.0) - pa * pb;
            for (std::int64_t j = 0; j < width; ++j)
              for (std::int64_t l = 0; l < width; ++l)
                h[static_cast<std::size_t>((a * width + j) * m + b * width + l)] +=
                    s * feature(j) * feature(l);
          }
        }
      }
      for (std::int64_t a = 0; a < rows_; ++a) {
        for (std::int64_t j = 0; j < f_; ++j) {
          g[static_cast<std::size_t>(a * width + j)] += w(a, j) / c_;
          h[static_cast<std::size_t>((a * width + j) * m + a * width + j)] += 1 / c_;
        }
        // Without an intercept its coordinate stays 0: a unit Hessian row, no gradient.
        if (!fit_intercept_) {
          g[static_cast<std::size_t>(a * width + f_)] = 0;
          h[static_cast<std::size_t>((a * width + f_) * m + a * width + f_)] += 1;
        }
      }
      double gnorm = 0;
      for (const double v : g) gnorm = std::max(gnorm, std::fabs(v));
      if (gnorm < 1e-10 * std::max(1.0, static_cast<double>(n_))) return;
      // The multinomial Hessian is singular along the direction that adds one vector to every
      // class's row; a tiny ridge makes the step unique without moving the optimum.
      for (std::int64_t i = 0; i < m; ++i) h[static_cast<std::size_t>(i * m + i)] += 1e-12;
      detail::LU lu(h.data(), m);
      KAON_CHECK(!lu.singular, ValueError,
                 "LogisticRegression::fit: the Newton system is singular");
      lu.solve(g.data(), 1);
      // Adding one number to every class's intercept changes nothing; keep their sum where it
      // started (0, as scikit-learn's lbfgs, whose gradient never moves it), so rounding in the
      // solve cannot drift along that direction.
      if (rows_ > 1 && fit_intercept_) {
        double mean = 0;
        for (std::int64_t a = 0; a < rows_; ++a)
          mean += g[static_cast<std::size_t>(a * width + f_)];
        mean /= static_cast<double>(rows_);
        for (std::int64_t a = 0; a < rows_; ++a)
          g[static_cast<std::size_t>(a * width + f_)] -= mean;
      }
      const auto before = w_;
      for (double step = 1; step > 1e-10; step /= 2) {
        for (std::int64_t i = 0; i < m; ++i)
          w_[static_cast<std::size_t>(i)] =
              before[static_cast<std::size_t>(i)] - step * g[static_cast<std::size_t>(i)];
        const double next = objective();
        if (next <= current) {
          const bool converged = current - next <= 1e-15 * std::max(1.0, std::fabs(current));
          current = next;
          if (converged) return;
          break;
        }
        if (step <= 2e-10) {
          w_ = before;
          return;
        }
      }
    }
  }

  double c_;
  bool fit_intercept_;
  int max_iter_;
  std::int64_t n_ = 0, f_ = 0, rows_ = 0;
  std::vector<double> x_, w_;
  std::vector<std::int64_t> classes_, codes_;
};

}  // namespace kaon::linalg
