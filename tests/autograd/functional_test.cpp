// SPDX-License-Identifier: MIT
// autograd::functional::jacobian and hessian against torch.autograd.functional
// (tools/gen_api_reference.py).
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace functional_test {
namespace api_ref = kaon_ref::api;
using kaon_test::check_matches;
using kaon_test::from_ref;
using T64 = kaon::Tensor<double>;
}  // namespace functional_test

TEST_CASE("jacobian and hessian match torch.autograd.functional", "[autograd]") {
  using namespace functional_test;
  namespace fn = kaon::autograd::functional;
  const auto x = from_ref<double>(api_ref::fn_x);
  const auto j = fn::jacobian([](const T64& z) { return kaon::sin(z) * z.sum(1, true); }, x);
  check_matches(j, api_ref::fn_jacobian, 1e-12);
  const auto h = fn::hessian(
      [](const T64& z) { return kaon::pow(z, 3).sum() + z[0][0] * z[1][2] + kaon::exp(z).prod(); },
      x);
  check_matches(h, api_ref::fn_hessian, 1e-12);
  REQUIRE_FALSE(x.requires_grad());  // the input is left as it was
  REQUIRE_FALSE(j.requires_grad());
  // A function that does not depend on x has a zero Jacobian.
  const auto zero = fn::jacobian([](const T64&) { return kaon::ones<double>({2}); }, x);
  REQUIRE(zero.shape() == kaon::Shape{2, 2, 3});
  REQUIRE(zero.abs().sum().item() == 0);
  REQUIRE_THROWS_WITH(fn::hessian([](const T64& z) { return z * 2; }, x),
                      Catch::Contains("hessian: the function must return one value"));
  // With create_graph the Jacobian can be differentiated again.
  auto xr = x.clone().requires_grad_();
  const auto jr = fn::jacobian([](const T64& z) { return z * z; }, xr, true);
  REQUIRE(jr.requires_grad());
  jr.sum().backward();
  REQUIRE((xr.grad() == 2.0).all().item());  // the Jacobian sums to sum(2 x)
}
