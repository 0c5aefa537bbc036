// SPDX-License-Identifier: MIT
// The workloads of issue 8 written with kaon, shared by bench_workloads and bench_compare so both
// time the same code. Each workload builds its inputs from kaon::manual_seed(0) in its factory
// (outside any timed loop) and does one unit of work per run(): a whole training step, a forward
// pass or one tensor op.
#pragma once

#include <cstdint>
#include <kaon/kaon.hpp>
#include <utility>
#include <vector>

namespace kaon_bench {

namespace nn = kaon::nn;
using Tensor = kaon::Tensor<>;

/// Linear, ReLU, Linear, ..., Linear through the given widths ({1, 50, 1}: 1→50→1).
inline nn::Sequential<> relu_mlp(const std::vector<std::int64_t>& widths) {
  nn::Sequential<> model;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    if (i > 0) model.push_back(nn::ReLU<>());
    model.push_back(nn::Linear<>(widths[i], widths[i + 1]));
  }
  return model;
}

/// A full-batch training step: zero_grad, forward, MSE loss, backward, optimiser step.
template <class Model, class Optimizer>
struct Training {
  template <class Options>
  Training(Model m, Tensor inputs, Tensor targets, Options options)
      : model(std::move(m)),
        x(std::move(inputs)),
        y(std::move(targets)),
        opt(model.parameters(), options) {}

  void run() {
    opt.zero_grad();
    loss = mse(model(x), y);
    loss.backward();
    opt.step();
  }

  Model model;
  Tensor x, y;
  Optimizer opt;
  nn::MSELoss<> mse;
  Tensor loss;  // the loss of the last step, computed before its update
};

using MlpAdam = Training<nn::Sequential<>, kaon::optim::Adam<>>;
using MlpRprop = Training<nn::Sequential<>, kaon::optim::Rprop<>>;
using LinearRprop = Training<nn::Linear<>, kaon::optim::Rprop<>>;

/// 1000 rows of y = sin(x) + noise.
inline std::pair<Tensor, Tensor> sin_data() {
  auto x = kaon::randn({1000, 1});
  auto y = kaon::sin(x) + 0.1f * kaon::randn({1000, 1});
  return {x, y};
}

/// mlp_step: 1→50→1 ReLU on 1000 rows, MSE, Adam(lr=0.01).
inline MlpAdam mlp_step() {
  kaon::manual_seed(0);
  auto [x, y] = sin_data();
  return {relu_mlp({1, 50, 1}), x, y, kaon::optim::AdamOptions(0.01)};
}

/// mlp_step_rprop: the same network and data with default Rprop.
inline MlpRprop mlp_step_rprop() {
  kaon::manual_seed(0);
  auto [x, y] = sin_data();
  return {relu_mlp({1, 50, 1}), x, y, kaon::optim::RpropOptions()};
}

/// linreg_step: Linear(2, 1) on 342 rows (the penguins' size), MSE, default Rprop.
inline LinearRprop linreg_step() {
  kaon::manual_seed(0);
  auto x = kaon::randn({342, 2});
  auto y = kaon::matmul(x, kaon::from_vector<float>({0.5f, -0.3f}, {2, 1})) + 0.2f +
           0.1f * kaon::randn({342, 1});
  return {nn::Linear<>(2, 1), x, y, kaon::optim::RpropOptions()};
}

/// mlp_medium: batch 256, 128→256→256→10 ReLU, MSE, Adam(lr=1e-3).
inline MlpAdam mlp_medium() {
  kaon::manual_seed(0);
  auto x = kaon::randn({256, 128});
  auto y = kaon::randn({256, 10});
  return {relu_mlp({128, 256, 256, 10}), x, y, kaon::optim::AdamOptions(1e-3)};
}

/// inference_small: the 1→50→1 network's forward on 1000 rows under NoGradGuard.
struct Inference {
  void run() {
    kaon::NoGradGuard no_grad;
    out = model(x);
  }
  nn::Sequential<> model;
  Tensor x, out;
};
inline Inference inference_small() {
  kaon::manual_seed(0);
  auto x = kaon::randn({1000, 1});
  return {relu_mlp({1, 50, 1}), x, {}};
}

/// projectile: 100 launch speeds and angles [100, 1] against 1000 times [1000].
struct Projectile {
  void run() {
    x = u0 * kaon::cos(theta) * t;
    y = u0 * kaon::sin(theta) * t - 4.9f * t * t;
  }
  Tensor u0, theta, t, x, y;
};
inline Projectile projectile() {
  kaon::manual_seed(0);
  auto u0 = 50 * kaon::rand({100, 1});
  auto theta = 1.5707963f * kaon::rand({100, 1});
  return {u0, theta, kaon::linspace(0, 5, 1000), {}, {}};
}

/// gemm/n: c = a @ b for two [n, n] float matrices (2 n^3 flops).
struct Gemm {
  void run() { c = kaon::mm(a, b); }
  Tensor a, b, c;
};
inline Gemm gemm(std::int64_t n) {
  kaon::manual_seed(0);
  auto a = kaon::randn({n, n});
  auto b = kaon::randn({n, n});
  return {a, b, {}};
}

inline constexpr std::int64_t kLargeN = 10'000'000;

/// add_large: a += b on 10,000,000 floats, into the existing a (3 * 4 bytes per element).
struct AddInto {
  void run() { a += b; }
  Tensor a, b;
};
inline AddInto add_large() {
  kaon::manual_seed(0);
  auto a = kaon::rand({kLargeN});
  auto b = kaon::rand({kLargeN});
  return {a, b};
}

/// add_new: c = a + b on 10,000,000 floats, a new result each run (freed at the end of it).
struct AddNew {
  template <class Sink>
  void run(const Sink& sink) {
    const auto c = a + b;
    sink(c.data_ptr());
  }
  Tensor a, b;
};
inline AddNew add_new() {
  kaon::manual_seed(0);
  auto a = kaon::rand({kLargeN});
  auto b = kaon::rand({kLargeN});
  return {a, b};
}

}  // namespace kaon_bench
