// SPDX-License-Identifier: MIT
// linalg::solve, inv, det and cholesky against torch.linalg (tools/gen_api_reference.py):
// values and gradients, single matrices and batches, and the errors of singular and
// non-positive-definite input.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace solve_test {
namespace api_ref = kaon_ref::api;
namespace linalg = kaon::linalg;
using kaon_test::check_matches;
using kaon_test::from_ref;
using T64 = kaon::Tensor<double>;

/// f(a, b) and the gradients of its sum for a and b.
template <class F>
void check_binary(const char* name, const F& f, const kaon_ref::Ref& a_ref,
                  const kaon_ref::Ref& b_ref, const kaon_ref::Ref& value, const kaon_ref::Ref& ga,
                  const kaon_ref::Ref& gb) {
  INFO(name);
  auto a = from_ref<double>(a_ref).requires_grad_(), b = from_ref<double>(b_ref).requires_grad_();
  const T64 y = f(a, b);
  check_matches(y, value, 1e-12);
  y.sum().backward();
  check_matches(a.grad(), ga, 1e-12);
  check_matches(b.grad(), gb, 1e-12);
}
}  // namespace solve_test

TEST_CASE("linalg::solve matches torch.linalg.solve for matrices, vectors and batches",
          "[linalg]") {
  using namespace solve_test;
  auto solve = [](const T64& a, const T64& b) { return linalg::solve(a, b); };
  check_binary("matrix", solve, api_ref::la, api_ref::lb, api_ref::la_solve,
               api_ref::la_solve_grad0, api_ref::la_solve_grad1);
  check_binary("vector", solve, api_ref::la, api_ref::lv, api_ref::la_solve_vec,
               api_ref::la_solve_vec_grad0, api_ref::la_solve_vec_grad1);
  check_binary("batch", solve, api_ref::la_batch, api_ref::lb_batch, api_ref::la_solve_batch,
               api_ref::la_solve_batch_grad0, api_ref::la_solve_batch_grad1);
  const auto a = from_ref<double>(api_ref::la);
  REQUIRE_THROWS_WITH(
      linalg::solve(a, kaon::zeros<double>({4, 2})),
      Catch::Contains("linalg.solve: A of shape [3, 3] cannot solve B of shape [4, 2]"));
  REQUIRE_THROWS_WITH(linalg::solve(kaon::zeros<double>({2, 3}), kaon::zeros<double>({2})),
                      Catch::Contains("expected square matrices [..., n, n], got [2, 3]"));
  auto singular = kaon::stack({a, kaon::tensor<double>({{1, 2, 3}, {2, 4, 6}, {0, 1, 1}})});
  REQUIRE_THROWS_WITH(linalg::solve(singular, from_ref<double>(api_ref::lb_batch)),
                      Catch::Contains("the matrix (batch 1) is singular"));
}

TEST_CASE("linalg::inv and det match torch.linalg, with their gradients", "[linalg]") {
  using namespace solve_test;
  // clang-format off
  kaon_test::check_value_and_grad("inv", [](const T64& a) { return linalg::inv(a); }, api_ref::la, api_ref::la_inv, api_ref::la_inv_grad0);
  kaon_test::check_value_and_grad("inv batch", [](const T64& a) { return linalg::inv(a); }, api_ref::la_batch, api_ref::la_inv_batch, api_ref::la_inv_batch_grad0);
  kaon_test::check_value_and_grad("det", [](const T64& a) { return linalg::det(a); }, api_ref::la, api_ref::la_det, api_ref::la_det_grad0);
  kaon_test::check_value_and_grad("det batch", [](const T64& a) { return linalg::det(a); }, api_ref::la_batch, api_ref::la_det_batch, api_ref::la_det_batch_grad0);
  // clang-format on
  const auto singular = kaon::tensor<double>({{1, 2}, {2, 4}});
  REQUIRE(linalg::det(singular).item() == 0);
  REQUIRE_THROWS_WITH(linalg::inv(singular), Catch::Contains("is singular"));
  auto s = singular.clone().requires_grad_();
  REQUIRE_THROWS_WITH(linalg::det(s).backward(), Catch::Contains("singular matrix (det 0)"));
}

TEST_CASE("linalg::cholesky matches torch.linalg.cholesky and its gradient", "[linalg]") {
  using namespace solve_test;
  // clang-format off
  kaon_test::check_value_and_grad("cholesky", [](const T64& a) { return linalg::cholesky(a); }, api_ref::spd, api_ref::la_chol, api_ref::la_chol_grad0);
  kaon_test::check_value_and_grad("cholesky batch", [](const T64& a) { return linalg::cholesky(a); }, api_ref::spd_batch, api_ref::la_chol_batch, api_ref::la_chol_batch_grad0);
  // clang-format on
  REQUIRE_THROWS_WITH(linalg::cholesky(kaon::tensor<double>({{1, 2}, {2, 1}})),
                      Catch::Contains("linalg.cholesky: the matrix is not positive-definite (its "
                                      "leading minor of order 2 is not)"));
  const auto f32 = linalg::cholesky(from_ref<double>(api_ref::spd).to<float>());
  REQUIRE(std::string(f32.dtype_name()) == "float32");
  check_matches(f32.to<double>(), api_ref::la_chol, 1e-6);
}
