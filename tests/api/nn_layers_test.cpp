// SPDX-License-Identifier: MIT
// LayerNorm, BatchNorm1d (and a module's int64 buffers), Flatten, nn::init's rules and an
// overridable reset_parameters, against PyTorch (tools/gen_api_reference.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"
#include "support/temp_dir.hpp"

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

/// A BatchNorm1d of `channels` with PyTorch's test weight and bias.
nn::BatchNorm1d<double> bn_module(std::int64_t channels, double eps = 1e-5,
                                  std::optional<double> momentum = 0.1) {
  nn::BatchNorm1d<double> bn(channels, eps, momentum);
  kaon::NoGradGuard no_grad;
  bn.weight.copy_(from_ref<double>(api_ref::bn_w).slice(0, 0, channels));
  bn.bias.copy_(from_ref<double>(api_ref::bn_b).slice(0, 0, channels));
  return bn;
}

struct BatchNormRefs {
  const kaon_ref::Ref &x, &x2, &train, &grad_x, &grad_w, &grad_b, &running_mean, &running_var,
      &num_batches, &eval, &eval_grad_x;
};

/// Two training steps (the first's values and gradients of sum(y * proj)), then eval on x.
void check_batch_norm_steps(nn::BatchNorm1d<double>& bn, const BatchNormRefs& r) {
  const auto proj = from_ref<double>(api_ref::bn_proj).reshape(from_ref<double>(r.x).shape());
  auto x = from_ref<double>(r.x).requires_grad_();
  auto y = bn(x);
  check_matches(y, r.train, 1e-12);
  (y * proj).sum().backward();
  check_matches(x.grad(), r.grad_x, 1e-12);
  check_matches(bn.weight.grad(), r.grad_w, 1e-12);
  check_matches(bn.bias.grad(), r.grad_b, 1e-12);
  {
    kaon::NoGradGuard no_grad;
    auto x2 = from_ref<double>(r.x2);  // as the script: (4, 3), or (2, 2, 3) for (N, C, L)
    if (x.dim() == 3) x2 = x2.reshape({-1, x.size(1), x.size(2)});
    (void)bn(x2);
  }
  check_matches(bn.running_mean, r.running_mean, 1e-12);
  check_matches(bn.running_var, r.running_var, 1e-12);
  check_matches(bn.num_batches_tracked, r.num_batches);
  bn.eval();
  x = from_ref<double>(r.x).requires_grad_();
  y = bn(x);
  check_matches(y, r.eval, 1e-12);
  (y * proj).sum().backward();
  check_matches(x.grad(), r.eval_grad_x, 1e-12);
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

TEST_CASE("BatchNorm1d matches PyTorch in training, running statistics and eval", "[api][nn]") {
  using namespace nn_layers_test;
  auto bn = bn_module(3);
  // clang-format off
  check_batch_norm_steps(bn, {api_ref::bn_x, api_ref::bn_x2, api_ref::bn_train, api_ref::bn_train_grad_x, api_ref::bn_train_grad_w, api_ref::bn_train_grad_b, api_ref::bn_running_mean, api_ref::bn_running_var, api_ref::bn_num_batches, api_ref::bn_eval, api_ref::bn_eval_grad_x});
  auto cma = bn_module(3, 1e-3, std::nullopt);  // momentum None: the cumulative average
  check_batch_norm_steps(cma, {api_ref::bn_x, api_ref::bn_x2, api_ref::bn_cma_train, api_ref::bn_cma_train_grad_x, api_ref::bn_cma_train_grad_w, api_ref::bn_cma_train_grad_b, api_ref::bn_cma_running_mean, api_ref::bn_cma_running_var, api_ref::bn_cma_num_batches, api_ref::bn_cma_eval, api_ref::bn_cma_eval_grad_x});
  auto bn3 = bn_module(2, 1e-5, 0.25);  // (N, C, L) input
  check_batch_norm_steps(bn3, {api_ref::bn_x3, api_ref::bn_x2, api_ref::bn3_train, api_ref::bn3_train_grad_x, api_ref::bn3_train_grad_w, api_ref::bn3_train_grad_b, api_ref::bn3_running_mean, api_ref::bn3_running_var, api_ref::bn3_num_batches, api_ref::bn3_eval, api_ref::bn3_eval_grad_x});
  // clang-format on
  nn::BatchNorm1d<double> untracked(3, 1e-5, 0.1, false, false);
  untracked.eval();  // no running statistics: the batch's, in eval too
  check_matches(untracked(from_ref<double>(api_ref::bn_x)), api_ref::bn_untracked_eval, 1e-12);
  CHECK(untracked.state_dict().empty());
  CHECK(untracked.state_dict().int64.empty());
  CHECK(nn::BatchNorm1d<double>(3).repr() == std::string(api_ref::bn_repr));
  CHECK(nn::BatchNorm1d<double>(4, 1e-3, std::nullopt, false, false).repr() ==
        std::string(api_ref::bn_repr_cma));
}

TEST_CASE("BatchNorm1d refuses bad input with the op and the shapes", "[api][nn]") {
  using namespace nn_layers_test;
  nn::BatchNorm1d<double> bn(3);
  CHECK_THROWS_WITH(bn(kaon::zeros<double>({1, 3})),
                    Catch::Contains("expected more than 1 value per channel when training"));
  CHECK_THROWS_WITH(bn(kaon::zeros<double>({4, 2})),
                    Catch::Contains("batch_norm: running_mean has shape [3], expected [2]"));
  CHECK_THROWS_WITH(bn(kaon::zeros<double>({2, 3, 4, 5})),
                    Catch::Contains("batch_norm: expected 2D or 3D input (got 4D input"));
  CHECK_THROWS_AS(nn::BatchNorm1d<double>(0), kaon::ValueError);
  bn.eval();
  CHECK(bn(kaon::zeros<double>({1, 3})).shape() == kaon::Shape{1, 3});  // eval: one row is fine
}

TEST_CASE("A module's int64 buffer is in its state dict, saved and loaded as PyTorch's",
          "[api][nn][io]") {
  using namespace nn_layers_test;
  nn::Sequential<double> model(nn::Linear<double>(3, 3), nn::BatchNorm1d<double>(3));
  const auto state = model.state_dict();
  std::string keys;
  for (const auto& [name, t] : state) keys += (keys.empty() ? "" : ",") + name;
  for (const auto& [name, t] : state.int64) keys += "," + name;
  CHECK(keys ==
        "0.weight,0.bias,1.weight,1.bias,1.running_mean,1.running_var,"
        "1.num_batches_tracked");
  REQUIRE(state.int64.size() == 1);
  CHECK(state.int64[0].second.dtype_name() == std::string("int64"));
  // One training step, then the state goes to another model through an .npz file.
  (void)model(kaon::randn<double>({5, 3}));
  const kaon_test::TempDir dir("kaon-bn-test");
  const auto path = dir.file("bn.npz").string();
  kaon::io::save_npz(path, model.state_dict());
  CHECK(kaon::io::load_npz_mixed(path).dtype("1.num_batches_tracked") == "int64");
  nn::Sequential<double> other(nn::Linear<double>(3, 3), nn::BatchNorm1d<double>(3));
  other.load_state_dict(kaon::io::load_npz<double>(path));  // int64 read back as double
  auto bn = other.at<nn::BatchNorm1d<double>>(1);
  CHECK(bn->num_batches_tracked.item() == 1);
  bn->reset_running_stats();
  CHECK(bn->num_batches_tracked.item() == 0);
  other.load_state_dict(model.state_dict());  // a StateDict: the int64 list directly
  CHECK(bn->num_batches_tracked.item() == 1);
  CHECK(bn->running_mean.to_vector() ==
        model.at<nn::BatchNorm1d<double>>(1)->running_mean.to_vector());
  // A value that is not a whole number cannot go into an int64 buffer.
  auto bad = kaon::io::load_npz<double>(path);
  for (auto& [name, t] : bad)
    if (name == "1.num_batches_tracked") t = kaon::full<double>(kaon::Shape{}, 1.5);
  CHECK_THROWS_WITH(
      other.load_state_dict(bad),
      Catch::Contains("1.num_batches_tracked is an int64 buffer") && Catch::Contains("1.5"));
  // Without the counter (a plain NamedTensors copy of the state), strict loading names it.
  const kaon::io::NamedTensors<double> floats_only = model.state_dict();
  CHECK_THROWS_WITH(other.load_state_dict(floats_only),
                    Catch::Contains("missing key(s): \"1.num_batches_tracked\""));
  other.load_state_dict(floats_only, false);
  CHECK_THROWS_WITH(model.register_buffer("0", kaon::zeros<std::int64_t>({1})),
                    Catch::Contains("\"0\" is already registered"));
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
