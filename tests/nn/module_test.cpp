// SPDX-License-Identifier: MIT
// nn::Module, Linear, Sequential, activations, Dropout: repr, names, init, modes, state_dict.
#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "reference/nn_reference.hpp"
#include "support/compare.hpp"

namespace nn = kaon::nn;
namespace nn_ref = kaon_ref::nn;
using Catch::Matchers::Contains;
using kaon::Tensor;
using kaon_test::check_matches;
using kaon_test::from_ref;

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream is(s);
  for (std::string line; std::getline(is, line);) out.push_back(line);
  return out;
}

template <class M>
std::string printed(const M& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// The custom module of tools/gen_nn_reference.py, registered in the same order.
struct SimpleDNN : nn::Module<> {
  std::shared_ptr<nn::Linear<>> fc1;
  std::shared_ptr<nn::Sigmoid<>> act1;
  std::shared_ptr<nn::Sequential<>> fc2;
  std::shared_ptr<nn::Linear<>> out;
  SimpleDNN() : Module("SimpleDNN") {
    fc1 = register_module("fc1", std::make_shared<nn::Linear<>>(26, 100));
    act1 = register_module("act1", std::make_shared<nn::Sigmoid<>>());
    fc2 = register_module(
        "fc2", std::make_shared<nn::Sequential<>>(nn::Linear<>(100, 50), nn::Sigmoid<>()));
    out = register_module("out", std::make_shared<nn::Linear<>>(50, 1));
  }
  Tensor<> forward(const Tensor<>& x) const {
    return out->forward(fc2->forward(act1->forward(fc1->forward(x))));
  }
};

template <class T>
bool all_equal(const Tensor<T>& a, const Tensor<T>& b) {
  return a.shape() == b.shape() && a.to_vector() == b.to_vector();
}

/// Same shape and every element within 1e-6 (relative, or absolute near 0): two ways of
/// rounding the same float computation.
bool close_to(const Tensor<>& a, const Tensor<>& b) {
  if (a.shape() != b.shape()) return false;
  const auto x = a.detach().to_vector(), y = b.detach().to_vector();
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::abs(x[i] - y[i]) > 1e-6f * (1 + std::abs(y[i]))) return false;
  return true;
}

std::string joined_names(const kaon::io::NamedTensors<float>& named) {
  std::string s;
  for (const auto& [name, t] : named) s += (s.empty() ? "" : "\n") + name;
  return s;
}

}  // namespace

TEST_CASE("Linear and Sequential print as PyTorch prints them", "[nn]") {
  CHECK(nn::Linear(3, 4).repr() == nn_ref::repr_linear);
  CHECK(nn::Linear(3, 4, false).repr() == nn_ref::repr_linear_nobias);
  const nn::Sequential model(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  CHECK(model.repr() == nn_ref::repr_sequential);
  CHECK(printed(model) == nn_ref::repr_sequential);
  CHECK(printed(nn::Linear(3, 4)) == nn_ref::repr_linear);
}

TEST_CASE("Activation, Dropout and loss modules print as PyTorch prints them", "[nn]") {
  const std::vector<std::string> activations = {nn::ReLU().repr(),        nn::Sigmoid().repr(),
                                                nn::Tanh().repr(),        nn::Softmax(1).repr(),
                                                nn::LogSoftmax(1).repr(), nn::Dropout(0.25).repr(),
                                                nn::Identity().repr()};
  CHECK(activations == split_lines(nn_ref::repr_activations));
  const std::vector<std::string> losses = {nn::MSELoss().repr(), nn::BCELoss().repr(),
                                           nn::CrossEntropyLoss().repr()};
  CHECK(losses == split_lines(nn_ref::repr_losses));
  CHECK(printed(nn::Dropout(0.25)) == "Dropout(p=0.25, inplace=False)");
}

TEST_CASE("A custom module prints, names its parameters and keys its state as PyTorch does",
          "[nn]") {
  const SimpleDNN model;
  CHECK(model.repr() == nn_ref::repr_custom);
  CHECK(printed(model) == nn_ref::repr_custom);
  CHECK(joined_names(model.named_parameters()) == nn_ref::names_custom);
  CHECK(joined_names(model.state_dict()) == nn_ref::state_keys_custom);
  CHECK(model.parameters().size() == 6);
  CHECK(model.parameters(false).empty());
  CHECK(model.children().size() == 4);
  CHECK(model.named_children()[2].first == "fc2");
  CHECK(model.named_children()[2].second->name() == "Sequential");
  CHECK(model.forward(kaon::zeros({5, 26})).shape() == kaon::Shape{5, 1});
  // Parameters are shared handles: the module's weight is what parameters() returns.
  CHECK(model.parameters()[0].is_alias_of(model.fc1->weight));
  CHECK(model.parameters()[3].is_alias_of(model.fc2->at<nn::Linear<>>(0)->bias));
  for (const auto& p : model.parameters()) {
    CHECK(p.requires_grad());
    CHECK(p.is_leaf());
  }
}

TEST_CASE("Registering a duplicate or dotted name is an error", "[nn]") {
  SimpleDNN model;
  REQUIRE_THROWS_AS(model.register_module("fc1", std::make_shared<nn::ReLU<>>()), kaon::ValueError);
  REQUIRE_THROWS_WITH(model.register_module("fc1", std::make_shared<nn::ReLU<>>()),
                      Contains("fc1") && Contains("already registered"));
  REQUIRE_THROWS_AS(model.register_parameter("a.b", kaon::zeros({2})), kaon::ValueError);
  REQUIRE_THROWS_AS(model.register_buffer("", kaon::zeros({2})), kaon::ValueError);
  REQUIRE_THROWS_AS(nn::Linear(0, 3), kaon::ValueError);
}

TEST_CASE("Buffers appear in state_dict but not in parameters", "[nn]") {
  nn::Module<> m("Stats");
  m.register_parameter("w", kaon::ones({2}));
  m.register_buffer("running_mean", kaon::zeros({2}));
  CHECK(m.parameters().size() == 1);
  CHECK(m.named_buffers().size() == 1);
  CHECK(m.named_buffers()[0].first == "running_mean");
  const auto state = m.state_dict();
  REQUIRE(state.size() == 2);
  CHECK(state[0].first == "w");
  CHECK(state[1].first == "running_mean");
  CHECK_FALSE(state[1].second.requires_grad());
}

TEST_CASE("Linear's default init is uniform within 1/sqrt(in_features) and follows manual_seed",
          "[nn]") {
  kaon::manual_seed(123);
  const nn::Linear<double> a(26, 100), b(26, 100);
  const double bound = 1 / std::sqrt(26.0);
  for (const auto* layer : {&a, &b}) {
    REQUIRE(layer->weight.shape() == kaon::Shape{100, 26});
    REQUIRE(layer->bias.shape() == kaon::Shape{100});
    const auto w = layer->weight.to_vector(), bias = layer->bias.to_vector();
    double w_max = 0, b_max = 0, w_sum = 0;
    for (double v : w) w_max = std::max(w_max, std::fabs(v)), w_sum += v;
    for (double v : bias) b_max = std::max(b_max, std::fabs(v));
    CHECK(w_max <= bound);
    CHECK(b_max <= bound);
    // 2600 and 100 uniform draws reach close to the bound and centre on zero.
    CHECK(w_max > 0.98 * bound);
    CHECK(b_max > 0.8 * bound);
    CHECK(std::fabs(w_sum / 2600) < 0.05 * bound);
  }
  CHECK_FALSE(all_equal(a.weight, b.weight));
  CHECK_FALSE(all_equal(a.bias, b.bias));

  kaon::manual_seed(123);
  nn::Linear<double> c(26, 100);
  CHECK(all_equal(a.weight, c.weight));
  CHECK(all_equal(a.bias, c.bias));
  c.reset_parameters();  // continues the stream: b's values
  CHECK(all_equal(b.weight, c.weight));
  CHECK(all_equal(b.bias, c.bias));
}

TEST_CASE("Sequential runs its modules in order and gives access to them", "[nn]") {
  kaon::manual_seed(0);
  nn::Sequential model(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  const auto x = kaon::linspace<float>(-1, 1, 8).reshape({8, 1});
  const auto y = model(x);
  CHECK(y.shape() == kaon::Shape{8, 1});
  CHECK(model.size() == 3);
  CHECK_FALSE(model.empty());
  CHECK(model[1]->name() == "ReLU");
  CHECK(model[-1]->name() == "Linear");
  const auto first = model.at<nn::Linear<>>(0);
  CHECK(first->weight.shape() == kaon::Shape{50, 1});
  CHECK(model.at<nn::Linear<>>(2)->weight.shape() == kaon::Shape{1, 50});
  // The same composition written out by hand.
  const auto last = model.at<nn::Linear<>>(2);
  const auto manual =
      kaon::matmul(kaon::relu(kaon::matmul(x, first->weight.t()) + first->bias), last->weight.t()) +
      last->bias;
  CHECK(close_to(y, manual));  // Sequential runs the three as one op: other rounding
  REQUIRE_THROWS_AS(model[3], kaon::IndexError);
  REQUIRE_THROWS_AS(model[-4], kaon::IndexError);
  REQUIRE_THROWS_AS(model.at<nn::ReLU<>>(0), kaon::ValueError);

  model.push_back(nn::Sigmoid());
  model.push_back(std::make_shared<nn::Identity<>>());
  CHECK(model.size() == 5);
  CHECK(model.named_children()[3].first == "3");
  const auto z = model(x).to_vector();
  for (float v : z) CHECK((v > 0 && v < 1));

  std::vector<std::string> names;
  for (const auto& layer : model) names.push_back(layer.module->name());
  CHECK(names == std::vector<std::string>{"Linear", "ReLU", "Linear", "Sigmoid", "Identity"});
  auto h = x;
  for (const auto& layer : model) h = layer.forward(h);
  CHECK(close_to(h, model(x)));

  nn::Sequential<> empty;
  CHECK(empty.empty());
  CHECK(empty.repr() == "Sequential()");
  CHECK(all_equal(empty(x), x));
}

TEST_CASE("train and eval propagate to submodules, and Dropout acts only in training", "[nn]") {
  SimpleDNN model;
  CHECK(model.is_training());
  model.eval();
  CHECK_FALSE(model.is_training());
  CHECK_FALSE(model.fc1->is_training());
  CHECK_FALSE(model.fc2->is_training());
  CHECK_FALSE((*model.fc2)[1]->is_training());
  model.train();
  CHECK(model.fc2->at<nn::Sigmoid<>>(1)->is_training());
  model.fc2->train(false);
  CHECK(model.is_training());
  CHECK_FALSE((*model.fc2)[0]->is_training());

  kaon::manual_seed(5);
  const double p = 0.3;
  nn::Sequential<double> net(nn::Identity<double>{}, nn::Dropout<double>(p));
  auto x = kaon::full<double>({200, 100}, 2.0).requires_grad_();
  net.eval();
  CHECK(all_equal(net(x).detach(), x.detach()));
  net.train();
  const auto y = net(x);
  const auto v = y.to_vector();
  const double kept = 2.0 / (1 - p);
  std::size_t zeros = 0, other = 0;
  for (double e : v) {
    if (e == 0) {
      ++zeros;
    } else if (std::fabs(e - kept) > 1e-15 * kept) {
      ++other;
    }
  }
  CHECK(other == 0);  // every element is 0 or 2 / (1 - p)
  const double frac = static_cast<double>(zeros) / static_cast<double>(v.size());
  CHECK(frac == Approx(p).margin(0.015));  // 20000 draws: the standard deviation is 0.0032
  // The gradient is the same mask times the same scale.
  y.sum().backward();
  CHECK(x.grad().to_vector() == (y.detach() / 2.0).to_vector());

  nn::Dropout<double> none(0.0), all(1.0);
  CHECK(all_equal(none(x).detach(), x.detach()));
  CHECK(all_equal(all(x).detach(), kaon::zeros<double>({200, 100})));
  REQUIRE_THROWS_AS(nn::Dropout(1.5), kaon::ValueError);
  REQUIRE_THROWS_AS(nn::Dropout(-0.1), kaon::ValueError);
}

TEST_CASE("zero_grad zeroes the gradients in place or clears them", "[nn]") {
  kaon::manual_seed(1);
  SimpleDNN model;
  model.forward(kaon::randn({4, 26})).sum().backward();
  const auto before = model.fc1->weight.grad();
  REQUIRE(before.defined());
  CHECK(before.abs().sum().item() > 0);
  model.zero_grad();
  for (const auto& p : model.parameters()) {
    REQUIRE(p.grad().defined());
    CHECK(p.grad().abs().sum().item() == 0);
  }
  CHECK(model.fc1->weight.grad().is_alias_of(before));
  model.zero_grad(true);
  for (const auto& p : model.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("apply visits every submodule depth first, then the module itself", "[nn]") {
  SimpleDNN model;
  std::vector<std::string> visited;
  model.apply([&](nn::Module<>& m) { visited.push_back(m.name()); });
  CHECK(visited == std::vector<std::string>{"Linear", "Sigmoid", "Linear", "Sigmoid", "Sequential",
                                            "Linear", "SimpleDNN"});
  nn::Sequential seq(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  int count = 0;
  seq.apply([&](nn::Module<>&) { ++count; });
  CHECK(count == 4);
  // apply can change parameters, as PyTorch's init idiom does.
  seq.apply([](nn::Module<>& m) {
    if (auto* lin = dynamic_cast<nn::Linear<>*>(&m)) nn::init::constant_(lin->weight, 0.5);
  });
  CHECK(seq.at<nn::Linear<>>(2)->weight.to_vector() == std::vector<float>(50, 0.5f));
}

TEST_CASE("load_state_dict copies values so that two models compute the same outputs", "[nn]") {
  kaon::manual_seed(1);
  SimpleDNN a;
  kaon::manual_seed(2);
  SimpleDNN b;
  const auto x = kaon::randn({3, 26});
  REQUIRE_FALSE(all_equal(a.forward(x).detach(), b.forward(x).detach()));
  const auto weight_before = b.fc1->weight;
  b.load_state_dict(a.state_dict());
  CHECK(all_equal(a.forward(x).detach(), b.forward(x).detach()));
  const auto sa = a.state_dict(), sb = b.state_dict();
  REQUIRE(sa.size() == sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    CHECK(sa[i].first == sb[i].first);
    CHECK(all_equal(sa[i].second.detach(), sb[i].second.detach()));
    CHECK_FALSE(sa[i].second.is_alias_of(sb[i].second));  // copied, not shared
  }
  // The values went into b's own parameters, which stay trainable leaves.
  CHECK(b.fc1->weight.is_alias_of(weight_before));
  CHECK(b.fc1->weight.requires_grad());
  CHECK(b.fc1->weight.is_leaf());
  // state_dict shares storage with the module, as PyTorch's does.
  CHECK(a.state_dict()[0].second.is_alias_of(a.fc1->weight));
}

TEST_CASE("load_state_dict reports missing and unexpected keys and size mismatches", "[nn]") {
  nn::Sequential model(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  nn::Sequential other(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  auto state = other.state_dict();

  auto missing = state;
  missing.pop_back();  // drops "2.bias"
  REQUIRE_THROWS_AS(model.load_state_dict(missing), kaon::ValueError);
  REQUIRE_THROWS_WITH(model.load_state_dict(missing),
                      Contains("missing") && Contains("\"2.bias\""));

  auto unexpected = state;
  unexpected.emplace_back("3.weight", kaon::zeros({1, 1}));
  REQUIRE_THROWS_AS(model.load_state_dict(unexpected), kaon::ValueError);
  REQUIRE_THROWS_WITH(model.load_state_dict(unexpected),
                      Contains("unexpected") && Contains("\"3.weight\""));

  // Not strict: the keys present are loaded, the others ignored.
  nn::Sequential fresh(nn::Linear(1, 50), nn::ReLU(), nn::Linear(50, 1));
  auto partial = missing;
  partial.emplace_back("3.weight", kaon::zeros({1, 1}));
  REQUIRE_NOTHROW(fresh.load_state_dict(partial, false));
  CHECK(all_equal(fresh.at<nn::Linear<>>(0)->weight.detach(),
                  other.at<nn::Linear<>>(0)->weight.detach()));
  CHECK_FALSE(all_equal(fresh.at<nn::Linear<>>(2)->bias.detach(),
                        other.at<nn::Linear<>>(2)->bias.detach()));

  auto wrong_shape = state;
  wrong_shape[0].second = kaon::zeros({50, 2});
  REQUIRE_THROWS_AS(model.load_state_dict(wrong_shape), kaon::ShapeError);
  REQUIRE_THROWS_WITH(model.load_state_dict(wrong_shape),
                      Contains("0.weight") && Contains("[50, 2]") && Contains("[50, 1]"));
  REQUIRE_THROWS_AS(model.load_state_dict(wrong_shape, false), kaon::ShapeError);
}

TEST_CASE("softmax and log_softmax match PyTorch's values and gradients", "[nn]") {
  const auto x = from_ref<double>(nn_ref::sm_x);
  const auto w = from_ref<double>(nn_ref::sm_w);
  check_matches(nn::functional::softmax(x, 1), nn_ref::softmax1, 1e-15);
  check_matches(nn::functional::softmax(x, -1), nn_ref::softmax1, 1e-15);
  check_matches(nn::functional::softmax(x, 0), nn_ref::softmax0, 1e-15);
  check_matches(nn::functional::log_softmax(x, 1), nn_ref::log_softmax1, 1e-15);
  check_matches(nn::Softmax<double>(1)(x), nn_ref::softmax1, 1e-15);
  check_matches(nn::LogSoftmax<double>(1)(x), nn_ref::log_softmax1, 1e-15);

  auto xs = x.clone().requires_grad_();
  (nn::functional::softmax(xs, 1) * w).sum().backward();
  check_matches(xs.grad(), nn_ref::softmax1_grad, 1e-15);
  auto xl = x.clone().requires_grad_();
  (nn::functional::log_softmax(xl, 1) * w).sum().backward();
  check_matches(xl.grad(), nn_ref::log_softmax1_grad, 1e-15);

  // Large inputs do not overflow: the max is subtracted first.
  const auto big = kaon::tensor<double>({1000.0, 1001.0, 1002.0}).reshape({1, 3});
  const auto s = nn::functional::softmax(big, 1).to_vector();
  const auto s_shifted =
      nn::functional::softmax(kaon::tensor<double>({0.0, 1.0, 2.0}).reshape({1, 3}), 1).to_vector();
  for (std::size_t i = 0; i < 3; ++i) CHECK(s[i] == Approx(s_shifted[i]).epsilon(1e-15));
}

TEST_CASE("Sequential runs a Linear and the ReLU after it as one op with the same numbers",
          "[nn]") {
  kaon::manual_seed(5);
  for (const std::int64_t in : {1, 3}) {  // 1: the one-pass outer product
    nn::Sequential model(nn::Linear(in, 20), nn::ReLU(), nn::Linear(20, 2));
    const auto x = kaon::randn({7, in});
    const auto y = model(x);
    CHECK(std::string(y.grad_fn()->name()) == "AddmmBackward0");
    const auto first = model.at<nn::Linear<>>(0), last = model.at<nn::Linear<>>(2);
    const auto unfused = last->forward(kaon::relu(first->forward(x)));
    CHECK(close_to(y, unfused));
    kaon::pow(y, 2).sum().backward();
    const auto weight_grad = first->weight.grad().clone(), bias_grad = first->bias.grad().clone();
    model.zero_grad();
    kaon::pow(unfused, 2).sum().backward();
    CHECK(close_to(weight_grad, first->weight.grad()));
    CHECK(close_to(bias_grad, first->bias.grad()));
  }
  // Ending in the ReLU, the output's grad_fn is relu's, as PyTorch's.
  nn::Sequential head(nn::Linear(2, 3), nn::ReLU());
  CHECK(std::string(head(kaon::randn({4, 2})).grad_fn()->name()) == "ReluBackward0");
  // Not a batch: Linear's own path, then relu.
  CHECK(head(kaon::randn({5, 4, 2})).shape() == kaon::Shape{5, 4, 3});
  REQUIRE_THROWS_WITH(head(kaon::randn({4, 3})),
                      "Linear: input of shape [4, 3] does not end in in_features = 2");
  REQUIRE_THROWS_WITH(
      kaon::relu(kaon::addmm(kaon::ones({3}), kaon::ones({2, 2}), kaon::ones({2, 4}))),
      "addmm: shapes cannot be broadcast together: [3] and [2, 4]");
}

TEMPLATE_TEST_CASE("Linear computes x W^T + b and its gradients have the parameters' shapes",
                   "[nn]", float, double) {
  using T = TestType;
  kaon::manual_seed(3);
  nn::Linear<T> layer(3, 4);
  CHECK(layer.weight.dtype_name() == std::string(kaon::dtype_name<T>()));
  auto x = kaon::randn<T>({5, 3}).requires_grad_();
  const auto y = layer(x);
  REQUIRE(y.shape() == kaon::Shape{5, 4});
  CHECK(std::string(y.grad_fn()->name()) == "AddmmBackward0");  // one op on a batch, as torch's
  y.sum().backward();
  REQUIRE(layer.weight.grad().shape() == kaon::Shape{4, 3});
  REQUIRE(layer.bias.grad().shape() == kaon::Shape{4});
  REQUIRE(x.grad().shape() == kaon::Shape{5, 3});
  // d(sum y)/db = N, d(sum y)/dW[j, k] = sum_i x[i, k], d(sum y)/dx[i, k] = sum_j W[j, k].
  CHECK(layer.bias.grad().to_vector() == std::vector<T>(4, T(5)));
  const auto xv = x.detach().to_vector(), wv = layer.weight.detach().to_vector();
  const auto gw = layer.weight.grad().to_vector(), gx = x.grad().to_vector();
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-15;
  for (int k = 0; k < 3; ++k) {
    double col = 0, wcol = 0;
    for (int i = 0; i < 5; ++i) col += xv[static_cast<std::size_t>(i * 3 + k)];
    for (int j = 0; j < 4; ++j) wcol += wv[static_cast<std::size_t>(j * 3 + k)];
    for (int j = 0; j < 4; ++j)
      CHECK(gw[static_cast<std::size_t>(j * 3 + k)] == Approx(col).margin(tol));
    for (int i = 0; i < 5; ++i)
      CHECK(gx[static_cast<std::size_t>(i * 3 + k)] == Approx(wcol).margin(tol));
  }
  // Leading dims are batch dims; a layer without bias has one parameter.
  CHECK(layer(kaon::randn<T>({2, 5, 3})).shape() == kaon::Shape{2, 5, 4});
  nn::Linear<T> no_bias(3, 4, false);
  CHECK(no_bias.parameters().size() == 1);
  CHECK_FALSE(no_bias.bias.defined());
  CHECK(no_bias(kaon::randn<T>({5, 3})).shape() == kaon::Shape{5, 4});
  REQUIRE_THROWS_AS(layer(kaon::randn<T>({5, 4})), kaon::ShapeError);
  REQUIRE_THROWS_WITH(layer(kaon::randn<T>({5, 4})), Contains("Linear") && Contains("[5, 4]"));
}
