// SPDX-License-Identifier: MIT
// kaon::metrics against scikit-learn 1.2 (tools/gen_data_reference.py): regression scores,
// accuracy, confusion matrices, precision/recall/F1 for every average, ROC curves and AUC.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <limits>

#include "reference/data_reference.hpp"
#include "support/compare.hpp"

namespace metrics = kaon::metrics;
namespace data_ref = kaon_ref::data;
using kaon_test::check_matches;
using kaon_test::from_ref;

namespace {
double value(const kaon_ref::Ref& r) { return r.values.at(0); }

void check_prf(const metrics::PrecisionRecallF1& got, const kaon_ref::Ref& p,
               const kaon_ref::Ref& r, const kaon_ref::Ref& f) {
  CHECK(got.precision == Approx(value(p)).epsilon(1e-12));
  CHECK(got.recall == Approx(value(r)).epsilon(1e-12));
  CHECK(got.f1 == Approx(value(f)).epsilon(1e-12));
}
}  // namespace

TEST_CASE("regression metrics match scikit-learn", "[metrics]") {
  const auto t = from_ref<double>(data_ref::reg_true), p = from_ref<double>(data_ref::reg_pred);
  REQUIRE(metrics::r2_score(t, p) == Approx(value(data_ref::reg_r2)).epsilon(1e-12));
  REQUIRE(metrics::mean_squared_error(t, p) == Approx(value(data_ref::reg_mse)).epsilon(1e-12));
  REQUIRE(metrics::mean_absolute_error(t, p) == Approx(value(data_ref::reg_mae)).epsilon(1e-12));
  // A [n] target against a [n, 1] prediction is one output, as in scikit-learn.
  REQUIRE(metrics::r2_score(t, p.reshape({-1, 1})) ==
          Approx(value(data_ref::reg_r2)).epsilon(1e-12));
  // Float predictions against double targets.
  REQUIRE(metrics::mean_squared_error(t.to<float>(), p.to<float>()) ==
          Approx(value(data_ref::reg_mse)).epsilon(1e-6));

  const auto t2 = from_ref<double>(data_ref::reg2_true), p2 = from_ref<double>(data_ref::reg2_pred);
  REQUIRE(metrics::r2_score(t2, p2) == Approx(value(data_ref::reg2_r2)).epsilon(1e-12));
  const auto raw = metrics::r2_score_per_output(t2, p2);
  REQUIRE(raw.size() == 2);
  REQUIRE(raw[0] == Approx(data_ref::reg2_r2_raw.values[0]).epsilon(1e-12));
  REQUIRE(raw[1] == Approx(data_ref::reg2_r2_raw.values[1]).epsilon(1e-12));
  REQUIRE(metrics::mean_squared_error(t2, p2) == Approx(value(data_ref::reg2_mse)).epsilon(1e-12));

  // Constant targets: 1 for a perfect fit, 0 otherwise (scikit-learn's force_finite).
  REQUIRE(metrics::r2_score(kaon::ones({4}), kaon::ones({4})) == 1.0);
  REQUIRE(metrics::r2_score(kaon::ones({4}), kaon::zeros({4})) == 0.0);
  REQUIRE_THROWS_AS(metrics::r2_score(kaon::ones({4}), kaon::ones({5})), kaon::ShapeError);
  REQUIRE_THROWS_AS(metrics::mean_squared_error(kaon::ones({4, 2}), kaon::ones({4, 3})),
                    kaon::ShapeError);
}

TEST_CASE("binary classification metrics match scikit-learn", "[metrics]") {
  const auto t = from_ref<std::int64_t>(data_ref::bin_true),
             p = from_ref<std::int64_t>(data_ref::bin_pred);
  REQUIRE(metrics::accuracy(t, p) == Approx(value(data_ref::bin_accuracy)).epsilon(1e-12));
  check_matches(metrics::confusion_matrix(t, p), data_ref::bin_confusion);
  using A = metrics::Average;
  check_prf(metrics::precision_recall_f1(t, p), data_ref::bin_precision_binary,
            data_ref::bin_recall_binary, data_ref::bin_f1_binary);
  check_prf(metrics::precision_recall_f1(t, p, A::macro), data_ref::bin_precision_macro,
            data_ref::bin_recall_macro, data_ref::bin_f1_macro);
  check_prf(metrics::precision_recall_f1(t, p, A::weighted), data_ref::bin_precision_weighted,
            data_ref::bin_recall_weighted, data_ref::bin_f1_weighted);
  check_prf(metrics::precision_recall_f1(t, p, A::micro), data_ref::bin_precision_micro,
            data_ref::bin_recall_micro, data_ref::bin_f1_micro);
  // Rounded float probabilities are labels too.
  REQUIRE(metrics::accuracy(t.to<float>(), p.to<float>()) == metrics::accuracy(t, p));
}

TEST_CASE("multiclass metrics match scikit-learn, with 0/0 ratios as 0", "[metrics]") {
  const auto t = from_ref<std::int64_t>(data_ref::mc_true),
             p = from_ref<std::int64_t>(data_ref::mc_pred);
  REQUIRE(metrics::accuracy(t, p) == Approx(value(data_ref::mc_accuracy)).epsilon(1e-12));
  check_matches(metrics::confusion_matrix(t, p), data_ref::mc_confusion);
  using A = metrics::Average;
  check_prf(metrics::precision_recall_f1(t, p, A::macro), data_ref::mc_precision_macro,
            data_ref::mc_recall_macro, data_ref::mc_f1_macro);
  check_prf(metrics::precision_recall_f1(t, p, A::weighted), data_ref::mc_precision_weighted,
            data_ref::mc_recall_weighted, data_ref::mc_f1_weighted);
  check_prf(metrics::precision_recall_f1(t, p, A::micro), data_ref::mc_precision_micro,
            data_ref::mc_recall_micro, data_ref::mc_f1_micro);
  const auto report = metrics::classification_report(t, p);
  REQUIRE(report.labels.size() == 4);
  for (std::size_t c = 0; c < 4; ++c) {
    INFO("class " << c);
    CHECK(report.precision[c] == Approx(data_ref::mc_precision_none.values[c]).epsilon(1e-12));
    CHECK(report.recall[c] == Approx(data_ref::mc_recall_none.values[c]).epsilon(1e-12));
    CHECK(report.f1[c] == Approx(data_ref::mc_f1_none.values[c]).epsilon(1e-12));
    CHECK(report.support[c] == static_cast<std::int64_t>(data_ref::mc_support.values[c]));
  }
  REQUIRE_THROWS_WITH(metrics::precision_recall_f1(t, p),
                      Catch::Contains("4 labels but the average is binary"));
}

TEST_CASE("the exercise-4 confusion and weighted scores", "[metrics]") {
  // 146 Adelie and 68 Chinstrap, three of each misclassified, as in the notebook.
  std::vector<std::int64_t> truth(146, 0), pred(146, 0);
  truth.resize(214, 1);
  pred.resize(214, 1);
  pred[0] = pred[1] = pred[2] = 1;
  pred[146] = pred[147] = pred[148] = 0;
  const auto t = kaon::from_vector(truth), p = kaon::from_vector(pred);
  check_matches(metrics::confusion_matrix(t, p), data_ref::nb_confusion);
  const auto w = metrics::precision_recall_f1(t, p, metrics::Average::weighted);
  REQUIRE(w.precision == Approx(0.9719626168224299).epsilon(1e-15));
  REQUIRE(w.recall == Approx(data_ref::nb_weighted_prf.values[1]).epsilon(1e-15));
  REQUIRE(w.f1 == Approx(data_ref::nb_weighted_prf.values[2]).epsilon(1e-15));
}

TEST_CASE("classification metric errors", "[metrics][errors]") {
  REQUIRE_THROWS_WITH(metrics::accuracy(kaon::tensor({0.0f, 1.0f}), kaon::tensor({0.3f, 1.0f})),
                      Catch::Contains("y_pred holds 0.3, which is not a class label"));
  REQUIRE_THROWS_AS(metrics::confusion_matrix(kaon::tensor({0, 1}), kaon::tensor({0, 1, 1})),
                    kaon::ShapeError);
  REQUIRE_THROWS_AS(metrics::accuracy(kaon::ones({2, 2}), kaon::ones({2, 2})), kaon::ShapeError);
}

TEST_CASE("roc_curve and roc_auc match scikit-learn, ties and drop_intermediate", "[metrics]") {
  const auto t = from_ref<std::int64_t>(data_ref::roc_true);
  const auto s = from_ref<double>(data_ref::roc_score);
  const auto roc = metrics::roc_curve(t, s);
  check_matches(roc.fpr, data_ref::roc_fpr);
  check_matches(roc.tpr, data_ref::roc_tpr);
  check_matches(roc.thresholds, data_ref::roc_thresholds);
  const auto all = metrics::roc_curve(t, s, false);
  check_matches(all.fpr, data_ref::roc_fpr_all);
  check_matches(all.tpr, data_ref::roc_tpr_all);
  check_matches(all.thresholds, data_ref::roc_thresholds_all);
  REQUIRE(metrics::roc_auc(t, s) == Approx(value(data_ref::roc_auc)).epsilon(1e-12));

  const auto t2 = from_ref<std::int64_t>(data_ref::roc2_true);
  const auto s2 = from_ref<double>(data_ref::roc2_score);
  const auto roc2 = metrics::roc_curve(t2, s2);
  check_matches(roc2.fpr, data_ref::roc2_fpr);
  check_matches(roc2.tpr, data_ref::roc2_tpr);
  check_matches(roc2.thresholds, data_ref::roc2_thresholds);
  REQUIRE(metrics::roc_auc(t2, s2) == Approx(value(data_ref::roc2_auc)).epsilon(1e-12));
  REQUIRE(metrics::auc(roc2.fpr, roc2.tpr) == Approx(value(data_ref::roc2_auc)).epsilon(1e-12));
  // Float scores from a model, as float labels.
  REQUIRE(metrics::roc_auc(t2.to<float>(), s2.to<float>()) ==
          Approx(value(data_ref::roc2_auc)).epsilon(1e-6));

  REQUIRE_THROWS_WITH(metrics::roc_curve(kaon::ones<std::int64_t>({3}), kaon::rand({3})),
                      Catch::Contains("no negative samples"));
  REQUIRE_THROWS_WITH(metrics::roc_curve(kaon::tensor<std::int64_t>({0, 1, 2}), kaon::rand({3})),
                      Catch::Contains("holds label 2"));
  REQUIRE_THROWS_WITH(metrics::roc_curve(kaon::empty<std::int64_t>({0}), kaon::empty({0})),
                      Catch::Contains("no samples"));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  REQUIRE_THROWS_WITH(
      metrics::roc_curve(kaon::tensor<std::int64_t>({0, 1}), kaon::tensor({0.5f, nan})),
      Catch::Contains("scores must be finite"));
  REQUIRE_THROWS_WITH(
      metrics::auc(kaon::tensor<double>({0.0, 1.0, 0.5}), kaon::tensor<double>({0.0, 1.0, 1.0})),
      Catch::Contains("neither increasing nor decreasing"));
}
