// SPDX-License-Identifier: MIT
// Training end to end: Rprop reaches the least-squares line; a small network separates two blobs.
#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>
#include <vector>

namespace nn = kaon::nn;
namespace optim = kaon::optim;
using kaon::Tensor;

TEST_CASE("Linear(1, 1) trained with Rprop reaches the least-squares line", "[nn][convergence]") {
  constexpr std::int64_t n = 200;
  kaon::manual_seed(42);
  const auto x = kaon::rand<double>({n, 1}) * 4.0 - 2.0;  // U(-2, 2)
  const auto y = x * 3.0 - 2.0 + kaon::randn<double>({n, 1}) * 0.1;

  // The closed form, from the normal equations on the same data, in plain C++.
  const auto xs = x.to_vector(), ys = y.to_vector();
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i], my += ys[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
  }
  const double slope = sxy / sxx, intercept = my - slope * mx;
  REQUIRE(slope == Approx(3).margin(0.05));  // the noise is small
  REQUIRE(intercept == Approx(-2).margin(0.05));

  nn::Linear<double> model(1, 1);
  optim::Rprop<double> opt(model.parameters());  // default options, lr 0.01
  for (int epoch = 0; epoch < 300; ++epoch) {
    opt.zero_grad();
    nn::functional::mse_loss(model(x), y).backward();
    opt.step();
  }
  INFO("slope " << model.weight.item() << " vs " << slope << ", intercept " << model.bias.item()
                << " vs " << intercept);
  CHECK(model.weight.item() == Approx(slope).epsilon(1e-3));
  CHECK(model.bias.item() == Approx(intercept).epsilon(1e-3));
}

TEST_CASE("A 2-16-1 sigmoid network trained with BCELoss and Rprop separates two blobs",
          "[nn][convergence]") {
  constexpr std::int64_t per_class = 100;
  kaon::manual_seed(7);
  const auto a = kaon::randn({per_class, 2}) * 0.5f - 1.0f;  // centre (-1, -1), class 0
  const auto b = kaon::randn({per_class, 2}) * 0.5f + 1.0f;  // centre (1, 1), class 1
  const auto x = kaon::cat({a, b}, 0);
  const auto y = kaon::cat({kaon::zeros({per_class, 1}), kaon::ones({per_class, 1})}, 0);

  nn::Sequential model(nn::Linear(2, 16), nn::Sigmoid(), nn::Linear(16, 1), nn::Sigmoid());
  nn::BCELoss<> criterion;
  optim::Rprop<> opt(model.parameters(), optim::RpropOptions(0.1));
  const auto accuracy = [&] {
    kaon::NoGradGuard no_grad;
    const auto predicted = model(x).to_vector(), labels = y.to_vector();
    int correct = 0;
    for (std::size_t i = 0; i < labels.size(); ++i)
      correct += (predicted[i] > 0.5f) == (labels[i] > 0.5f);
    return static_cast<double>(correct) / static_cast<double>(labels.size());
  };
  const double first_accuracy = accuracy();
  const float first_loss = criterion(model(x), y).item();
  float loss = first_loss;
  for (int epoch = 0; epoch < 200; ++epoch) {
    opt.zero_grad();
    const auto l = criterion(model(x), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  INFO("accuracy " << first_accuracy << " -> " << accuracy() << ", loss " << first_loss << " -> "
                   << loss);
  CHECK(accuracy() >= 0.95);
  CHECK(loss < 0.2f);
}
