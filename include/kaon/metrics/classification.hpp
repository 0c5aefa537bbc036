// SPDX-License-Identifier: MIT
// Classification metrics as scikit-learn 1.2 computes them: accuracy, confusion_matrix and
// precision / recall / F1 per class or averaged (binary, micro, macro, weighted), with 0 where a
// ratio is 0/0 (scikit-learn's zero_division default). Labels are the sorted union of the labels
// in y_true and y_pred; float labels must be whole numbers (round probabilities first).
//
//   auto pred = kaon::round(model.forward(x));                   // np.round(output)
//   double acc = kaon::metrics::accuracy(y, pred);               // accuracy_score(y, pred)
//   auto prf = kaon::metrics::precision_recall_f1(y, pred, kaon::metrics::Average::weighted);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"

namespace kaon::metrics {

enum class Average { binary, micro, macro, weighted };

/// Per-class figures for the sorted labels.
struct ClassReport {
  std::vector<std::int64_t> labels;
  std::vector<double> precision, recall, f1;
  std::vector<std::int64_t> support;
};

struct PrecisionRecallF1 {
  double precision = 0, recall = 0, f1 = 0;
};

namespace detail {

/// A [n] or [n, 1] tensor of class labels as integers.
template <class T, class D>
std::vector<std::int64_t> labels_of(const Tensor<T, D>& y, const char* op, const char* name) {
  KAON_CHECK(y.dim() == 1 || (y.dim() == 2 && y.size(1) == 1), ShapeError, op, ": ", name,
             " must be [n] or [n, 1], got ", y.shape());
  const auto v = y.detach().template to<cpu>().contiguous().to_vector();
  std::vector<std::int64_t> out;
  out.reserve(v.size());
  for (const T x : v) {
    if constexpr (std::is_floating_point_v<T>) {
      KAON_CHECK(std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9007199254740992.0,
                 ValueError, op, ": ", name, " holds ", x,
                 ", which is not a class label; round probabilities to classes first");
    }
    out.push_back(static_cast<std::int64_t>(x));
  }
  return out;
}

struct LabelPairs {
  std::vector<std::int64_t> truth, pred, labels;  // labels: sorted union
};

template <class T, class U, class D>
LabelPairs label_pairs(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred, const char* op) {
  LabelPairs p{labels_of(y_true, op, "y_true"), labels_of(y_pred, op, "y_pred"), {}};
  KAON_CHECK(p.truth.size() == p.pred.size(), ShapeError, op,
             ": y_true and y_pred differ in length: ", y_true.shape(), " and ", y_pred.shape());
  KAON_CHECK(!p.truth.empty(), ValueError, op, ": no samples");
  p.labels = p.truth;
  p.labels.insert(p.labels.end(), p.pred.begin(), p.pred.end());
  std::sort(p.labels.begin(), p.labels.end());
  p.labels.erase(std::unique(p.labels.begin(), p.labels.end()), p.labels.end());
  return p;
}

inline std::size_t label_index(const std::vector<std::int64_t>& labels, std::int64_t l) {
  return static_cast<std::size_t>(std::lower_bound(labels.begin(), labels.end(), l) -
                                  labels.begin());
}

inline double ratio(double num, double den) { return den == 0 ? 0.0 : num / den; }

// F1 from precision and recall, as scikit-learn 1.2's fbeta with beta 1.
inline double f1_of(double p, double r) { return p + r == 0 ? 0.0 : 2 * p * r / (p + r); }

}  // namespace detail

/// Fraction of samples whose prediction equals the truth: sklearn's accuracy_score.
template <class T, class U, class D>
double accuracy(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  const auto p = detail::label_pairs(y_true, y_pred, "accuracy");
  std::int64_t hits = 0;
  for (std::size_t i = 0; i < p.truth.size(); ++i) hits += p.truth[i] == p.pred[i];
  return static_cast<double>(hits) / static_cast<double>(p.truth.size());
}

/// Counts [true label, predicted label] over the sorted labels: sklearn's confusion_matrix.
template <class T, class U, class D>
Tensor<std::int64_t> confusion_matrix(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  const auto p = detail::label_pairs(y_true, y_pred, "confusion_matrix");
  const auto n = static_cast<std::int64_t>(p.labels.size());
  auto cm = zeros<std::int64_t>({n, n});
  std::int64_t* c = cm.data_ptr();
  for (std::size_t i = 0; i < p.truth.size(); ++i) {
    const auto r = detail::label_index(p.labels, p.truth[i]);
    const auto k = detail::label_index(p.labels, p.pred[i]);
    ++c[r * p.labels.size() + k];
  }
  return cm;
}

/// Precision, recall, F1 and support of every label: sklearn's precision_recall_fscore_support
/// with average=None.
template <class T, class U, class D>
ClassReport classification_report(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred) {
  const auto p = detail::label_pairs(y_true, y_pred, "classification_report");
  const std::size_t n = p.labels.size();
  std::vector<double> tp(n), predicted(n), actual(n);
  for (std::size_t i = 0; i < p.truth.size(); ++i) {
    const auto t = detail::label_index(p.labels, p.truth[i]);
    const auto k = detail::label_index(p.labels, p.pred[i]);
    tp[t] += t == k;
    actual[t] += 1;
    predicted[k] += 1;
  }
  ClassReport r{p.labels, {}, {}, {}, {}};
  for (std::size_t c = 0; c < n; ++c) {
    r.precision.push_back(detail::ratio(tp[c], predicted[c]));
    r.recall.push_back(detail::ratio(tp[c], actual[c]));
    r.f1.push_back(detail::f1_of(r.precision.back(), r.recall.back()));
    r.support.push_back(static_cast<std::int64_t>(actual[c]));
  }
  return r;
}

/// Averaged precision, recall and F1: sklearn's precision_score / recall_score / f1_score.
/// `binary` reports the class `pos_label` and refuses more than two labels.
template <class T, class U, class D>
PrecisionRecallF1 precision_recall_f1(const Tensor<T, D>& y_true, const Tensor<U, D>& y_pred,
                                      Average average = Average::binary,
                                      std::int64_t pos_label = 1) {
  const ClassReport r = classification_report(y_true, y_pred);
  const std::size_t n = r.labels.size();
  if (average == Average::binary) {
    KAON_CHECK(n <= 2, ValueError, "precision_recall_f1: the targets have ", n,
               " labels but the average is binary; choose macro, micro or weighted");
    const auto c = detail::label_index(r.labels, pos_label);
    KAON_CHECK(n < 2 || (c < n && r.labels[c] == pos_label), ValueError,
               "precision_recall_f1: pos_label ", pos_label, " is not one of the labels");
    if (c >= n || r.labels[c] != pos_label) return {};
    return {r.precision[c], r.recall[c], r.f1[c]};
  }
  if (average == Average::micro) {
    // Every sample is one prediction and one truth: micro precision = recall = accuracy.
    const double a = accuracy(y_true, y_pred);
    return {a, a, detail::f1_of(a, a)};
  }
  double wsum = 0;
  PrecisionRecallF1 out;
  for (std::size_t c = 0; c < n; ++c) {
    const double w = average == Average::macro ? 1.0 : static_cast<double>(r.support[c]);
    out.precision += w * r.precision[c];
    out.recall += w * r.recall[c];
    out.f1 += w * r.f1[c];
    wsum += w;
  }
  if (wsum == 0) return {};
  return {out.precision / wsum, out.recall / wsum, out.f1 / wsum};
}

}  // namespace kaon::metrics
