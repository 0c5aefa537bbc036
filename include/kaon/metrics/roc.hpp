// SPDX-License-Identifier: MIT
// ROC curve and area as scikit-learn 1.2 computes them: roc_curve with its thresholds (each
// distinct score, highest first, after a leading max + 1) and drop_intermediate, auc by the
// trapezoid rule, roc_auc_score as the area under roc_curve.
//
//   auto roc = kaon::metrics::roc_curve(y_test, scores);        // fpr, tpr, thr = roc_curve(...)
//   double area = kaon::metrics::roc_auc(y_test, scores);       // roc_auc_score(y_test, scores)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/metrics/classification.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"

namespace kaon::metrics {

struct RocCurve {
  Tensor<double> fpr, tpr, thresholds;
};

/// The ROC curve of scores against binary labels (0/1 or -1/1; 1 is positive).
template <class T, class U, class D>
RocCurve roc_curve(const Tensor<T, D>& y_true, const Tensor<U, D>& y_score,
                   bool drop_intermediate = true) {
  const auto truth = detail::labels_of(y_true, "roc_curve", "y_true");
  KAON_CHECK(y_score.dim() == 1 || (y_score.dim() == 2 && y_score.size(1) == 1), ShapeError,
             "roc_curve: y_score must be [n] or [n, 1], got ", y_score.shape());
  const auto score =
      y_score.detach().template to<cpu>().template to<double>().contiguous().to_vector();
  KAON_CHECK(score.size() == truth.size(), ShapeError,
             "roc_curve: y_true and y_score differ in length: ", y_true.shape(), " and ",
             y_score.shape());
  KAON_CHECK(!truth.empty(), ValueError, "roc_curve: no samples");
  for (const double s : score) {
    KAON_CHECK(std::isfinite(s), ValueError, "roc_curve: y_score holds ", s,
               "; scores must be finite");
  }
  const bool has_zero = std::find(truth.begin(), truth.end(), 0) != truth.end();
  for (const auto t : truth) {
    KAON_CHECK(t == 1 || t == (has_zero ? 0 : -1), ValueError, "roc_curve: y_true holds label ", t,
               "; expected binary labels, 0/1 or -1/1");
  }
  // Scores from highest to lowest; the cumulative counts at the last sample of each distinct
  // score are the curve's points.
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  std::vector<double> tps, fps, thresholds;
  double tp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    tp += truth[order[i]] == 1;
    if (i + 1 == order.size() || score[order[i + 1]] != score[order[i]]) {
      tps.push_back(tp);
      fps.push_back(static_cast<double>(i + 1) - tp);
      thresholds.push_back(score[order[i]]);
    }
  }
  KAON_CHECK(fps.back() > 0, ValueError,
             "roc_curve: y_true has no negative samples, so the false positive rate is undefined");
  KAON_CHECK(tps.back() > 0, ValueError,
             "roc_curve: y_true has no positive samples, so the true positive rate is undefined");
  if (drop_intermediate && fps.size() > 2) {
    // Keep the ends and every point where the curve bends (a nonzero second difference).
    std::vector<std::size_t> keep{0};
    for (std::size_t i = 1; i + 1 < fps.size(); ++i) {
      const bool bends =
          fps[i - 1] - 2 * fps[i] + fps[i + 1] != 0 || tps[i - 1] - 2 * tps[i] + tps[i + 1] != 0;
      if (bends) keep.push_back(i);
    }
    keep.push_back(fps.size() - 1);
    auto pick = [&](std::vector<double>& v) {
      std::vector<double> out;
      for (auto k : keep) out.push_back(v[k]);
      v = std::move(out);
    };
    pick(tps), pick(fps), pick(thresholds);
  }
  // The curve starts at (0, 0), above every score.
  tps.insert(tps.begin(), 0.0);
  fps.insert(fps.begin(), 0.0);
  thresholds.insert(thresholds.begin(), thresholds.front() + 1);
  const double p = tps.back(), n = fps.back();
  for (auto& v : tps) v /= p;
  for (auto& v : fps) v /= n;
  return {from_vector<double>(fps), from_vector<double>(tps), from_vector<double>(thresholds)};
}

/// Area under the curve through points (x, y) by the trapezoid rule; x must be monotonic.
template <class T, class U, class D>
double auc(const Tensor<T, D>& x, const Tensor<U, D>& y) {
  KAON_CHECK(x.dim() == 1 && y.shape() == x.shape() && x.numel() >= 2, ShapeError,
             "auc: expected two [n] tensors with n >= 2, got ", x.shape(), " and ", y.shape());
  auto host = [](const auto& t) {
    return t.detach().template to<cpu>().template to<double>().contiguous().to_vector();
  };
  const auto xs = host(x), ys = host(y);
  bool up = true, down = true;
  for (std::size_t i = 1; i < xs.size(); ++i) {
    up = up && xs[i] >= xs[i - 1];
    down = down && xs[i] <= xs[i - 1];
  }
  KAON_CHECK(up || down, ValueError, "auc: x is neither increasing nor decreasing");
  double area = 0;
  for (std::size_t i = 1; i < xs.size(); ++i) area += (xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1]) / 2;
  return up ? area : -area;
}

/// Area under the ROC curve: sklearn's roc_auc_score for binary labels.
template <class T, class U, class D>
double roc_auc(const Tensor<T, D>& y_true, const Tensor<U, D>& y_score) {
  const RocCurve roc = roc_curve(y_true, y_score);
  return auc(roc.fpr, roc.tpr);
}

}  // namespace kaon::metrics
