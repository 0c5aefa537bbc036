// SPDX-License-Identifier: MIT
// nn::MLP(k, {m, p}), that is Linear(k, m), ReLU, Linear(m, p), against PyTorch (section 9 of
// tools/gen_autograd_reference.py): the result and every gradient where the three layers run as
// one node (k, p <= 4) and where they are composed (k = 5, p = 5), in double and float, with and
// without an input gradient, an infinite bias, a gradient penalty (create_graph) and no grad.
// Sequential(Linear, ReLU, Linear) composes the layers and gives the same numbers.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "reference/autograd_reference.hpp"
#include "support/compare.hpp"
#include "support/layer_inputs.hpp"

using kaon::Tensor;
using kaon_test::check_matches;
namespace autograd_ref = kaon_ref::autograd;

namespace {
/// Section 9's inputs, the same formulas of the indices.
struct Inputs {
  std::int64_t k, m, p;
  Tensor<double> x, W1, b1, W2, b2, G;
};
Inputs inputs(std::int64_t n, std::int64_t k, std::int64_t m, std::int64_t p) {
  return {k,
          m,
          p,
          kaon_test::layer_x(n, k),
          kaon_test::layer_W1(m, k),
          kaon_test::layer_b1(m),
          kaon_test::layer_W2(p, m),
          kaon_test::layer_b2(p),
          kaon_test::layer_G(n, p)};
}

/// The model with PyTorch's parameters, in T: nn::MLP by default, or nn::Sequential.
template <class T, class Model = kaon::nn::MLP<T>>
Model model_of(const Inputs& in) {
  Model model = [&] {
    if constexpr (std::is_same_v<Model, kaon::nn::MLP<T>>)
      return Model(in.k, {in.m, in.p});
    else
      return Model(kaon::nn::Linear<T>(in.k, in.m), kaon::nn::ReLU<T>(),
                   kaon::nn::Linear<T>(in.m, in.p));
  }();
  auto params = model.parameters();
  kaon::NoGradGuard no_grad;
  params[0].copy_(in.W1.to<T>());
  params[1].copy_(in.b1.to<T>());
  params[2].copy_(in.W2.to<T>());
  params[3].copy_(in.b2.to<T>());
  return model;
}

struct Expected {
  const kaon_ref::Ref &out, &x, &W1, &b1, &W2, &b2;
};

/// model(x).backward(G) in T: the result, the parameters' gradients and, when with_x, x's.
template <class T, class Model = kaon::nn::MLP<T>>
void check_case(const Inputs& in, const Expected& e, bool with_x, double tol, bool one_node) {
  INFO("T = " << (sizeof(T) == 4 ? "float" : "double") << ", x needs a gradient: " << with_x);
  const auto model = model_of<T, Model>(in);
  auto x = in.x.to<T>().clone();
  if (with_x) x.requires_grad_();
  const auto out = model(x);
  REQUIRE(out.grad_fn()->name() ==
          std::string(one_node ? "LinearReluLinearBackward" : "AddmmBackward0"));
  check_matches(out.template to<double>(), e.out, tol);
  out.backward(in.G.to<T>());
  if (with_x) check_matches(x.grad().template to<double>(), e.x, tol);
  const auto params = model.parameters();
  check_matches(params[0].grad().template to<double>(), e.W1, tol);
  check_matches(params[1].grad().template to<double>(), e.b1, tol);
  check_matches(params[2].grad().template to<double>(), e.W2, tol);
  check_matches(params[3].grad().template to<double>(), e.b2, tol);
}

/// b1[3] = +inf and the upstream gradient 1.5 + G > 0, in T: unit 3 is infinite on every row
/// (and on the padding lanes of the last block of rows, which must add nothing).
template <class T>
void check_infinite_bias(Inputs in, double tol) {
  INFO("T = " << (sizeof(T) == 4 ? "float" : "double"));
  in.b1 = in.b1.clone();
  in.b1.data_ptr()[3] = std::numeric_limits<double>::infinity();
  const auto model = model_of<T>(in);
  model(in.x.to<T>()).backward((1.5 + in.G).to<T>());
  const auto params = model.parameters();
  check_matches(params[0].grad().template to<double>(), autograd_ref::lrl_inf_W1_grad, tol);
  check_matches(params[1].grad().template to<double>(), autograd_ref::lrl_inf_b1_grad, tol);
  check_matches(params[3].grad().template to<double>(), autograd_ref::lrl_inf_b2_grad, tol);
  auto dW2 = params[2].grad().template to<double>().clone();
  for (std::int64_t q = 0; q < in.p; ++q) {
    double& v = dW2.data_ptr()[q * in.m + 3];
    REQUIRE((std::isinf(v) && v > 0));
    v = 0;
  }
  check_matches(dW2, autograd_ref::lrl_inf_W2_grad, tol);
}

#define KAON_LRL_CASE(n, k, m, p)                            \
  Case {                                                     \
    n, k, m, p, {                                            \
      autograd_ref::lrl_##n##_##k##_##m##_##p##_out,         \
          autograd_ref::lrl_##n##_##k##_##m##_##p##_x_grad,  \
          autograd_ref::lrl_##n##_##k##_##m##_##p##_W1_grad, \
          autograd_ref::lrl_##n##_##k##_##m##_##p##_b1_grad, \
          autograd_ref::lrl_##n##_##k##_##m##_##p##_W2_grad, \
          autograd_ref::lrl_##n##_##k##_##m##_##p##_b2_grad  \
    }                                                        \
  }
}  // namespace

TEST_CASE(
    "nn::MLP runs Linear, ReLU, Linear with narrow ends as one node with PyTorch's values and "
    "gradients",
    "[autograd][nn]") {
  struct Case {
    std::int64_t n, k, m, p;
    Expected e;
  };
  // One op for k, p <= 4: whole and partial blocks of rows (150, 23, 70, 9, 40 rows), more
  // than 64 blocks (1100 rows, the float sums joined in double), hidden widths that are not a
  // multiple of 4 (29, 3, 7, 6), k or p = 3 (run padded to 4); k = 5 and p = 5 are composed.
  const Case cases[] = {KAON_LRL_CASE(150, 1, 50, 1), KAON_LRL_CASE(23, 2, 29, 3),
                        KAON_LRL_CASE(70, 4, 50, 4),  KAON_LRL_CASE(9, 1, 3, 2),
                        KAON_LRL_CASE(40, 3, 7, 2),   KAON_LRL_CASE(1100, 1, 6, 1),
                        KAON_LRL_CASE(30, 5, 20, 1),  KAON_LRL_CASE(30, 1, 20, 5)};
  for (const auto& c : cases) {
    INFO("n = " << c.n << ", k = " << c.k << ", m = " << c.m << ", p = " << c.p);
    const auto in = inputs(c.n, c.k, c.m, c.p);
    const bool one_op = c.k <= 4 && c.p <= 4;
    REQUIRE(kaon::detail::runs_linear_relu_linear(in.x, in.W1, in.b1, in.W2, in.b2) == one_op);
    check_case<double>(in, c.e, true, 1e-12, one_op);
    check_case<double>(in, c.e, false, 1e-12, one_op);
    check_case<float>(in, c.e, true, 2e-5, one_op);
    check_case<float>(in, c.e, false, 2e-5, one_op);
    check_case<double, kaon::nn::Sequential<double>>(in, c.e, true, 1e-12, false);
    check_case<float, kaon::nn::Sequential<float>>(in, c.e, false, 2e-5, false);
  }
}

TEST_CASE("Linear, ReLU, Linear as one op: no grad, an infinite bias, a penalty, bad input",
          "[autograd][nn]") {
  const auto in = inputs(23, 2, 29, 3);
  SECTION("under NoGradGuard the result matches and records nothing") {
    const auto model = model_of<float>(in);
    kaon::NoGradGuard no_grad;
    const auto out = model(in.x.to<float>());
    REQUIRE(out.grad_fn() == nullptr);
    check_matches(out.to<double>(), autograd_ref::lrl_23_2_29_3_out, 2e-5);
  }
  SECTION("an infinite bias: d/dW2 is +inf in its unit's column, every other gradient finite") {
    check_infinite_bias<double>(in, 1e-12);
    check_infinite_bias<float>(in, 2e-5);
  }
  SECTION("a penalty on the input gradient (create_graph) differentiates the backward again") {
    const auto model = model_of<double>(in);
    const auto x = in.x.clone().requires_grad_();
    const auto out = model(x);
    const auto gx =
        kaon::autograd::grad<double, kaon::cpu>({out}, {x}, {in.G}, std::nullopt, true)[0];
    const auto loss = kaon::pow(gx, 2).sum() + kaon::pow(out, 2).mean();
    loss.backward();
    check_matches(gx, autograd_ref::lrl_pen_gx);
    check_matches(loss, autograd_ref::lrl_pen_loss);
    check_matches(x.grad(), autograd_ref::lrl_pen_x_grad);
    const auto params = model.parameters();
    check_matches(params[0].grad(), autograd_ref::lrl_pen_W1_grad);
    check_matches(params[1].grad(), autograd_ref::lrl_pen_b1_grad);
    check_matches(params[2].grad(), autograd_ref::lrl_pen_W2_grad);
    check_matches(params[3].grad(), autograd_ref::lrl_pen_b2_grad);
  }
  SECTION("an input with the wrong number of columns names Linear and the shape") {
    const auto model = model_of<float>(in);
    REQUIRE_THROWS_AS(model(kaon::zeros<float>({5, 3})), kaon::ShapeError);
    REQUIRE_THROWS_WITH(model(kaon::zeros<float>({5, 3})),
                        Catch::Contains("Linear") && Catch::Contains("[5, 3]"));
  }
}
