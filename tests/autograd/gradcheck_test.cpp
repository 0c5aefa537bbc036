// SPDX-License-Identifier: MIT
// Finite-difference gradient checks (gradcheck, gradgradcheck) of every differentiable op.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using kaon::Shape;
using kaon::Tensor;

namespace {

using Tensors = std::vector<Tensor<double>>;
using Fn = kaon::autograd::DoubleFn<>;

/// "op on [2, 3] [3]": the op and the shapes of its inputs, for failure messages.
std::string describe(const std::string& op, const Tensors& inputs) {
  std::ostringstream os;
  os << op << " on";
  for (const auto& x : inputs) os << ' ' << x.shape();
  return os.str();
}

/// gradcheck, reporting the op and shapes (and gradcheck's message) when it fails.
void check_grad(const std::string& op, const Fn& f, const Tensors& inputs,
                const kaon::autograd::GradcheckOptions& opts = {}) {
  INFO("gradcheck of " << describe(op, inputs));
  CHECK(kaon::autograd::gradcheck(f, inputs, opts));
}

/// gradgradcheck, likewise.
void check_gradgrad(const std::string& op, const Fn& f, const Tensors& inputs) {
  INFO("gradgradcheck of " << describe(op, inputs));
  CHECK(kaon::autograd::gradgradcheck(f, inputs));
}

/// Uniform in [0.5, 1.5): safe for log, sqrt, denominators and pow bases.
Tensor<double> positive(const Shape& s) { return kaon::rand<double>(s) + 0.5; }

/// Magnitudes at least 0.1 from 0 and from 0.5 (for relu, abs, clamp at +-0.5, prod, L1 norm),
/// with random signs and a little jitter so no two elements tie.
Tensor<double> off_kinks(const Shape& s) {
  const auto levels = kaon::tensor<double>({0.25, 0.35, 0.65, 0.8, 0.95, 1.1});
  const auto pick = kaon::randint(0, 6, s).reshape({-1});
  const auto magnitude =
      levels.index_select(0, pick).reshape(s) + (kaon::rand<double>(s) - 0.5) * 0.08;
  return magnitude * kaon::where(kaon::rand<double>(s) < 0.5, -1.0, kaon::ones<double>(s));
}

}  // namespace

TEST_CASE("Unary element-wise ops pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(1);
  for (const Shape& s : {Shape{}, Shape{5}, Shape{2, 3}, Shape{2, 2, 3}}) {
    const auto x = off_kinks(s), p = positive(s);
    check_grad("neg", [](const Tensors& in) { return -in[0]; }, {x});
    check_grad("exp", [](const Tensors& in) { return kaon::exp(in[0]); }, {x});
    check_grad("log", [](const Tensors& in) { return kaon::log(in[0]); }, {p});
    check_grad("sqrt", [](const Tensors& in) { return kaon::sqrt(in[0]); }, {p});
    check_grad("sin", [](const Tensors& in) { return kaon::sin(in[0]); }, {x});
    check_grad("cos", [](const Tensors& in) { return kaon::cos(in[0]); }, {x});
    check_grad("tan", [](const Tensors& in) { return kaon::tan(in[0]); }, {x});
    check_grad("tanh", [](const Tensors& in) { return kaon::tanh(in[0]); }, {x});
    check_grad("sigmoid", [](const Tensors& in) { return kaon::sigmoid(in[0]); }, {x});
    check_grad("relu", [](const Tensors& in) { return kaon::relu(in[0]); }, {x});
    check_grad("abs", [](const Tensors& in) { return kaon::abs(in[0]); }, {x});
    check_grad("clamp(-0.5, 0.5)", [](const Tensors& in) { return kaon::clamp(in[0], -0.5, 0.5); },
               {x});
    check_grad("clamp_min(-0.5)", [](const Tensors& in) { return kaon::clamp_min(in[0], -0.5); },
               {x});
    check_grad("clamp_max(0.5)", [](const Tensors& in) { return kaon::clamp_max(in[0], 0.5); },
               {x});
  }
}

TEST_CASE("Unary ops pass gradcheck on non-contiguous inputs", "[autograd][gradcheck]") {
  kaon::manual_seed(2);
  const auto x = off_kinks({3, 4});
  check_grad("exp of a transpose", [](const Tensors& in) { return kaon::exp(in[0].t()); }, {x});
  check_grad("relu of a strided slice",
             [](const Tensors& in) { return kaon::relu(in[0].slice(1, 0, 4, 2)); }, {x});
  check_grad("sigmoid of an expand",
             [](const Tensors& in) {
               return kaon::sigmoid(in[0].expand({2, 3, 4}));
             },
             {x});
}

TEST_CASE("Binary arithmetic ops pass gradcheck, broadcasting included", "[autograd][gradcheck]") {
  kaon::manual_seed(3);
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3}, {2, 3}},    {{2, 3}, {3}}, {{3}, {2, 3}}, {{2, 1}, {1, 4}},
      {{2, 3, 1}, {3, 2}}, {{}, {2, 3}},  {{2, 3}, {}}};
  for (const auto& [sa, sb] : shapes) {
    const auto a = kaon::randn<double>(sa), b = kaon::randn<double>(sb);
    const auto pa = positive(sa), pb = positive(sb);
    check_grad("add", [](const Tensors& in) { return in[0] + in[1]; }, {a, b});
    check_grad("sub", [](const Tensors& in) { return in[0] - in[1]; }, {a, b});
    check_grad("mul", [](const Tensors& in) { return in[0] * in[1]; }, {a, b});
    check_grad("div", [](const Tensors& in) { return in[0] / in[1]; }, {a, pb});
    check_grad("pow with a tensor exponent",
               [](const Tensors& in) { return kaon::pow(in[0], in[1]); }, {pa, b});
    // Seeded randn draws: no two elements tie within the finite-difference step.
    check_grad("maximum", [](const Tensors& in) { return kaon::maximum(in[0], in[1]); }, {a, b});
    check_grad("minimum", [](const Tensors& in) { return kaon::minimum(in[0], in[1]); }, {a, b});
  }
}

TEST_CASE("Binary ops pass gradcheck when one input is used twice", "[autograd][gradcheck]") {
  kaon::manual_seed(4);
  const auto x = positive({2, 3});
  check_grad("x + x", [](const Tensors& in) { return in[0] + in[0]; }, {x});
  check_grad("x - x * x", [](const Tensors& in) { return in[0] - in[0] * in[0]; }, {x});
  check_grad("x / x.t().t()", [](const Tensors& in) { return in[0] / in[0].t().t(); }, {x});
  check_grad("pow(x, x)", [](const Tensors& in) { return kaon::pow(in[0], in[0]); }, {x});
  check_grad("x * x.sum(0)", [](const Tensors& in) { return in[0] * in[0].sum(0); }, {x});
}

TEST_CASE("Ops with a scalar operand pass gradcheck on either side", "[autograd][gradcheck]") {
  kaon::manual_seed(5);
  for (const Shape& s : {Shape{}, Shape{4}, Shape{2, 3}}) {
    const auto x = kaon::randn<double>(s), p = positive(s);
    check_grad("x + 2", [](const Tensors& in) { return in[0] + 2.0; }, {x});
    check_grad("2 + x", [](const Tensors& in) { return 2.0 + in[0]; }, {x});
    check_grad("x - 1.5", [](const Tensors& in) { return in[0] - 1.5; }, {x});
    check_grad("2 - x", [](const Tensors& in) { return 2.0 - in[0]; }, {x});
    check_grad("x * 0.5", [](const Tensors& in) { return in[0] * 0.5; }, {x});
    check_grad("-3 * x", [](const Tensors& in) { return -3.0 * in[0]; }, {x});
    check_grad("x / 4", [](const Tensors& in) { return in[0] / 4.0; }, {x});
    check_grad("3 / x", [](const Tensors& in) { return 3.0 / in[0]; }, {p});
    check_grad("pow(x, 2.5)", [](const Tensors& in) { return kaon::pow(in[0], 2.5); }, {p});
    check_grad("pow(x, -1.5)", [](const Tensors& in) { return kaon::pow(in[0], -1.5); }, {p});
    check_grad("pow(x, 3) (integer exponent)",
               [](const Tensors& in) { return kaon::pow(in[0], 3); }, {x});
    check_grad("pow(x, 0)", [](const Tensors& in) { return kaon::pow(in[0], 0.0); }, {x});
    check_grad("pow(2, x)", [](const Tensors& in) { return kaon::pow(2.0, in[0]); }, {x});
    check_grad("pow(0.3, x)", [](const Tensors& in) { return kaon::pow(0.3, in[0]); }, {x});
  }
}

TEST_CASE("where passes gradcheck with broadcasting and scalar branches", "[autograd][gradcheck]") {
  kaon::manual_seed(6);
  // Masks computed from other data, with both true and false entries.
  const auto mask23 = kaon::tensor<double>({{1, -1, 1}, {-1, -1, 1}}) > 0.0;
  const auto mask21 = kaon::tensor<double>({{1}, {-1}}) > 0.0;
  const auto a = kaon::randn<double>({2, 3}), b = kaon::randn<double>({2, 3});
  const auto row = kaon::randn<double>({3}), col = kaon::randn<double>({2, 1});

  check_grad("where(mask, a, b)",
             [&](const Tensors& in) { return kaon::where(mask23, in[0], in[1]); }, {a, b});
  check_grad("where(mask, row, col)",
             [&](const Tensors& in) { return kaon::where(mask23, in[0], in[1]); }, {row, col});
  check_grad("where(column mask, a, row)",
             [&](const Tensors& in) { return kaon::where(mask21, in[0], in[1]); }, {a, row});
  check_grad("where(column mask, row, row)",
             [&](const Tensors& in) { return kaon::where(mask21, in[0], in[1]); },
             {row, kaon::randn<double>({3})});
  check_grad("where(mask, a, 0)",
             [&](const Tensors& in) { return kaon::where(mask23, in[0], 0.0); }, {a});
  check_grad("where(mask, row, 0)",
             [&](const Tensors& in) { return kaon::where(mask23, in[0], 0.0); }, {row});
  check_grad("where(mask, 1.5, b)",
             [&](const Tensors& in) { return kaon::where(mask23, 1.5, in[0]); }, {b});
  check_grad("where(a > b, a, b)",
             [](const Tensors& in) { return kaon::where(in[0] > in[1], in[0], in[1]); }, {a, b});
}

TEST_CASE("Sum, mean and prod pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(7);
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 2}}) {
    const auto x = kaon::randn<double>(s), nz = off_kinks(s);
    check_grad("sum()", [](const Tensors& in) { return in[0].sum(); }, {x});
    check_grad("sum(0)", [](const Tensors& in) { return in[0].sum(0); }, {x});
    check_grad("sum(1, true)", [](const Tensors& in) { return in[0].sum(1, true); }, {x});
    check_grad("sum(-1)", [](const Tensors& in) { return in[0].sum(-1); }, {x});
    check_grad("mean()", [](const Tensors& in) { return in[0].mean(); }, {x});
    check_grad("mean(1)", [](const Tensors& in) { return in[0].mean(1); }, {x});
    check_grad("mean(0, true)", [](const Tensors& in) { return in[0].mean(0, true); }, {x});
    check_grad("prod()", [](const Tensors& in) { return in[0].prod(); }, {nz});
    check_grad("prod(1)", [](const Tensors& in) { return in[0].prod(1); }, {nz});
    check_grad("prod(0, true)", [](const Tensors& in) { return in[0].prod(0, true); }, {nz});
  }
  const auto v = kaon::randn<double>({5});
  check_grad("sum() of a vector", [](const Tensors& in) { return in[0].sum(); }, {v});
  check_grad("sum(0) of a vector", [](const Tensors& in) { return in[0].sum(0); }, {v});
  check_grad("mean() of a vector", [](const Tensors& in) { return in[0].mean(); }, {v});
  check_grad("prod() of a vector", [](const Tensors& in) { return in[0].prod(); },
             {off_kinks({5})});
}

TEST_CASE("var, std and norm pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(8);
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 2}}) {
    const auto x = kaon::randn<double>(s), nz = off_kinks(s);
    check_grad("var()", [](const Tensors& in) { return in[0].var(); }, {x});
    check_grad("var(0)", [](const Tensors& in) { return in[0].var(0); }, {x});
    check_grad("var(1, Correction{0}, true)",
               [](const Tensors& in) { return in[0].var(1, kaon::Correction{0}, true); }, {x});
    check_grad("std()", [](const Tensors& in) { return in[0].std(); }, {x});
    check_grad("std(1)", [](const Tensors& in) { return in[0].std(1); }, {x});
    check_grad("std(0, Correction{0}, true)",
               [](const Tensors& in) { return in[0].std(0, kaon::Correction{0}, true); }, {x});
    check_grad("norm()", [](const Tensors& in) { return in[0].norm(); }, {x});
    check_grad("norm(2, 1)", [](const Tensors& in) { return in[0].norm(2, 1); }, {x});
    check_grad("norm(1, 0)", [](const Tensors& in) { return in[0].norm(1, 0); }, {nz});
    check_grad("norm(1)", [](const Tensors& in) { return in[0].norm(1); }, {nz});
    check_grad("norm(3, -1, true)", [](const Tensors& in) { return in[0].norm(3, -1, true); },
               {nz});
  }
}

TEST_CASE("max and min pass gradcheck without ties", "[autograd][gradcheck]") {
  kaon::manual_seed(9);
  // Seeded randn draws: no two elements tie within the finite-difference step.
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 2}}) {
    const auto x = kaon::randn<double>(s);
    check_grad("max()", [](const Tensors& in) { return in[0].max(); }, {x});
    check_grad("min()", [](const Tensors& in) { return in[0].min(); }, {x});
    check_grad("max(1).values", [](const Tensors& in) { return in[0].max(1).values; }, {x});
    check_grad("min(0).values", [](const Tensors& in) { return in[0].min(0).values; }, {x});
    check_grad("max(1, true).values", [](const Tensors& in) { return in[0].max(1, true).values; },
               {x});
    check_grad("min(-1, true).values", [](const Tensors& in) { return in[0].min(-1, true).values; },
               {x});
  }
  const auto v = kaon::randn<double>({6});
  check_grad("max() of a vector", [](const Tensors& in) { return in[0].max(); }, {v});
  check_grad("min(0).values of a vector", [](const Tensors& in) { return in[0].min(0).values; },
             {v});
}

TEST_CASE("View ops pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(10);
  const auto x = kaon::randn<double>({3, 4});
  const auto x3 = kaon::randn<double>({2, 3, 4});
  check_grad("reshape({4, 3})", [](const Tensors& in) { return in[0].reshape({4, 3}); }, {x});
  check_grad("reshape({-1})", [](const Tensors& in) { return in[0].reshape({-1}); }, {x});
  check_grad("reshape({2, -1, 2}) of 3-D",
             [](const Tensors& in) {
               return in[0].reshape({2, -1, 2});
             },
             {x3});
  check_grad("view({2, 6})", [](const Tensors& in) { return in[0].view({2, 6}); }, {x});
  check_grad("flatten()", [](const Tensors& in) { return in[0].flatten(); }, {x3});
  check_grad("flatten(1)", [](const Tensors& in) { return in[0].flatten(1); }, {x3});
  check_grad("transpose(0, 1)", [](const Tensors& in) { return in[0].transpose(0, 1); }, {x});
  check_grad("transpose(0, 2) of 3-D", [](const Tensors& in) { return in[0].transpose(0, 2); },
             {x3});
  check_grad("t()", [](const Tensors& in) { return in[0].t(); }, {x});
  check_grad("permute({2, 0, 1})",
             [](const Tensors& in) {
               return in[0].permute({2, 0, 1});
             },
             {x3});
  check_grad("slice(1, 0, 3, 2)", [](const Tensors& in) { return in[0].slice(1, 0, 3, 2); }, {x});
  check_grad("slice(0, 1, 3)", [](const Tensors& in) { return in[0].slice(0, 1, 3); }, {x});
  check_grad("slice(2, 1, 4, 2) of 3-D", [](const Tensors& in) { return in[0].slice(2, 1, 4, 2); },
             {x3});
  check_grad("select(1, -1)", [](const Tensors& in) { return in[0].select(1, -1); }, {x});
  check_grad("select(1, 2) of 3-D", [](const Tensors& in) { return in[0].select(1, 2); }, {x3});
  check_grad("x[1]", [](const Tensors& in) { return in[0][1]; }, {x});
  check_grad("expand({4, 3}) from [1, 3]",
             [](const Tensors& in) {
               return in[0].expand({4, 3});
             },
             {kaon::randn<double>({1, 3})});
  check_grad("expand({4, 3}) from [3]",
             [](const Tensors& in) {
               return in[0].expand({4, 3});
             },
             {kaon::randn<double>({3})});
  check_grad("expand({2, 3, 4}) from [3, 1]",
             [](const Tensors& in) {
               return in[0].expand({2, 3, 4});
             },
             {kaon::randn<double>({3, 1})});
  check_grad("squeeze()", [](const Tensors& in) { return in[0].squeeze(); },
             {kaon::randn<double>({1, 3, 1, 2})});
  check_grad("squeeze(1)", [](const Tensors& in) { return in[0].squeeze(1); },
             {kaon::randn<double>({3, 1, 2})});
  check_grad("unsqueeze(0)", [](const Tensors& in) { return in[0].unsqueeze(0); }, {x});
  check_grad("unsqueeze(-1)", [](const Tensors& in) { return in[0].unsqueeze(-1); }, {x});
  check_grad("contiguous() of a transpose",
             [](const Tensors& in) { return in[0].transpose(0, 1).contiguous(); }, {x});
  check_grad("clone()", [](const Tensors& in) { return in[0].clone(); }, {x});
  // Chains: a reshape of a transpose copies; views of views; a view then a nonlinearity.
  check_grad("reshape({-1}) of a transpose",
             [](const Tensors& in) { return in[0].transpose(0, 1).reshape({-1}); }, {x});
  check_grad("slice of a transpose then select",
             [](const Tensors& in) { return in[0].t().slice(0, 1, 4, 2).select(1, 0); }, {x});
  check_grad("permute then flatten then exp",
             [](const Tensors& in) {
               return kaon::exp(in[0].permute({1, 2, 0}).flatten());
             },
             {x3});
  check_grad("slice times weights",
             [](const Tensors& in) { return in[0].slice(1, 1, 4) * kaon::arange<double>(3); }, {x});
}

TEST_CASE("stack and cat pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(11);
  const auto a = kaon::randn<double>({2, 3}), b = kaon::randn<double>({2, 3});
  check_grad("stack({a, b}, 0)",
             [](const Tensors& in) {
               return kaon::stack({in[0], in[1]}, 0);
             },
             {a, b});
  check_grad("stack({a, b}, 1)",
             [](const Tensors& in) {
               return kaon::stack({in[0], in[1]}, 1);
             },
             {a, b});
  check_grad("stack({a, b}, -1)",
             [](const Tensors& in) {
               return kaon::stack({in[0], in[1]}, -1);
             },
             {a, b});
  check_grad("stack({a, a}, 0)",
             [](const Tensors& in) {
               return kaon::stack({in[0], in[0]}, 0);
             },
             {a});
  check_grad("cat({a, b}, 0)",
             [](const Tensors& in) {
               return kaon::cat({in[0], in[1]}, 0);
             },
             {a, kaon::randn<double>({1, 3})});
  check_grad("cat({a, b, c}, 1)",
             [](const Tensors& in) {
               return kaon::cat({in[0], in[1], in[2]}, 1);
             },
             {kaon::randn<double>({2, 1}), a, kaon::randn<double>({2, 2})});
  check_grad("cat({x, constant}, 1)",
             [](const Tensors& in) {
               return kaon::cat({in[0], kaon::ones<double>({2, 2})}, 1);
             },
             {a});
  check_grad("cat of vectors",
             [](const Tensors& in) {
               return kaon::cat({in[0], in[1]});
             },
             {kaon::randn<double>({3}), kaon::randn<double>({2})});
}

TEST_CASE("index_select, masked_select, mask indexing and gather pass gradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(12);
  const auto x = kaon::randn<double>({3, 4});
  const auto repeated = kaon::tensor({2, 0, 2});
  check_grad("index_select(0, {2, 0, 2})",
             [&](const Tensors& in) { return in[0].index_select(0, repeated); }, {x});
  check_grad("index_select(1, {1})",
             [](const Tensors& in) { return in[0].index_select(1, kaon::tensor({1})); }, {x});
  check_grad("index_select(1, {3, 3, 0, 1, 3})",
             [](const Tensors& in) {
               return in[0].index_select(1, kaon::tensor({3, 3, 0, 1, 3}));
             },
             {x});
  check_grad("index_select(0, {1}) of a vector",
             [](const Tensors& in) { return in[0].index_select(0, kaon::tensor({1})); },
             {kaon::randn<double>({4})});

  const auto mask = kaon::randn<double>({3, 4}) > 0.0;
  const auto row_mask = kaon::tensor<double>({1, -1, 1}) > 0.0;
  const auto col_mask = kaon::tensor<double>({-1, 1, 1, -1}) > 0.0;
  check_grad("masked_select(mask)", [&](const Tensors& in) { return in[0].masked_select(mask); },
             {x});
  check_grad("masked_select(broadcast mask [4])",
             [&](const Tensors& in) { return in[0].masked_select(col_mask); }, {x});
  check_grad("masked_select(mask) of a [4] input broadcast to the mask",
             [&](const Tensors& in) { return in[0].masked_select(mask); },
             {kaon::randn<double>({4})});
  check_grad("x[row mask]", [&](const Tensors& in) { return in[0][row_mask]; }, {x});
  check_grad("x[same-shape mask]", [&](const Tensors& in) { return in[0][mask]; }, {x});

  const auto idx1 = kaon::tensor({{0, 0, 3}, {1, 2, 1}, {3, 3, 0}});
  const auto idx0 = kaon::tensor({{2, 0, 0, 1}, {2, 2, 1, 0}});
  check_grad("gather(1, idx [3, 3])",
             [&](const Tensors& in) { return kaon::gather(in[0], 1, idx1); }, {x});
  check_grad("gather(0, idx [2, 4])",
             [&](const Tensors& in) { return kaon::gather(in[0], 0, idx0); }, {x});
  check_grad("gather(0, idx) of a vector",
             [](const Tensors& in) {
               return kaon::gather(in[0], 0, kaon::tensor({3, 0, 3}));
             },
             {kaon::randn<double>({4})});
}

TEST_CASE("mm and matmul pass gradcheck for every operand rank", "[autograd][gradcheck]") {
  kaon::manual_seed(13);
  const auto product = [](const Tensors& in) { return kaon::matmul(in[0], in[1]); };
  check_grad("mm [3, 4] @ [4, 2]", [](const Tensors& in) { return kaon::mm(in[0], in[1]); },
             {kaon::randn<double>({3, 4}), kaon::randn<double>({4, 2})});
  check_grad("mm [3, 4]^T @ [3, 2]", [](const Tensors& in) { return kaon::mm(in[0].t(), in[1]); },
             {kaon::randn<double>({3, 4}), kaon::randn<double>({3, 2})});
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{3, 4}, {4, 2}},    {{4}, {4, 2}},          {{3, 4}, {4}},
      {{4}, {4}},          {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {3, 4, 2}},
      {{3, 4}, {2, 4, 5}}, {{4}, {2, 4, 3}},       {{2, 3, 4}, {4}}};
  for (const auto& [sa, sb] : shapes)
    check_grad("matmul", product, {kaon::randn<double>(sa), kaon::randn<double>(sb)});
  check_grad(
      "matmul of transposed operands",
      [](const Tensors& in) { return kaon::matmul(in[0].transpose(1, 2), in[1].transpose(1, 2)); },
      {kaon::randn<double>({2, 4, 3}), kaon::randn<double>({2, 5, 4})});
}

TEST_CASE("Ops pass gradcheck at edge cases of their shapes and arguments",
          "[autograd][gradcheck]") {
  kaon::manual_seed(18);
  const auto scalar = kaon::randn<double>(Shape{});
  check_grad("sum(0) of a 0-d tensor", [](const Tensors& in) { return in[0].sum(0); }, {scalar});
  check_grad("mean(0, true) of a 0-d tensor", [](const Tensors& in) { return in[0].mean(0, true); },
             {scalar});
  check_grad("prod(0) of a 0-d tensor", [](const Tensors& in) { return in[0].prod(0); }, {scalar});
  check_grad("max() of a 0-d tensor", [](const Tensors& in) { return in[0].max(); }, {scalar});
  check_grad("max(0).values of a 0-d tensor", [](const Tensors& in) { return in[0].max(0).values; },
             {scalar});
  check_grad("unsqueeze(0) of a 0-d tensor", [](const Tensors& in) { return in[0].unsqueeze(0); },
             {scalar});
  check_grad("x[1] of a vector (a 0-d result)", [](const Tensors& in) { return in[0][1]; },
             {kaon::randn<double>({3})});
  check_grad("squeeze() to 0-d", [](const Tensors& in) { return in[0].squeeze(); },
             {kaon::randn<double>({1, 1})});
  check_grad("slice(1, -3, 100, 2)", [](const Tensors& in) { return in[0].slice(1, -3, 100, 2); },
             {kaon::randn<double>({2, 5})});
  check_grad("cat({a, b}, -1)",
             [](const Tensors& in) {
               return kaon::cat({in[0], in[1]}, -1);
             },
             {kaon::randn<double>({2, 2}), kaon::randn<double>({2, 3})});
  // clamp with min > max sets every element to max, so the gradient is zero everywhere.
  check_grad("clamp(0.5, -0.5)", [](const Tensors& in) { return kaon::clamp(in[0], 0.5, -0.5); },
             {off_kinks({2, 3})});
  // prod is a polynomial, smooth through zeros: its gradient there is the product of the others.
  const auto one_zero = kaon::tensor<double>({{0.7, 0.0, -1.2}, {0.9, 1.3, -0.6}});
  const auto two_zeros = kaon::tensor<double>({{0.0, 0.0, -1.2}, {0.9, 0.0, -0.6}});
  check_grad("prod() through a zero", [](const Tensors& in) { return in[0].prod(); }, {one_zero});
  check_grad("prod(1) through a zero", [](const Tensors& in) { return in[0].prod(1); }, {one_zero});
  check_grad("prod(0) through zeros", [](const Tensors& in) { return in[0].prod(0); }, {two_zeros});
  check_grad("prod() through two zeros", [](const Tensors& in) { return in[0].prod(); },
             {two_zeros});
  // Non-contiguous and strided inputs to the copying ops.
  const auto x = kaon::randn<double>({4, 3});
  check_grad("index_select of a transpose",
             [](const Tensors& in) {
               return in[0].t().index_select(1, kaon::tensor({3, 1, 3}));
             },
             {x});
  check_grad("gather of a transpose",
             [](const Tensors& in) {
               return kaon::gather(in[0].t(), 1, kaon::tensor({{0, 3}, {2, 2}, {1, 0}}));
             },
             {x});
  check_grad("masked_select of a transpose",
             [](const Tensors& in) {
               return in[0].t().masked_select(kaon::tensor<double>({1, -1, 1, 1}) > 0.0);
             },
             {x});
  check_grad("mm of strided slices (neither stride unit)",
             [](const Tensors& in) {
               return kaon::mm(in[0].slice(0, 0, 4, 2).slice(1, 0, 3, 2), in[1].slice(1, 0, 4, 3));
             },
             {x, kaon::randn<double>({2, 4})});
  check_grad("mm [1, 4] @ [4, 1]", [](const Tensors& in) { return kaon::mm(in[0], in[1]); },
             {kaon::randn<double>({1, 4}), kaon::randn<double>({4, 1})});
}

TEST_CASE("A float round trip passes gradcheck at float tolerance", "[autograd][gradcheck]") {
  kaon::manual_seed(14);
  // Float rounding (about 6e-8 relative) divided by eps bounds the finite-difference error.
  check_grad("to<float>().to<double>()",
             [](const Tensors& in) { return in[0].to<float>().to<double>(); },
             {kaon::randn<double>({2, 3})}, {1e-3, 1e-3, 1e-2, true});
  check_grad("exp of a float round trip",
             [](const Tensors& in) { return kaon::exp(in[0].to<float>()).to<double>(); },
             {kaon::randn<double>({4})}, {1e-3, 1e-3, 1e-2, true});
}

TEST_CASE("Composite expressions pass gradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(15);
  const auto x = kaon::randn<double>({4, 3}), w = kaon::randn<double>({3, 2}),
             b = kaon::randn<double>({2});
  check_grad("a linear layer with tanh and a mean",
             [](const Tensors& in) { return kaon::tanh(kaon::mm(in[0], in[1]) + in[2]).mean(0); },
             {x, w, b});
  check_grad("log-sum-exp over dim 1",
             [](const Tensors& in) { return kaon::log(kaon::exp(in[0]).sum(1)); }, {x});
  check_grad("softmax over dim 1",
             [](const Tensors& in) {
               const auto e = kaon::exp(in[0] - in[0].max(1, true).values);
               return e / e.sum(1, true);
             },
             {x});
  check_grad("mse of sigmoid",
             [](const Tensors& in) {
               const auto d = kaon::sigmoid(in[0]) - in[1];
               return (d * d).mean();
             },
             {x, kaon::rand<double>({4, 3})});
}

TEST_CASE("Element-wise ops pass gradgradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(16);
  const auto a = kaon::randn<double>({2, 3}), b = kaon::randn<double>({3});
  const auto pa = positive({2, 3}), pb = positive({3});
  check_gradgrad("mul", [](const Tensors& in) { return in[0] * in[1]; }, {a, b});
  check_gradgrad("x * x", [](const Tensors& in) { return in[0] * in[0]; }, {a});
  check_gradgrad("div", [](const Tensors& in) { return in[0] / in[1]; }, {a, pb});
  check_gradgrad("pow with a tensor exponent",
                 [](const Tensors& in) { return kaon::pow(in[0], in[1]); }, {pa, b});
  check_gradgrad("pow(x, 2.5)", [](const Tensors& in) { return kaon::pow(in[0], 2.5); }, {pa});
  check_gradgrad("pow(x, -1.5)", [](const Tensors& in) { return kaon::pow(in[0], -1.5); }, {pa});
  check_gradgrad("pow(2, x)", [](const Tensors& in) { return kaon::pow(2.0, in[0]); }, {a});
  check_gradgrad("3 / x", [](const Tensors& in) { return 3.0 / in[0]; }, {pa});
  check_gradgrad("exp", [](const Tensors& in) { return kaon::exp(in[0]); }, {a});
  check_gradgrad("log", [](const Tensors& in) { return kaon::log(in[0]); }, {pa});
  check_gradgrad("sqrt", [](const Tensors& in) { return kaon::sqrt(in[0]); }, {pa});
  check_gradgrad("sin", [](const Tensors& in) { return kaon::sin(in[0]); }, {a});
  check_gradgrad("cos", [](const Tensors& in) { return kaon::cos(in[0]); }, {a});
  check_gradgrad("tan", [](const Tensors& in) { return kaon::tan(in[0]); }, {off_kinks({2, 3})});
  check_gradgrad("tanh", [](const Tensors& in) { return kaon::tanh(in[0]); }, {a});
  check_gradgrad("sigmoid", [](const Tensors& in) { return kaon::sigmoid(in[0]); }, {a});
}

TEST_CASE("relu(addmm), a Linear then a ReLU, passes gradcheck and gradgradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(29);
  const auto layer = [](const Tensors& in) { return kaon::relu(kaon::addmm(in[0], in[1], in[2])); };
  // An inner dimension of 1 (the one-pass outer product): |a b| >= 0.0625 and |bias| < 0.01
  // keep every pre-activation away from relu's kink.
  const Tensors outer = {off_kinks({4}) * 0.01, off_kinks({3, 1}), off_kinks({1, 4})};
  check_grad("relu(addmm), outer product", layer, outer);
  check_gradgrad("relu(addmm), outer product", layer, outer);
  const Tensors general = {kaon::randn<double>({4}), kaon::randn<double>({3, 5}),
                           kaon::randn<double>({5, 4})};
  const auto z = kaon::addmm(general[0], general[1], general[2]);
  REQUIRE(kaon::abs(z).min().item() > 1e-3);  // away from the kink for the finite differences
  check_grad("relu(addmm)", layer, general);
  check_gradgrad("relu(addmm)", layer, general);
  check_grad("relu(addmm) with a column bias and a transposed matrix",
             [](const Tensors& in) { return kaon::relu(kaon::addmm(in[0], in[1].t(), in[2])); },
             {off_kinks({3, 1}) * 0.01, off_kinks({1, 3}), off_kinks({1, 4})});
}

TEST_CASE("nn::MLP's fused Linear-ReLU-Linear node passes gradcheck and gradgradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(31);
  // x [6, 2], W1 [5, 2], b1 [5], W2 [3, 5], b2 [3]: narrow ends, so one LinearReluLinear node.
  const Tensors in = {kaon::randn<double>({6, 2}), kaon::randn<double>({5, 2}),
                      kaon::randn<double>({5}), kaon::randn<double>({3, 5}),
                      kaon::randn<double>({3})};
  const auto hidden = kaon::addmm(in[2], in[0], in[1].t());
  REQUIRE(kaon::abs(hidden).min().item() > 1e-3);  // away from relu's kink
  REQUIRE(kaon::detail::runs_linear_relu_linear(in[0], in[1], in[2], in[3], in[4]));
  const auto fused = [](const Tensors& t) {
    return kaon::ops::LinearReluLinear::apply(t[0], t[1], t[2], t[3], t[4]);
  };
  const auto x = in[0].clone().requires_grad_();
  REQUIRE(std::string(fused({x, in[1], in[2], in[3], in[4]}).grad_fn()->name()) ==
          "LinearReluLinearBackward");
  check_grad("LinearReluLinear", fused, in);
  check_gradgrad("LinearReluLinear", fused, in);
}

TEST_CASE("Matrix products and reductions pass gradgradcheck", "[autograd][gradcheck]") {
  kaon::manual_seed(17);
  check_gradgrad("mm", [](const Tensors& in) { return kaon::mm(in[0], in[1]); },
                 {kaon::randn<double>({3, 4}), kaon::randn<double>({4, 2})});
  check_gradgrad("matmul [4] @ [4, 2]",
                 [](const Tensors& in) { return kaon::matmul(in[0], in[1]); },
                 {kaon::randn<double>({4}), kaon::randn<double>({4, 2})});
  check_gradgrad("batched matmul", [](const Tensors& in) { return kaon::matmul(in[0], in[1]); },
                 {kaon::randn<double>({2, 2, 3}), kaon::randn<double>({3, 2})});
  // sum and mean are linear: a nonlinearity after them makes the gradient reaching their
  // backward depend on x, so their backward (an expand) is itself differentiated.
  const auto x = kaon::randn<double>({3, 4});
  check_gradgrad("exp of sum()", [](const Tensors& in) { return kaon::exp(in[0].sum() / 4.0); },
                 {x});
  check_gradgrad("exp of sum(1)", [](const Tensors& in) { return kaon::exp(in[0].sum(1)); }, {x});
  check_gradgrad("square of sum(0, true)",
                 [](const Tensors& in) {
                   const auto s = in[0].sum(0, true);
                   return s * s;
                 },
                 {x});
  check_gradgrad("sin of mean()", [](const Tensors& in) { return kaon::sin(in[0].mean()); }, {x});
  check_gradgrad("sin of mean(1)", [](const Tensors& in) { return kaon::sin(in[0].mean(1)); }, {x});
  check_gradgrad("prod(1)", [](const Tensors& in) { return in[0].prod(1); }, {off_kinks({3, 4})});
  check_gradgrad("var(1)", [](const Tensors& in) { return in[0].var(1); }, {x});
  check_gradgrad("std()", [](const Tensors& in) { return in[0].std(); }, {x});
  check_gradgrad("norm(2, 0)", [](const Tensors& in) { return in[0].norm(2, 0); }, {x});
}

TEST_CASE("Piecewise-linear, indexing, joining and view ops pass gradgradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(19);
  // Their first derivative is linear in the incoming gradient; the exp after them makes that
  // gradient depend on x, so the backward ops themselves (embed, index_add, scatter_add,
  // masked_scatter, where) are differentiated.
  const auto x = off_kinks({3, 4}), y = kaon::randn<double>({3, 4});
  const auto mask = kaon::tensor<double>({{1, -1, 1, 1}, {-1, -1, 1, -1}, {1, 1, -1, -1}}) > 0.0;
  check_gradgrad("exp of relu", [](const Tensors& in) { return kaon::exp(kaon::relu(in[0])); },
                 {x});
  check_gradgrad("exp of abs", [](const Tensors& in) { return kaon::exp(kaon::abs(in[0])); }, {x});
  check_gradgrad("exp of clamp",
                 [](const Tensors& in) { return kaon::exp(kaon::clamp(in[0], -0.5, 0.5)); }, {x});
  check_gradgrad("exp of maximum",
                 [](const Tensors& in) { return kaon::exp(kaon::maximum(in[0], in[1])); }, {x, y});
  check_gradgrad("exp of minimum with broadcasting",
                 [](const Tensors& in) { return kaon::exp(kaon::minimum(in[0], in[1])); },
                 {x, kaon::randn<double>({4})});
  check_gradgrad("exp of where",
                 [&](const Tensors& in) { return kaon::exp(kaon::where(mask, in[0], in[1])); },
                 {x, kaon::randn<double>({4})});
  check_gradgrad("exp of max()", [](const Tensors& in) { return kaon::exp(in[0].max()); }, {y});
  check_gradgrad("exp of max(1).values",
                 [](const Tensors& in) { return kaon::exp(in[0].max(1).values); }, {y});
  check_gradgrad("exp of a transpose", [](const Tensors& in) { return kaon::exp(in[0].t()); }, {y});
  check_gradgrad("exp of permute",
                 [](const Tensors& in) {
                   return kaon::exp(in[0].permute({2, 0, 1}));
                 },
                 {kaon::randn<double>({2, 2, 3})});
  check_gradgrad("exp of an expand",
                 [](const Tensors& in) {
                   return kaon::exp(in[0].expand({2, 3}));
                 },
                 {kaon::randn<double>({3})});
  check_gradgrad("exp of a slice",
                 [](const Tensors& in) { return kaon::exp(in[0].slice(1, 1, 4, 2)); }, {y});
  check_gradgrad("exp of a select", [](const Tensors& in) { return kaon::exp(in[0].select(0, 1)); },
                 {y});
  check_gradgrad("exp of cat",
                 [](const Tensors& in) {
                   return kaon::exp(kaon::cat({in[0], in[1]}, 1));
                 },
                 {kaon::randn<double>({2, 2}), kaon::randn<double>({2, 1})});
  check_gradgrad("exp of stack",
                 [](const Tensors& in) {
                   return kaon::exp(kaon::stack({in[0], in[1]}, 1));
                 },
                 {kaon::randn<double>({3}), kaon::randn<double>({3})});
  check_gradgrad("exp of index_select",
                 [](const Tensors& in) {
                   return kaon::exp(in[0].index_select(0, kaon::tensor({2, 0, 2})));
                 },
                 {y});
  check_gradgrad("exp of gather",
                 [](const Tensors& in) {
                   return kaon::exp(kaon::gather(in[0], 1, kaon::tensor({{0, 0}, {3, 1}, {2, 2}})));
                 },
                 {y});
  check_gradgrad("exp of masked_select",
                 [&](const Tensors& in) { return kaon::exp(in[0].masked_select(mask)); }, {y});
  check_gradgrad("exp of x[row mask]",
                 [](const Tensors& in) {
                   return kaon::exp(in[0][kaon::tensor<double>({1, -1, 1}) > 0.0]);
                 },
                 {y});
}

TEST_CASE("gradgradcheck passes for functions whose first derivative is constant",
          "[autograd][gradcheck]") {
  kaon::manual_seed(11);
  const auto x = kaon::randn<double>({3});
  kaon::autograd::DoubleFn<> sum = [](const std::vector<kaon::Tensor<double>>& in) {
    return in[0].sum();
  };
  kaon::autograd::DoubleFn<> scale = [](const std::vector<kaon::Tensor<double>>& in) {
    return in[0] * 0.5;
  };
  CHECK(kaon::autograd::gradgradcheck(sum, {x}));
  CHECK(kaon::autograd::gradgradcheck(scale, {x}));
}

TEST_CASE("The added element-wise math and activations pass gradcheck and gradgradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(29);
  for (const Shape& s : {Shape{}, Shape{5}, Shape{2, 3}}) {
    const auto x = off_kinks(s), p = positive(s);
    const auto unit = x * 0.8;       // inside (-1, 1) for asin, acos, atanh
    const auto above_one = p + 0.6;  // > 1 for acosh
    const std::vector<std::pair<const char*, Fn>> smooth = {
        {"asin", [](const Tensors& in) { return kaon::asin(in[0]); }},
        {"acos", [](const Tensors& in) { return kaon::acos(in[0]); }},
        {"atanh", [](const Tensors& in) { return kaon::atanh(in[0]); }},
    };
    for (const auto& [name, f] : smooth) {
      check_grad(name, f, {unit});
      check_gradgrad(name, f, {unit});
    }
    const std::vector<std::pair<const char*, Fn>> everywhere = {
        {"atan", [](const Tensors& in) { return kaon::atan(in[0]); }},
        {"sinh", [](const Tensors& in) { return kaon::sinh(in[0]); }},
        {"cosh", [](const Tensors& in) { return kaon::cosh(in[0]); }},
        {"asinh", [](const Tensors& in) { return kaon::asinh(in[0]); }},
        {"expm1", [](const Tensors& in) { return kaon::expm1(in[0]); }},
        {"erf", [](const Tensors& in) { return kaon::erf(in[0]); }},
        {"erfc", [](const Tensors& in) { return kaon::erfc(in[0]); }},
        {"log1p", [](const Tensors& in) { return kaon::log1p(in[0]); }},  // x > -1 here
        {"gelu", [](const Tensors& in) { return kaon::nn::functional::gelu(in[0]); }},
        {"gelu tanh", [](const Tensors& in) { return kaon::nn::functional::gelu(in[0], "tanh"); }},
        {"silu", [](const Tensors& in) { return kaon::nn::functional::silu(in[0]); }},
        {"elu", [](const Tensors& in) { return kaon::nn::functional::elu(in[0], 0.7); }},
        {"leaky_relu",
         [](const Tensors& in) { return kaon::nn::functional::leaky_relu(in[0], 0.2); }},
    };
    for (const auto& [name, f] : everywhere) {
      check_grad(name, f, {x});
      check_gradgrad(name, f, {x});
    }
    check_grad("acosh", [](const Tensors& in) { return kaon::acosh(in[0]); }, {above_one});
    check_gradgrad("acosh", [](const Tensors& in) { return kaon::acosh(in[0]); }, {above_one});
    // Piecewise constant: times x, so that the check sees their (zero) gradient; off_kinks
    // keeps x away from whole numbers, where they jump.
    for (const auto& [name, f] : std::vector<std::pair<const char*, Fn>>{
             {"sign", [](const Tensors& in) { return kaon::sign(in[0]) * in[0]; }},
             {"floor", [](const Tensors& in) { return kaon::floor(in[0]) * in[0]; }},
             {"ceil", [](const Tensors& in) { return kaon::ceil(in[0]) * in[0]; }},
             {"trunc", [](const Tensors& in) { return kaon::trunc(in[0]) * in[0]; }},
         })
      check_grad(name, f, {x});
  }
  // Binary math, broadcasting [2, 3] against [3].
  const auto a = off_kinks({2, 3}), b = off_kinks({3});
  for (const auto& [name, f] : std::vector<std::pair<const char*, Fn>>{
           {"atan2", [](const Tensors& in) { return kaon::atan2(in[0], in[1]); }},
           {"hypot", [](const Tensors& in) { return kaon::hypot(in[0], in[1]); }},
       }) {
    check_grad(name, f, {a, b});
    check_gradgrad(name, f, {a, b});
  }
  // fmod jumps where a / b is a whole number; these seeded inputs stay away from one.
  check_grad("fmod", [](const Tensors& in) { return kaon::fmod(in[0], in[1]); },
             {a * 3, b.abs() + 1});
}

TEST_CASE("Ordering, cumsum, cumprod, diff and triangle ops pass gradcheck and gradgradcheck",
          "[autograd][gradcheck]") {
  kaon::manual_seed(31);
  const auto x = off_kinks({3, 4});  // no ties, so the order is stable under the nudges
  for (const auto& [name, f] : std::vector<std::pair<const char*, Fn>>{
           {"sort(1)", [](const Tensors& in) { return in[0].sort(1).values; }},
           {"sort(0, descending)", [](const Tensors& in) { return in[0].sort(0, true).values; }},
           {"topk(2, 1)", [](const Tensors& in) { return in[0].topk(2, 1).values; }},
           {"kthvalue(2, 0)", [](const Tensors& in) { return in[0].kthvalue(2, 0).values; }},
           {"quantile(0.3)", [](const Tensors& in) { return kaon::quantile(in[0], 0.3); }},
           {"quantile(0.6, 1)", [](const Tensors& in) { return kaon::quantile(in[0], 0.6, 1); }},
           {"cumsum(1)", [](const Tensors& in) { return kaon::exp(in[0].cumsum(1)); }},
           {"cumsum(0)", [](const Tensors& in) { return kaon::exp(in[0].cumsum(0)); }},
           {"cumprod(1)", [](const Tensors& in) { return in[0].cumprod(1); }},
           {"cumprod(0)", [](const Tensors& in) { return kaon::cumprod(in[0], 0); }},
           {"diff(2, 1)", [](const Tensors& in) { return kaon::exp(in[0].diff(2, 1)); }},
           {"tril(1)", [](const Tensors& in) { return kaon::exp(in[0].tril(1)); }},
           {"triu(-1)", [](const Tensors& in) { return kaon::exp(in[0].triu(-1)); }},
           {"diag(1)", [](const Tensors& in) { return kaon::exp(in[0].diag(1)); }},
           {"diag of a vector", [](const Tensors& in) { return kaon::exp(in[0][0].diag(-1)); }},
       }) {
    check_grad(name, f, {x});
    check_gradgrad(name, f, {x});
  }
  // Through zeros cumprod's gradient is computed without dividing; its second derivative there
  // is refused, as prod's is.
  const auto zeros = x * (kaon::rand<double>({3, 4}) < 0.6).to<double>();
  const Fn cumprod1 = [](const Tensors& in) { return in[0].cumprod(1); };
  check_grad("cumprod(1) through zeros", cumprod1, {zeros});
  REQUIRE_THROWS_WITH(kaon::autograd::gradgradcheck(cumprod1, {zeros}),
                      Catch::Contains("differentiable gradient (create_graph) of cumprod through a zero"));
}

TEST_CASE("linalg solve, inv, det and cholesky pass gradcheck and gradgradcheck",
          "[autograd][gradcheck][linalg]") {
  kaon::manual_seed(37);
  // Well conditioned: a diagonal that dominates.
  const auto a = kaon::rand<double>({3, 3}) + kaon::eye<double>(3) * 3;
  const auto batch = kaon::rand<double>({2, 3, 3}) + kaon::eye<double>(3) * 3;
  const auto b = kaon::rand<double>({3, 2}), v = kaon::rand<double>({3});
  const auto x = kaon::rand<double>({3, 3});
  for (const auto& [name, f, inputs] : std::vector<std::tuple<const char*, Fn, Tensors>>{
           {"solve", [](const Tensors& in) { return kaon::linalg::solve(in[0], in[1]); }, {a, b}},
           {"solve vector",
            [](const Tensors& in) { return kaon::linalg::solve(in[0], in[1]); },
            {a, v}},
           {"inv", [](const Tensors& in) { return kaon::linalg::inv(in[0]); }, {a}},
           {"inv batch", [](const Tensors& in) { return kaon::linalg::inv(in[0]); }, {batch}},
           {"det", [](const Tensors& in) { return kaon::linalg::det(in[0]); }, {a}},
           {"det batch", [](const Tensors& in) { return kaon::linalg::det(in[0]); }, {batch}},
           // cholesky reads one triangle: differentiate it on a symmetric function of x
           {"cholesky",
            [](const Tensors& in) {
              const auto s = kaon::matmul(in[0], in[0].t()) + kaon::eye<double>(3);
              return kaon::linalg::cholesky(s);
            },
            {x}},
       }) {
    check_grad(name, f, inputs);
    check_gradgrad(name, f, inputs);
  }
}

TEST_CASE(
    "layer_norm, batch_norm, masked_fill, int64 indexing and jacobian pass gradcheck and "
    "gradgradcheck",
    "[autograd][gradcheck]") {
  kaon::manual_seed(41);
  const auto x = off_kinks({2, 3, 4}), w = off_kinks({4}), b = off_kinks({4});
  const auto mask = kaon::rand({2, 3, 4}) < 0.5f;
  const auto idx = kaon::tensor({1, 0, -1, 1});
  for (const auto& [name, f, inputs] : std::vector<std::tuple<const char*, Fn, Tensors>>{
           {"layer_norm",
            [](const Tensors& in) {
              return kaon::nn::functional::layer_norm(in[0], {4}, in[1], in[2]);
            },
            {x, w, b}},
           {"layer_norm over 2 dims",
            [](const Tensors& in) {
              return kaon::nn::functional::layer_norm(in[0], {3, 4});
            },
            {x}},
           {"batch_norm, training",
            [](const Tensors& in) {
              return kaon::nn::functional::batch_norm(in[0], {}, {}, in[1], in[2], true);
            },
            {x.reshape({6, 4}), w, b}},
           {"batch_norm, training, (N, C, L)",
            [](const Tensors& in) {
              return kaon::nn::functional::batch_norm(in[0], {}, {}, {}, {}, true, 0.1, 1e-3);
            },
            {x}},
           {"batch_norm, eval",
            [](const Tensors& in) {
              return kaon::nn::functional::batch_norm(in[0], in[1], in[2].abs() + 0.5, in[3]);
            },
            {x.reshape({6, 4}), b, w, w}},
           {"masked_fill",
            [&mask](const Tensors& in) { return kaon::exp(in[0].masked_fill(mask, 0.5)); },
            {x}},
           {"x[int64 index]", [&idx](const Tensors& in) { return kaon::exp(in[0][idx]); }, {x}},
           {"atan2 with a scalar", [](const Tensors& in) { return kaon::atan2(0.7, in[0]); }, {x}},
           {"jacobian",
            [](const Tensors& in) {
              return kaon::autograd::functional::jacobian(
                  [](const Tensor<double>& z) { return kaon::sin(z) * z.sum(); }, in[0], true);
            },
            {off_kinks({3})}},
       }) {
    check_grad(name, f, inputs);
    check_gradgrad(name, f, inputs);
  }
}
