// SPDX-License-Identifier: MIT
// linalg::lstsq against numpy.linalg.lstsq, and LinearRegression against scikit-learn on the
// 333 penguins rows (tools/gen_data_reference.py).
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>

#include "reference/data_reference.hpp"
#include "support/compare.hpp"

namespace data_ref = kaon_ref::data;
using kaon_test::check_matches;
using kaon_test::from_ref;

TEST_CASE("lstsq matches NumPy: overdetermined, rank deficient, underdetermined", "[linalg]") {
  const auto a = from_ref<double>(data_ref::lstsq_a);
  const auto sol = kaon::linalg::lstsq(a, from_ref<double>(data_ref::lstsq_b));
  check_matches(sol.solution, data_ref::lstsq_x, 1e-10);
  REQUIRE(sol.rank == 3);
  REQUIRE(sol.residuals.shape() == kaon::Shape{2});
  check_matches(kaon::linalg::lstsq(a, from_ref<double>(data_ref::lstsq_b1)).solution,
                data_ref::lstsq_x1, 1e-10);
  // A column of zeros added after A's: the minimum-norm solution gives it weight 0 and the other
  // columns NumPy's weights (the QR meets the zero column last and needs no reflector there).
  const auto with_zeros = kaon::linalg::lstsq(
      kaon::cat({a, kaon::zeros<double>({a.size(0), 1})}, 1), from_ref<double>(data_ref::lstsq_b));
  REQUIRE(with_zeros.rank == 3);
  check_matches(with_zeros.solution.slice(0, 0, 3).contiguous(), data_ref::lstsq_x, 1e-10);
  REQUIRE(kaon::abs(with_zeros.solution.slice(0, 3, 4)).max().item() == 0.0);

  const auto rd = kaon::linalg::lstsq(from_ref<double>(data_ref::lstsq_rd_a),
                                      from_ref<double>(data_ref::lstsq_rd_b));
  check_matches(rd.solution, data_ref::lstsq_rd_x, 1e-10);  // the minimum-norm solution
  REQUIRE(rd.rank == static_cast<std::int64_t>(data_ref::lstsq_rd_rank.values[0]));
  REQUIRE(rd.residuals.numel() == 0);

  check_matches(kaon::linalg::lstsq(from_ref<double>(data_ref::lstsq_ud_a),
                                    from_ref<double>(data_ref::lstsq_ud_b))
                    .solution,
                data_ref::lstsq_ud_x, 1e-10);

  // Wide and rank deficient, with two right-hand sides.
  const auto wide = kaon::linalg::lstsq(from_ref<double>(data_ref::lstsq_wide_a),
                                        from_ref<double>(data_ref::lstsq_wide_b));
  check_matches(wide.solution, data_ref::lstsq_wide_x, 1e-10);
  REQUIRE(wide.rank == static_cast<std::int64_t>(data_ref::lstsq_wide_rank.values[0]));

  // Ill-conditioned (condition number ~6e5): the solution to what that allows, residuals too.
  REQUIRE(data_ref::lstsq_vander_cond.values[0] > 1e5);
  const auto vander = kaon::linalg::lstsq(from_ref<double>(data_ref::lstsq_vander_a),
                                          from_ref<double>(data_ref::lstsq_vander_b));
  REQUIRE(vander.rank == 9);
  check_matches(vander.solution, data_ref::lstsq_vander_x, 1e-8);
  check_matches(vander.residuals, data_ref::lstsq_vander_residuals, 1e-8);

  // Float tensors are solved in double and returned as float.
  const auto f =
      kaon::linalg::lstsq(from_ref<float>(data_ref::lstsq_a), from_ref<float>(data_ref::lstsq_b));
  check_matches(f.solution.to<double>(), data_ref::lstsq_x, 1e-5);
}

TEST_CASE("lstsq errors", "[linalg][errors]") {
  REQUIRE_THROWS_AS(kaon::linalg::lstsq(kaon::ones({3}), kaon::ones({3})), kaon::ShapeError);
  REQUIRE_THROWS_WITH(
      kaon::linalg::lstsq(kaon::ones({3, 2}), kaon::ones({4, 1})),
      Catch::Contains("expected A [m, n] and B [m, k] or [m], got [3, 2] and [4, 1]"));
  auto a = kaon::ones({3, 2}).requires_grad_();
  REQUIRE_THROWS_WITH(kaon::linalg::lstsq(a, kaon::ones({3})),
                      Catch::Contains("gradients through lstsq are not supported"));
  kaon::NoGradGuard no_grad;
  REQUIRE(kaon::linalg::lstsq(a, kaon::ones({3})).solution.shape() == kaon::Shape{2});
}

TEST_CASE("LinearRegression reproduces scikit-learn on the penguins", "[linalg][penguins]") {
  const auto df = kaon::data::read_csv(KAON_PENGUINS_CSV).dropna();
  REQUIRE(df.rows() == 333);
  const auto x1 = df.to_tensor<double>({"flipper_length_mm"});
  const auto y = df["body_mass_g"].to_tensor<double>();
  constexpr double rel = 1e-9;

  kaon::linalg::LinearRegression<double> reg;
  reg.fit(x1, y);
  check_matches(reg.coef(), data_ref::lr1_coef, rel);
  // One target: a 1-D coef and a number for the intercept, as scikit-learn's.
  REQUIRE(reg.coef().dim() == 1);
  check_matches(reg.intercepts(), data_ref::lr1_intercept, rel);
  REQUIRE(reg.intercept() == Approx(data_ref::lr1_intercept.values[0]).epsilon(rel));
  REQUIRE(reg.coef().item() == Approx(50.15326594224118).epsilon(rel));
  REQUIRE(reg.intercept() == Approx(-5872.0926828428355).epsilon(rel));
  REQUIRE(reg.score(x1, y) == Approx(0.7620921573403914).epsilon(rel));
  REQUIRE(reg.score(x1, y) == Approx(data_ref::lr1_r2.values[0]).epsilon(rel));
  REQUIRE(kaon::metrics::mean_squared_error(y, reg.predict(x1)) ==
          Approx(data_ref::lr1_mse.values[0]).epsilon(rel));
  REQUIRE(reg.predict(kaon::tensor<double>({{200.0}})).item() ==
          Approx(data_ref::lr1_predict_200.values[0]).epsilon(rel));

  const auto x2 = df.to_tensor<double>({"flipper_length_mm", "bill_depth_mm"});
  reg.fit(x2, y);
  check_matches(reg.coef(), data_ref::lr2_coef, rel);
  REQUIRE(reg.coef().to_vector()[0] == Approx(51.76697347).epsilon(1e-9));
  REQUIRE(reg.coef().to_vector()[1] == Approx(19.87800053).epsilon(1e-9));
  REQUIRE(reg.intercept() == Approx(-6537.597784133076).epsilon(rel));
  REQUIRE(reg.score(x2, y) == Approx(0.7636664756651792).epsilon(rel));
  REQUIRE(kaon::metrics::mean_squared_error(y, reg.predict(x2)) ==
          Approx(data_ref::lr2_mse.values[0]).epsilon(rel));

  // A [n, 1] target gives scikit-learn's [1, features] coef and [1] intercept.
  reg.fit(x1, y.reshape({-1, 1}));
  check_matches(reg.coef(), data_ref::lr1_2d_coef, rel);
  check_matches(reg.intercepts(), data_ref::lr1_2d_intercept, rel);
  REQUIRE_THROWS_WITH(reg.intercept(), Catch::Contains("1 intercepts; use intercepts()"));
  REQUIRE(reg.predict(x1).shape() == kaon::Shape{333, 1});

  REQUIRE_THROWS_WITH(kaon::linalg::LinearRegression<double>().predict(x1),
                      Catch::Contains("call fit() first"));
  REQUIRE_THROWS_AS(reg.predict(x2), kaon::ShapeError);
}
