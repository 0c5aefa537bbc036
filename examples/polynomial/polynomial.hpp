// SPDX-License-Identifier: MIT
// Exercise 2 bonus (2_Regression_Penguins_SKlearn.ipynb): a noisy quartic fitted by least squares
// on polynomial features, by a small MLP, and by Linear(4, 1) trained with SGD on mini-batches.
#pragma once

#include <filesystem>
#include <iostream>
#include <kaon/kaon.hpp>

#include "plot.hpp"
#include "train.hpp"

namespace examples {

template <class D>
int polynomial(const std::filesystem::path& out) {
  namespace nn = kaon::nn;
  kaon::manual_seed(0);  // np.random.seed(0)
  // x = linspace(-2, 3, 1000), y = 2x^4 - 3x^3 - 10x^2 + 0.5x + 3 + 0.2 noise.
  const auto x = kaon::linspace<double, D>(-2, 3, 1000).reshape({-1, 1});
  const auto y_true = 2 * kaon::pow(x, 4) - 3 * kaon::pow(x, 3) - 10 * x * x + 0.5 * x + 3;
  const auto y = y_true + 0.2 * kaon::randn_like(x);

  // PolynomialFeatures(degree=4, include_bias=False) and LinearRegression.
  const auto features = kaon::data::polynomial_features(x, 4, false);  // x, x^2, x^3, x^4
  kaon::linalg::LinearRegression<double, D> ols;
  ols.fit(features, y.reshape({-1}));
  const auto coef = ols.coef().to_vector();
  for (int power = 1; power <= 4; ++power) {
    std::cout << "least squares coefficient of x^" << power << ": " << coef[power - 1] << "\n";
  }
  std::cout << "least squares intercept: " << ols.intercept() << "\n"
            << "least squares R2: " << ols.score(features, y.reshape({-1})) << "\n";

  // The same curve by a 1-32-32-1 tanh network on z-scored x and y, Adam(lr=0.01).
  const auto xf = x.template to<float>(), yf = y.template to<float>();
  const auto xz = (xf - xf.mean()) / xf.std(), yz = (yf - yf.mean()) / yf.std();
  nn::Sequential mlp(nn::Linear<float, D>(1, 32), nn::Tanh<float, D>(),
                     nn::Linear<float, D>(32, 32), nn::Tanh<float, D>(),
                     nn::Linear<float, D>(32, 1));
  kaon::optim::Adam adam(mlp.parameters(), 0.01);
  nn::MSELoss<float, D> mse;
  train(mlp, adam, mse, xz, yz, 1000, 200, "MLP 1-32-32-1");
  kaon::NoGradGuard no_grad;
  const auto mlp_fit = mlp(xz) * yf.std() + yf.mean();
  std::cout << "MLP R2: " << kaon::metrics::r2_score(yf, mlp_fit) << "\n";

  // Linear(4, 1) on scaled polynomial features of the noiseless curve, SGD on random
  // mini-batches of 50 from a DataLoader, until the full-data loss falls below 1e-3.
  kaon::data::StandardScaler scale_x, scale_y;
  const auto fx = scale_x.fit_transform(features).template to<float>();
  const auto fy = scale_y.fit_transform(y_true).template to<float>();
  kaon::data::DataLoader loader(kaon::data::TensorDataset(fx, fy),
                                {.batch_size = 50, .shuffle = true});
  nn::Linear<float, D> linear(4, 1);
  kaon::optim::SGD sgd(linear.parameters(), kaon::optim::SGDOptions(0.05).momentum(0.9));
  double loss = mse(linear(fx), fy).item();
  int epoch = 0;
  for (; loss >= 1e-3 && epoch < 1000; ++epoch) {
    kaon::EnableGradGuard grad;
    for (auto [xb, yb] : loader) {
      sgd.zero_grad();
      auto batch_loss = mse(linear(xb), yb);
      batch_loss.backward();
      sgd.step();
    }
    kaon::NoGradGuard eval;
    loss = mse(linear(fx), fy).item();
    if (epoch % 10 == 0) std::cout << "  SGD epoch " << epoch + 1 << ": loss " << loss << "\n";
  }
  // Back to the original units: coefficient_j = w_j * scale(y) / scale(x_j).
  // (The scalers keep their statistics on the host, as scikit-learn's do.)
  const auto w =
      linear.weight.detach().reshape({-1}).template to<double>().template to<kaon::cpu>() *
      scale_y.scale() / scale_x.scale();
  std::cout << "SGD epochs to loss < 1e-3: " << epoch << "\n"
            << "SGD final loss: " << loss << "\n"
            << "SGD coefficients (x, x^2, x^3, x^4): " << w << "\n";

  {
    auto host = [](const auto& t) { return t.template to<double>().reshape({-1}).to_vector(); };
    plot::Figure fig(out / "polynomial_fit.png",
                     {"2x^4 - 3x^3 - 10x^2 + 0.5x + 3 with noise", "x", "y", -2, 3, -25, 40});
    fig.points(host(x), host(y), plot::gray);
    fig.line(host(x), host(y_true), plot::green, 5);
    fig.line(host(x), host(ols.predict(features)), plot::red, 2);
    fig.line(host(x), host(mlp_fit), plot::blue, 2);
    fig.label(0, "true curve", plot::green);
    fig.label(1, "least squares, degree 4", plot::red);
    fig.label(2, "MLP 1-32-32-1", plot::blue);
  }
  plot::note_if_unavailable();
  return 0;
}

}  // namespace examples
