// SPDX-License-Identifier: MIT
// Exercises 2 and 3 (2_Regression_Penguins_SKlearn, 3_Regression_Penguins_PyTorch): body mass
// from flipper length (and bill depth) by least squares, then by Linear layers and a small ReLU
// network trained with Rprop, and the sin-regression bonus with Adam.
#pragma once

#include <filesystem>
#include <iostream>
#include <kaon/kaon.hpp>
#include <string>

#include "plot.hpp"
#include "train.hpp"

namespace examples {

template <class D>
int penguins_regression(const std::filesystem::path& csv, const std::filesystem::path& out) {
  namespace nn = kaon::nn;
  kaon::manual_seed(0);
  // Exercise 2, tasks 1-2: read the CSV and drop every row with a missing value (333 rows).
  const auto df = kaon::data::read_csv(csv).dropna();
  std::cout << "penguins after dropna: " << df.rows() << " rows\n";

  // Exercise 2, tasks 3-7: closed-form least squares (sklearn's LinearRegression).
  const auto x1 = df.to_tensor<double, D>({"flipper_length_mm"});
  const auto x2 = df.to_tensor<double, D>({"flipper_length_mm", "bill_depth_mm"});
  const auto mass = df.to_tensor<double, D>({"body_mass_g"}).reshape({-1});
  kaon::linalg::LinearRegression<double, D> ols1, ols2;
  ols1.fit(x1, mass);
  ols2.fit(x2, mass);
  const double best1 = kaon::metrics::mean_squared_error(mass, ols1.predict(x1));
  const double best2 = kaon::metrics::mean_squared_error(mass, ols2.predict(x2));
  std::cout.precision(10);
  std::cout << "least squares slope: " << ols1.coef().item() << "\n"
            << "least squares intercept: " << ols1.intercept() << "\n"
            << "least squares R2: " << ols1.score(x1, mass) << "\n"
            << "prediction at 200 mm: " << ols1.predict(kaon::full<double, D>({1, 1}, 200)).item()
            << "\n"
            << "two features coef: " << ols2.coef() << "\n"
            << "two features intercept: " << ols2.intercept() << "\n"
            << "two features R2: " << ols2.score(x2, mass) << "\n"
            << "least squares MSE, 1 and 2 features: " << best1 << ", " << best2 << "\n";
  std::cout.precision(6);

  // Exercise 3, tasks 2-5: nn.Linear(1, 1), MSELoss, default Rprop, 1000 full-batch epochs.
  auto x = x1.template to<float>(), x_2 = x2.template to<float>();
  auto y = mass.template to<float>().reshape({-1, 1});
  nn::MSELoss<float, D> mse;
  nn::Linear<float, D> linear1(1, 1);
  kaon::optim::Rprop opt1(linear1.parameters());
  const auto loss1 = train(linear1, opt1, mse, x, y, 1000, 100, "Linear(1,1)");
  std::cout << "Linear(1,1) final MSE: " << loss1.back() << "\n"
            << "Linear(1,1) MSE / least squares: " << loss1.back() / best1 << "\n";

  // Exercise 3, task 2 (multilinear): nn.Linear(2, 1) for 3000 epochs.
  nn::Linear<float, D> linear2(2, 1);
  kaon::optim::Rprop opt2(linear2.parameters());
  const auto loss2 = train(linear2, opt2, mse, x_2, y, 3000, 500, "Linear(2,1)");
  std::cout << "Linear(2,1) final MSE: " << loss2.back() << "\n"
            << "Linear(2,1) MSE / least squares: " << loss2.back() / best2 << "\n";

  // Exercise 3, task 12: a 1-50-1 ReLU network on z-scored data (the tensors' own unbiased std).
  auto xz = (x - x.mean()) / x.std(), yz = (y - y.mean()) / y.std();
  nn::Sequential mlp(nn::Linear<float, D>(1, 50), nn::ReLU<float, D>(),
                     nn::Linear<float, D>(50, 1));
  kaon::optim::Rprop opt3(mlp.parameters());
  const auto loss3 = train(mlp, opt3, mse, xz, yz, 200, 20, "MLP 1-50-1");
  // The best straight line in these units: (1 - R^2) (n - 1) / n.
  const double line_z = (1 - ols1.score(x1, mass)) * (df.rows() - 1.0) / df.rows();
  std::cout << "MLP final MSE (z-scored): " << loss3.back() << "\n"
            << "best straight line MSE (z-scored): " << line_z << "\n";

  // Exercise 3 bonus: y = sin(x) + 0.1 noise, a 1-16-1 ReLU network, Adam(lr=0.01), 500 epochs.
  auto xs = kaon::linspace<float, D>(-3, 3, 200).unsqueeze(1);
  auto ys = kaon::sin(xs) + 0.1f * kaon::randn_like(xs);
  auto mu = xs.mean(0, true), sigma = xs.std(0, true, true);
  nn::Sequential net(nn::Linear<float, D>(1, 16), nn::ReLU<float, D>(),
                     nn::Linear<float, D>(16, 1));
  kaon::optim::Adam adam(net.parameters(), 0.01);
  const auto loss4 = train(net, adam, mse, (xs - mu) / sigma, ys, 500, 100, "sin MLP");
  auto x_test = kaon::linspace<float, D>(-3, 3, 300).unsqueeze(1);
  kaon::Tensor<float, D> y_test;
  {
    kaon::NoGradGuard no_grad;  // with torch.no_grad():
    y_test = net((x_test - mu) / sigma);
  }
  std::cout << "sin MLP final training MSE: " << loss4.back() << "\n"
            << "sin MLP test MSE against sin(x): " << mse(y_test, kaon::sin(x_test)).item() << "\n";

  // Plots: the data with the fitted lines, the loss curves (log y) and the sin fit.
  auto host = [](const auto& t) { return t.template to<double>().reshape({-1}).to_vector(); };
  {
    plot::Figure fig(out / "penguins_regression_fit.png",
                     {"Body mass against flipper length", "flipper length (mm)", "body mass (g)",
                      170, 235, 2400, 6500});
    fig.points(host(x), host(y), plot::blue);
    auto line_x = kaon::linspace<double, D>(170, 235, 2).unsqueeze(1);
    fig.line(host(line_x), host(ols1.predict(line_x)), plot::red, 3);
    kaon::NoGradGuard no_grad;
    fig.line(host(line_x), host(linear1(line_x.template to<float>())), plot::green, 2);
    fig.label(0, "least squares", plot::red);
    fig.label(1, "Linear(1,1), Rprop", plot::green);
  }
  {
    plot::Figure fig(out / "penguins_regression_loss.png",
                     {"Training loss (MSE)", "epoch", "loss", 1, 3000, 1e5, 1e8, true});
    fig.line(epochs_axis(loss1.size()), loss1, plot::blue);
    fig.line(epochs_axis(loss2.size()), loss2, plot::orange);
    fig.label(0, "Linear(1,1)", plot::blue);
    fig.label(1, "Linear(2,1)", plot::orange);
  }
  {
    plot::Figure fig(
        out / "penguins_regression_mlp_loss.png",
        {"1-50-1 ReLU network, z-scored data", "epoch", "loss", 1, 200, 0.1, 10, true});
    fig.line(epochs_axis(loss3.size()), loss3, plot::blue);
  }
  {
    plot::Figure fig(out / "sin_regression.png", {"sin regression", "x", "y", -3, 3, -1.5, 1.5});
    fig.points(host(xs), host(ys), plot::gray);
    fig.line(host(x_test), host(y_test), plot::red, 3);
  }
  plot::note_if_unavailable();
  return 0;
}

}  // namespace examples
