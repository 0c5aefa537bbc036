// SPDX-License-Identifier: MIT
// LayerNorm, Flatten, nn::init's rules and an overridable reset_parameters, against PyTorch
// (tools/gen_api_reference.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>
#include <string>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace nn_layers_test {
namespace api_ref = kaon_ref::api;
namespace nn = kaon::nn;
using kaon_test::check_matches;
using kaon_test::from_ref;

/// layer_norm(x, shape, w, b) and the gradients of its sum for x, w and b.
void check_layer_norm(const kaon::Shape& shape, double eps, const kaon_ref::Ref& w_ref,
                      const kaon_ref::Ref& b_ref, const kaon_ref::Ref& value,
                      const kaon_ref::Ref& gx, const kaon_ref::Ref& gw, const kaon_ref::Ref& gb) {
  auto x = from_ref<double>(api_ref::ln_x).requires_grad_();
  auto w = from_ref<double>(w_ref).requires_grad_(), b = from_ref<double>(b_ref).requires_grad_();
  const auto y = nn::functional::layer_norm(x, shape, w, b, eps);
  check_matches(y, value, 1e-12);
  y.sum().backward();
  check_matches(x.grad(), gx, 1e-12);
  check_matches(w.grad(), gw, 1e-12);
  check_matches(b.grad(), gb, 1e-12);
}

/// The standard deviation of all elements of w, in double.
double std_of(const kaon::Tensor<double>& w) { return w.std(false).item(); }
}  // namespace nn_layers_test

TEST_CASE("layer_norm and LayerNorm match PyTorch in value and gradient", "[api][nn]") {
  using namespace nn_layers_test;
  check_layer_norm({4}, 1e-5, api_ref::ln_w4, api_ref::ln_b4, api_ref::ln_last,
                   api_ref::ln_last_grad0, api_ref::ln_last_grad1, api_ref::ln_last_grad2);
  check_layer_norm({3, 4}, 1e-3, api_ref::ln_w34, api_ref::ln_b34, api_ref::ln_last2,
                   api_ref::ln_last2_grad0, api_ref::ln_last2_grad1, api_ref::ln_last2_grad2);
  kaon_test::check_value_and_grad(
      "LayerNorm(4)", [](const kaon::Tensor<double>& x) { return nn::LayerNorm<double>({4})(x); },
      api_ref::ln_x, api_ref::ln_plain, api_ref::ln_plain_grad0);
  nn::LayerNorm<double> ln({3, 4});
  REQUIRE(ln.named_parameters().size() == 2);
  REQUIRE(ln.repr() == "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True)");
  REQUIRE(nn::LayerNorm<double>({4}, 1e-5, false).parameters().empty());
  REQUIRE_THROWS_WITH(ln(kaon::zeros<double>({2, 4, 3})),
                      Catch::Contains("layer_norm: input of shape [2, 4, 3] does not end in "
                                      "normalized_shape [3, 4]"));
}

TEST_CASE("Flatten keeps the batch dim by default", "[api][nn]") {
  using namespace nn_layers_test;
  const auto x = kaon::rand({2, 3, 4, 5});
  REQUIRE(nn::Flatten()(x).shape() == kaon::Shape{2, 60});
  REQUIRE(nn::Flatten(0, 1)(x).shape() == kaon::Shape{6, 4, 5});
  REQUIRE(nn::Flatten(2)(x).to_vector() == x.to_vector());
  REQUIRE(nn::Flatten().repr() == "Flatten(start_dim=1, end_dim=-1)");
}

TEST_CASE("nn::init draws from PyTorch's distributions", "[api][nn]") {
  using namespace nn_layers_test;
  const std::vector<std::pair<std::string, double>> gains = {
      {"linear", 0.01},     {"sigmoid", 0.01},   {"tanh", 0.01}, {"relu", 0.01},
      {"leaky_relu", 0.01}, {"leaky_relu", 0.2}, {"selu", 0.01}};
  for (std::size_t i = 0; i < gains.size(); ++i)
    CHECK(nn::init::calculate_gain(gains[i].first, gains[i].second) ==
          Approx(api_ref::init_gains.values[i]).epsilon(1e-15));
  REQUIRE_THROWS_WITH(nn::init::calculate_gain("softsign"), Catch::Contains("softsign"));

  // 200,000 draws: the sample std is within 1% of PyTorch's sample std.
  kaon::manual_seed(5);
  auto w = kaon::empty<double>({500, 400});
  nn::init::kaiming_normal_(w, 0, "fan_in", "relu");
  CHECK(std_of(w) == Approx(api_ref::init_kaiming_normal_std.values[0]).epsilon(0.01));
  nn::init::kaiming_normal_(w, 0, "fan_out", "relu");
  CHECK(std_of(w) == Approx(api_ref::init_kaiming_normal_fan_out_std.values[0]).epsilon(0.01));
  nn::init::kaiming_uniform_(w, 0.2);
  CHECK(std_of(w) == Approx(api_ref::init_kaiming_uniform_std.values[0]).epsilon(0.01));
  nn::init::xavier_normal_(w, 2.0);
  CHECK(std_of(w) == Approx(api_ref::init_xavier_normal_std.values[0]).epsilon(0.01));
  nn::init::orthogonal_(w);
  CHECK(std_of(w) == Approx(api_ref::init_orthogonal_std.values[0]).epsilon(0.01));
  REQUIRE_THROWS_WITH(nn::init::kaiming_normal_(w, 0, "fan_avg"), Catch::Contains("fan_avg"));

  // orthogonal_: the fewer of rows and columns come out orthonormal, times gain.
  for (const kaon::Shape& s : {kaon::Shape{6, 10}, kaon::Shape{10, 6}, kaon::Shape{4, 2, 3}}) {
    INFO("shape " << s);
    auto q = kaon::empty<double>(s);
    nn::init::orthogonal_(q, 2.0);
    const auto m = q.reshape({s[0], -1});
    const auto gram = m.size(0) <= m.size(1) ? kaon::matmul(m, m.t()) : kaon::matmul(m.t(), m);
    const auto eye = kaon::eye<double>(gram.size(0)) * 4.0;
    CHECK((gram - eye).abs().max().item() < 1e-12);
  }
  auto ones = kaon::empty({3});
  nn::init::ones_(ones);
  REQUIRE(ones.to_vector() == std::vector<float>{1, 1, 1});
}

TEST_CASE("reset_parameters is virtual: Module::apply resets every layer", "[api][nn]") {
  using namespace nn_layers_test;
  kaon::manual_seed(2);
  nn::Sequential<double> net(nn::Linear<double>(3, 4), nn::ReLU<double>(),
                             nn::LayerNorm<double>({4}));
  for (auto& p : net.parameters()) nn::init::constant_(p, 0.5);
  net.apply([](nn::Module<double>& m) { m.reset_parameters(); });
  const auto params = net.named_parameters();
  REQUIRE(params.size() == 4);
  REQUIRE(params[0].second.abs().max().item() <= 1 / std::sqrt(3.0));
  REQUIRE((params[0].second != 0.5).all().item());
  REQUIRE(params[2].second.to_vector() == std::vector<double>{1, 1, 1, 1});
  REQUIRE(params[3].second.to_vector() == std::vector<double>{0, 0, 0, 0});
}
