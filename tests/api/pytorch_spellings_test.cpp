// SPDX-License-Identifier: MIT
// Code written the way a PyTorch or LibTorch user writes it: names without template arguments
// (kaon::f32), braced shapes and lists, std(false), Tensor methods, the added element-wise math
// and activations. Expected numbers: tools/gen_api_reference.py (PyTorch). What must not
// compile is in must_not_compile.cpp.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace api_test {
namespace api_ref = kaon_ref::api;
using kaon_test::check_matches;
using kaon_test::check_value_and_grad;
using kaon_test::from_ref;
using T64 = kaon::Tensor<double>;

/// The LibTorch way of writing a network: members and return types without template arguments.
struct Net : kaon::f32::nn::Module {
  Net() : kaon::f32::nn::Module("Net") {
    body = register_module("body", std::make_shared<kaon::f32::nn::Sequential>(
                                       kaon::f32::nn::Linear(2, 8), kaon::f32::nn::GELU(),
                                       kaon::f32::nn::Linear(8, 1)));
  }
  kaon::f32::Tensor forward(const kaon::f32::Tensor& x) const { return body->forward(x); }
  std::shared_ptr<kaon::f32::nn::Sequential> body;
};
std::unique_ptr<kaon::f32::optim::Adam> make_adam(Net& net) {
  return std::make_unique<kaon::f32::optim::Adam>(
      net.parameters(), kaon::optim::AdamOptions(1e-2).betas({0.9, 0.99}));
}
}  // namespace api_test

TEST_CASE("Unary math matches PyTorch in value and gradient", "[api][ops]") {
  using namespace api_test;
  // clang-format off
  check_value_and_grad("asin", [](const T64& x) { return kaon::asin(x); }, api_ref::um_unit, api_ref::um_asin, api_ref::um_asin_grad0);
  check_value_and_grad("acos", [](const T64& x) { return x.acos(); }, api_ref::um_unit, api_ref::um_acos, api_ref::um_acos_grad0);
  check_value_and_grad("atan", [](const T64& x) { return kaon::atan(x); }, api_ref::um_general, api_ref::um_atan, api_ref::um_atan_grad0);
  check_value_and_grad("sinh", [](const T64& x) { return x.sinh(); }, api_ref::um_general, api_ref::um_sinh, api_ref::um_sinh_grad0);
  check_value_and_grad("cosh", [](const T64& x) { return kaon::cosh(x); }, api_ref::um_general, api_ref::um_cosh, api_ref::um_cosh_grad0);
  check_value_and_grad("asinh", [](const T64& x) { return x.asinh(); }, api_ref::um_general, api_ref::um_asinh, api_ref::um_asinh_grad0);
  check_value_and_grad("acosh", [](const T64& x) { return kaon::acosh(x); }, api_ref::um_above_one, api_ref::um_acosh, api_ref::um_acosh_grad0);
  check_value_and_grad("atanh", [](const T64& x) { return x.atanh(); }, api_ref::um_unit, api_ref::um_atanh, api_ref::um_atanh_grad0);
  check_value_and_grad("log1p", [](const T64& x) { return kaon::log1p(x); }, api_ref::um_above_m1, api_ref::um_log1p, api_ref::um_log1p_grad0);
  check_value_and_grad("expm1", [](const T64& x) { return x.expm1(); }, api_ref::um_general, api_ref::um_expm1, api_ref::um_expm1_grad0);
  check_value_and_grad("erf", [](const T64& x) { return kaon::erf(x); }, api_ref::um_general, api_ref::um_erf, api_ref::um_erf_grad0);
  check_value_and_grad("erfc", [](const T64& x) { return x.erfc(); }, api_ref::um_general, api_ref::um_erfc, api_ref::um_erfc_grad0);
  check_value_and_grad("sign", [](const T64& x) { return kaon::sign(x); }, api_ref::um_rounding, api_ref::um_sign, api_ref::um_sign_grad0);
  check_value_and_grad("floor", [](const T64& x) { return x.floor(); }, api_ref::um_rounding, api_ref::um_floor, api_ref::um_floor_grad0);
  check_value_and_grad("ceil", [](const T64& x) { return kaon::ceil(x); }, api_ref::um_rounding, api_ref::um_ceil, api_ref::um_ceil_grad0);
  check_value_and_grad("trunc", [](const T64& x) { return x.trunc(); }, api_ref::um_rounding, api_ref::um_trunc, api_ref::um_trunc_grad0);
  // clang-format on
}

TEST_CASE("Integer inputs get PyTorch's result types", "[api][ops]") {
  using namespace api_test;
  const auto i = from_ref<std::int64_t>(api_ref::int_x);
  check_matches(kaon::asin(kaon::tensor<std::int64_t>({0, 1})), api_ref::int_asin_of_01);
  check_matches(kaon::sign(i), api_ref::int_sign);
  check_matches(i.floor(), api_ref::int_floor);
  check_matches(kaon::fmod(i, 3), api_ref::int_fmod_3);
  check_matches(i.fmod(-3), api_ref::int_fmod_m3);
  // The remainder of INT64_MIN / -1 is 0; the division itself overflows, so it is not computed.
  const auto lowest =
      kaon::tensor<std::int64_t>({std::numeric_limits<std::int64_t>::min(), std::int64_t{5}});
  REQUIRE(kaon::fmod(lowest, -1).to_vector() == std::vector<std::int64_t>{0, 0});
  REQUIRE_THROWS_WITH(kaon::fmod(i, kaon::tensor<std::int64_t>({1, 2, 0, 4, 5})),
                      Catch::Contains("fmod: integer division by zero"));
}

TEST_CASE("atan2, hypot and fmod broadcast, take scalars and match PyTorch", "[api][ops]") {
  using namespace api_test;
  const auto a = from_ref<double>(api_ref::bm_a), b = from_ref<double>(api_ref::bm_b);
  auto check2 = [&](const char* name, auto f, const T64& x0, const kaon_ref::Ref& value,
                    const kaon_ref::Ref& g0, const kaon_ref::Ref& g1) {
    INFO(name);
    auto x = x0.detach().requires_grad_(), y = b.detach().requires_grad_();
    const auto out = f(x, y);
    check_matches(out, value, 1e-12);
    out.sum().backward();
    check_matches(x.grad(), g0, 1e-12);
    check_matches(y.grad(), g1, 1e-12);
  };
  check2(
      "atan2", [](const T64& x, const T64& y) { return kaon::atan2(x, y); }, a, api_ref::bm_atan2,
      api_ref::bm_atan2_grad0, api_ref::bm_atan2_grad1);
  check2(
      "hypot", [](const T64& x, const T64& y) { return x.hypot(y); }, a, api_ref::bm_hypot,
      api_ref::bm_hypot_grad0, api_ref::bm_hypot_grad1);
  check2(
      "fmod", [](const T64& x, const T64& y) { return kaon::fmod(x, y); }, a * 3.1,
      api_ref::bm_fmod, api_ref::bm_fmod_grad0, api_ref::bm_fmod_grad1);

  auto x = a.detach().requires_grad_();
  const auto t = kaon::atan2(x, -1.5);
  check_matches(t, api_ref::bm_atan2_scalar, 1e-12);
  t.sum().backward();
  check_matches(x.grad(), api_ref::bm_atan2_scalar_grad0, 1e-12);
  x = a.detach().requires_grad_();
  const auto m = (x * 3.1).fmod(1.5);
  check_matches(m, api_ref::bm_fmod_scalar, 1e-12);
  m.sum().backward();
  check_matches(x.grad(), api_ref::bm_fmod_scalar_grad0, 1e-12);
  auto y = b.detach().requires_grad_();
  const auto h = kaon::hypot(2.0, y);
  check_matches(h, api_ref::bm_hypot_scalar_left, 1e-12);
  h.sum().backward();
  check_matches(y.grad(), api_ref::bm_hypot_scalar_left_grad0, 1e-12);

  check_matches(
      kaon::atan2(from_ref<double>(api_ref::atan2_qy), from_ref<double>(api_ref::atan2_qx)),
      api_ref::atan2_q, 1e-15);
  REQUIRE_THROWS_WITH(kaon::atan2(b, kaon::zeros<double>({4})),
                      Catch::Contains("atan2") && Catch::Contains("[3]") && Catch::Contains("[4]"));
}

TEST_CASE("nn::functional has PyTorch's activations, and each has its module", "[api][nn]") {
  using namespace api_test;
  namespace F = kaon::nn::functional;
  // clang-format off
  check_value_and_grad("relu", [](const T64& x) { return F::relu(x); }, api_ref::act_x, api_ref::act_relu, api_ref::act_relu_grad0);
  check_value_and_grad("leaky_relu", [](const T64& x) { return F::leaky_relu(x); }, api_ref::act_x, api_ref::act_leaky_relu, api_ref::act_leaky_relu_grad0);
  check_value_and_grad("leaky_relu 0.2", [](const T64& x) { return F::leaky_relu(x, 0.2); }, api_ref::act_x, api_ref::act_leaky_relu_02, api_ref::act_leaky_relu_02_grad0);
  check_value_and_grad("elu", [](const T64& x) { return F::elu(x); }, api_ref::act_x, api_ref::act_elu, api_ref::act_elu_grad0);
  check_value_and_grad("elu 0.5", [](const T64& x) { return F::elu(x, 0.5); }, api_ref::act_x, api_ref::act_elu_05, api_ref::act_elu_05_grad0);
  check_value_and_grad("gelu", [](const T64& x) { return F::gelu(x); }, api_ref::act_x, api_ref::act_gelu, api_ref::act_gelu_grad0);
  check_value_and_grad("gelu tanh", [](const T64& x) { return F::gelu(x, "tanh"); }, api_ref::act_x, api_ref::act_gelu_tanh, api_ref::act_gelu_tanh_grad0);
  check_value_and_grad("silu", [](const T64& x) { return F::silu(x); }, api_ref::act_x, api_ref::act_silu, api_ref::act_silu_grad0);
  check_value_and_grad("sigmoid", [](const T64& x) { return F::sigmoid(x); }, api_ref::act_x, api_ref::act_sigmoid, api_ref::act_sigmoid_grad0);
  check_value_and_grad("tanh", [](const T64& x) { return F::tanh(x); }, api_ref::act_x, api_ref::act_tanh, api_ref::act_tanh_grad0);
  // clang-format on

  const auto x = from_ref<double>(api_ref::act_x);
  check_matches(kaon::nn::LeakyReLU<double>(0.2)(x), api_ref::act_leaky_relu_02, 1e-12);
  check_matches(kaon::nn::ELU<double>(0.5)(x), api_ref::act_elu_05, 1e-12);
  check_matches(kaon::f64::nn::GELU("tanh")(x), api_ref::act_gelu_tanh, 1e-12);
  check_matches(kaon::f64::nn::SiLU()(x), api_ref::act_silu, 1e-12);
  const auto x32 = from_ref<float>(api_ref::act_x_f32);
  check_matches(kaon::nn::GELU()(x32), api_ref::act_gelu_f32);
  check_matches(kaon::nn::ELU()(x32), api_ref::act_elu_f32);
  REQUIRE(kaon::nn::LeakyReLU(0.2).repr() == "LeakyReLU(negative_slope=0.2)");
  REQUIRE(kaon::nn::GELU("tanh").repr() == "GELU(approximate='tanh')");
  REQUIRE_THROWS_WITH(kaon::nn::GELU("erf"), Catch::Contains("GELU: approximate must be"));
  REQUIRE_THROWS_WITH(F::gelu(x, "erf"), Catch::Contains("gelu: approximate must be"));
}

TEST_CASE("std and var read their arguments in PyTorch's order", "[api][ops]") {
  using namespace api_test;
  const auto x = from_ref<double>(api_ref::sv_x);
  check_matches(x.std(), api_ref::sv_std);
  check_matches(x.std(false), api_ref::sv_std_false);  // unbiased = false, all elements
  check_matches(kaon::var(x, false), api_ref::sv_var_false);
  check_matches(x.std(0), api_ref::sv_std_0);
  check_matches(x.std(0, false), api_ref::sv_std_0_false);  // dim 0, unbiased = false
  check_matches(x.var(1, true, true), api_ref::sv_var_1_true_true);
  check_matches(x.var(kaon::Correction(2)), api_ref::sv_var_correction2);
  check_matches(x.std(1, kaon::Correction(0), true), api_ref::sv_std_1_correction0_keepdim);
  const std::int64_t dim = 1;
  check_matches(x.var(dim, true, true), api_ref::sv_var_1_true_true);
}

TEST_CASE("where takes two scalars and picks PyTorch's type", "[api][ops]") {
  using namespace api_test;
  const auto mask = from_ref<bool>(api_ref::wm_mask);
  check_matches(kaon::where(mask, 1.0, 0.0), api_ref::wm_float);
  check_matches(kaon::where(mask, 1, 0), api_ref::wm_int);
}

TEST_CASE("Tensor methods pow, masked_fill, gather, mm and matmul are the free functions",
          "[api][ops]") {
  using namespace api_test;
  const auto mask = from_ref<bool>(api_ref::wm_mask);
  const auto idx = from_ref<std::int64_t>(api_ref::tm_idx);
  const auto a0 = from_ref<double>(api_ref::tm_a), b0 = from_ref<double>(api_ref::tm_b);
  // clang-format off
  check_value_and_grad("pow(2)", [](const T64& a) { return a.pow(2); }, api_ref::tm_a, api_ref::tm_pow2, api_ref::tm_pow2_grad0);
  check_value_and_grad("pow(tensor)", [&](const T64& a) { return a.abs().pow(a0.abs() + 0.5); }, api_ref::tm_a, api_ref::tm_pow_t, api_ref::tm_pow_t_grad0);
  check_value_and_grad("masked_fill", [&](const T64& a) { return a.masked_fill(mask, -7.5); }, api_ref::tm_a, api_ref::tm_masked_fill, api_ref::tm_masked_fill_grad0);
  check_value_and_grad("gather", [&](const T64& a) { return a.gather(1, idx); }, api_ref::tm_a, api_ref::tm_gather, api_ref::tm_gather_grad0);
  check_value_and_grad("mm", [&](const T64& a) { return a.mm(b0); }, api_ref::tm_a, api_ref::tm_mm, api_ref::tm_mm_grad0);
  check_value_and_grad("matmul", [&](const T64& a) { return a.matmul(b0.select(1, 0)); }, api_ref::tm_a, api_ref::tm_matmul, api_ref::tm_matmul_grad0);
  // clang-format on
  REQUIRE_THROWS_WITH(a0.mm(a0), Catch::Contains("mm: inner dimensions differ: [2, 3] @ [2, 3]"));
}

TEST_CASE("Shapes come from any integer list a user holds", "[api][core]") {
  using namespace api_test;
  const std::vector<float> values{1, 2, 3, 4, 5, 6};
  const std::vector<std::int64_t> shape64{2, 3};
  const std::array<int, 2> shape_int{3, 2};
  const std::vector<std::size_t> shape_size{6};
  REQUIRE(kaon::from_vector(values, {2, 3}).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::from_vector(values, shape64).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::from_vector(values, std::span<const std::int64_t>(shape64)).shape() ==
          kaon::Shape{2, 3});
  REQUIRE(kaon::from_vector(values, shape_int).shape() == kaon::Shape{3, 2});
  REQUIRE(kaon::from_vector(values, shape_size).shape() == kaon::Shape{6});
  REQUIRE(kaon::zeros(shape64).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::from_vector(values).reshape(shape_int).shape() == kaon::Shape{3, 2});
  REQUIRE_THROWS_WITH(kaon::from_vector(values, shape64).view(std::vector<std::int64_t>{4, 2}),
                      Catch::Contains("[4, 2]"));
  const std::vector<std::uint64_t> huge{std::uint64_t{1} << 63};
  REQUIRE_THROWS_WITH(kaon::zeros(huge), Catch::Contains("does not fit in int64"));
}

TEST_CASE("autograd::grad and backward take braced lists, as in LibTorch", "[api][autograd]") {
  using namespace api_test;
  auto x = from_ref<double>(api_ref::tm_a).requires_grad_();
  const auto y = x.pow(2).sum();
  const auto g = kaon::autograd::grad({y}, {x});
  REQUIRE(g.size() == 1);
  check_matches(g[0], api_ref::tm_pow2_grad0);
  const auto g2 = kaon::autograd::grad({x.pow(2).sum()}, {x}, {}, std::nullopt, true);
  REQUIRE(g2[0].requires_grad());
  kaon::autograd::backward({x.pow(2).sum()});
  check_matches(x.grad(), api_ref::tm_pow2_grad0);
}

TEST_CASE("kaon::f32 and kaon::f64 name the types without template arguments", "[api][nn]") {
  using namespace api_test;
  static_assert(std::is_same_v<kaon::f32::Tensor, kaon::Tensor<float>>);
  static_assert(std::is_same_v<kaon::f64::Tensor, kaon::Tensor<double>>);
  static_assert(std::is_same_v<kaon::f32::nn::Sequential, kaon::nn::Sequential<float>>);
  static_assert(std::is_same_v<kaon::f64::optim::Adam, kaon::optim::Adam<double>>);
  kaon::manual_seed(3);
  Net net;
  auto opt = make_adam(net);
  REQUIRE(net.parameters().size() == 4);
  REQUIRE(std::get<1>(opt->options().betas()) == 0.99);
  REQUIRE(opt->options().lr() == 0.01);
  const auto x = kaon::rand({16, 2});
  const auto target = x.sum(1, true);
  const auto first = kaon::nn::functional::mse_loss(net.forward(x), target).item();
  for (int step = 0; step < 50; ++step) {
    opt->zero_grad();
    auto loss = kaon::nn::functional::mse_loss(net.forward(x), target);
    loss.backward();
    opt->step();
  }
  REQUIRE(kaon::nn::functional::mse_loss(net.forward(x), target).item() < first / 4);
}

TEST_CASE("Options take braced tuples and have getters of the same names", "[api][optim]") {
  using namespace api_test;
  const auto rprop = kaon::optim::RpropOptions(0.01).etas({0.4, 1.3}).step_sizes({1e-5, 20});
  REQUIRE(rprop.lr() == 0.01);
  REQUIRE(std::get<0>(rprop.etas()) == 0.4);
  REQUIRE(std::get<1>(rprop.step_sizes()) == 20);
  const auto adam = kaon::optim::AdamOptions(1e-3).betas({0.8, 0.9}).weight_decay(0.01);
  REQUIRE(std::get<0>(adam.betas()) == 0.8);
  REQUIRE(adam.weight_decay() == 0.01);
  auto w = kaon::zeros({3}).requires_grad_();
  kaon::f32::optim::Rprop opt({w}, rprop);
  REQUIRE(opt.options().lr() == 0.01);
}
