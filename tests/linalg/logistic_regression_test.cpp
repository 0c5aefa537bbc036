// SPDX-License-Identifier: MIT
// linalg::LogisticRegression against scikit-learn's LogisticRegression on the penguins
// (tools/gen_api_reference.py): three species (multinomial), Adelie or not (binary, C = 0.5)
// and no intercept; closely against the optimum of scikit-learn's objective, loosely against
// scikit-learn's lbfgs, which stops short of it.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <string>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

TEST_CASE("LogisticRegression matches scikit-learn's coefficients and probabilities", "[linalg]") {
  namespace api_ref = kaon_ref::api;
  using kaon_test::check_matches;
  const std::vector<std::string> cols = {"bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                                         "body_mass_g"};
  const auto df = kaon::data::read_csv(KAON_PENGUINS_CSV).dropna(cols);
  REQUIRE(df.rows() == static_cast<std::int64_t>(api_ref::lr_n_rows.values[0]));
  const auto x = kaon::data::StandardScaler().fit_transform(df.to_tensor<double>(cols));
  const auto y = kaon::data::factorize(df["species"]).codes;

  kaon::linalg::LogisticRegression<double> clf;
  clf.fit(x, y);
  check_matches(clf.coef(), api_ref::lr_multi_coef, 1e-9);
  check_matches(clf.intercept(), api_ref::lr_multi_intercept, 1e-9);
  check_matches(clf.predict_proba(x.slice(0, 0, 5)), api_ref::lr_multi_proba_head, 1e-10);
  REQUIRE(clf.score(x, y) == Approx(api_ref::lr_multi_score.values[0]));
  REQUIRE(clf.classes().to_vector() == std::vector<std::int64_t>{0, 1, 2});
  // scikit-learn's own lbfgs stops about 1e-5 short of that optimum.
  check_matches(clf.coef(), api_ref::lr_multi_sklearn_coef, 1e-4);

  const auto adelie = (y == 0).to<std::int64_t>();
  kaon::linalg::LogisticRegression<double> bin(0.5);
  bin.fit(x.slice(1, 0, 2), adelie);
  check_matches(bin.coef(), api_ref::lr_bin_coef, 1e-9);
  check_matches(bin.intercept(), api_ref::lr_bin_intercept, 1e-9);
  check_matches(bin.predict_proba(x.slice(0, 0, 5).slice(1, 0, 2)), api_ref::lr_bin_proba_head,
                1e-8);
  REQUIRE(bin.score(x.slice(1, 0, 2), adelie) == Approx(api_ref::lr_bin_score.values[0]));
  check_matches(bin.coef(), api_ref::lr_bin_sklearn_coef, 1e-4);

  kaon::linalg::LogisticRegression<double> no_intercept(1.0, false);
  no_intercept.fit(x, y);
  check_matches(no_intercept.coef(), api_ref::lr_noint_coef, 1e-9);
  REQUIRE(no_intercept.intercept().abs().max().item() == 0);

  REQUIRE_THROWS_WITH(kaon::linalg::LogisticRegression<double>().predict(x),
                      Catch::Contains("call fit() first"));
  REQUIRE_THROWS_WITH(
      kaon::linalg::LogisticRegression<double>().fit(x, kaon::zeros<std::int64_t>({x.size(0)})),
      Catch::Contains("needs samples of at least 2 classes"));
  REQUIRE_THROWS_WITH(kaon::linalg::LogisticRegression<double>(0.0), Catch::Contains("C must be"));
  REQUIRE_THROWS_WITH(clf.predict_proba(x.slice(1, 0, 2)),
                      Catch::Contains("expected x [n, 4], got [342, 2]"));
}
