// SPDX-License-Identifier: MIT
// The workloads of issue 8 written with kaon, shared by bench_workloads, bench_compare and (on
// kaon::cuda) bench_cuda_workloads, so all time the same code. Each workload builds its inputs
// from kaon::manual_seed(0) in its factory (outside any timed loop; kaon draws the same numbers
// on either device) and does one unit of work per run(): a whole training step, a forward pass
// or one tensor op. Every type and factory takes the device, the CPU by default.
#pragma once

#include <cstdint>
#include <kaon/kaon.hpp>
#include <utility>
#include <vector>

namespace kaon_bench {

namespace nn = kaon::nn;
template <class D = kaon::cpu>
using Tensor = kaon::Tensor<float, D>;

/// Linear, ReLU, Linear, ..., Linear through the given widths ({1, 50, 1}: 1→50→1), as
/// nn::MLP, which runs a narrow Linear-ReLU-Linear (1→50→1) as one fused node on the CPU.
template <class D = kaon::cpu>
nn::MLP<float, D> relu_mlp(const std::vector<std::int64_t>& widths) {
  return nn::MLP<float, D>(widths.front(), {widths.begin() + 1, widths.end()});
}

/// A full-batch training step: zero_grad, forward, MSE loss, backward, optimiser step.
template <class D, class Model, class Optimizer>
struct Training {
  template <class Options>
  Training(Model m, Tensor<D> inputs, Tensor<D> targets, Options options)
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
  Tensor<D> x, y;
  Optimizer opt;
  nn::MSELoss<float, D> mse;
  Tensor<D> loss;  // the loss of the last step, computed before its update
};

template <class D = kaon::cpu>
using MlpAdam = Training<D, nn::MLP<float, D>, kaon::optim::Adam<float, D>>;
template <class D = kaon::cpu>
using MlpRprop = Training<D, nn::MLP<float, D>, kaon::optim::Rprop<float, D>>;
template <class D = kaon::cpu>
using LinearRprop = Training<D, nn::Linear<float, D>, kaon::optim::Rprop<float, D>>;

/// 1000 rows of y = sin(x) + noise.
template <class D>
std::pair<Tensor<D>, Tensor<D>> sin_data() {
  auto x = kaon::randn<float, D>({1000, 1});
  auto y = kaon::sin(x) + 0.1f * kaon::randn<float, D>({1000, 1});
  return {x, y};
}

/// The 1→50→1 ReLU network on sin_data, trained with these options (mlp_step, mlp_step_rprop).
template <class W, class D, class Options>
W sin_mlp(const Options& options) {
  kaon::manual_seed(0);
  auto [x, y] = sin_data<D>();
  return {relu_mlp<D>({1, 50, 1}), x, y, options};
}

/// mlp_step: 1→50→1 ReLU on 1000 rows, MSE, Adam(lr=0.01).
template <class D = kaon::cpu>
MlpAdam<D> mlp_step() {
  return sin_mlp<MlpAdam<D>, D>(kaon::optim::AdamOptions(0.01));
}

/// mlp_step_rprop: the same network and data with default Rprop.
template <class D = kaon::cpu>
MlpRprop<D> mlp_step_rprop() {
  return sin_mlp<MlpRprop<D>, D>(kaon::optim::RpropOptions());
}

/// linreg_step: Linear(2, 1) on 342 rows (the penguins' size), MSE, default Rprop.
template <class D = kaon::cpu>
LinearRprop<D> linreg_step() {
  kaon::manual_seed(0);
  auto x = kaon::randn<float, D>({342, 2});
  auto y = kaon::matmul(x, kaon::from_vector<float, D>({0.5f, -0.3f}, {2, 1})) + 0.2f +
           0.1f * kaon::randn<float, D>({342, 1});
  return {nn::Linear<float, D>(2, 1), x, y, kaon::optim::RpropOptions()};
}

/// mlp_medium: batch 256, 128→256→256→10 ReLU, MSE, Adam(lr=1e-3).
template <class D = kaon::cpu>
MlpAdam<D> mlp_medium() {
  kaon::manual_seed(0);
  auto x = kaon::randn<float, D>({256, 128});
  auto y = kaon::randn<float, D>({256, 10});
  return {relu_mlp<D>({128, 256, 256, 10}), x, y, kaon::optim::AdamOptions(1e-3)};
}

/// inference_small: the 1→50→1 network's forward on 1000 rows under NoGradGuard.
template <class D = kaon::cpu>
struct Inference {
  void run() {
    kaon::NoGradGuard no_grad;
    out = model(x);
  }
  nn::MLP<float, D> model;
  Tensor<D> x, out;
};
template <class D = kaon::cpu>
Inference<D> inference_small() {
  kaon::manual_seed(0);
  auto x = kaon::randn<float, D>({1000, 1});
  return {relu_mlp<D>({1, 50, 1}), x, {}};
}

/// projectile: 100 launch speeds and angles [100, 1] against 1000 times [1000].
template <class D = kaon::cpu>
struct Projectile {
  void run() {
    x = u0 * kaon::cos(theta) * t;
    y = u0 * kaon::sin(theta) * t - 4.9f * t * t;
  }
  Tensor<D> u0, theta, t, x, y;
};
template <class D = kaon::cpu>
Projectile<D> projectile() {
  kaon::manual_seed(0);
  auto u0 = 50 * kaon::rand<float, D>({100, 1});
  auto theta = 1.5707963f * kaon::rand<float, D>({100, 1});
  return {u0, theta, kaon::linspace<float, D>(0, 5, 1000), {}, {}};
}

/// gemm/n: c = a @ b for two [n, n] float matrices (2 n^3 flops).
template <class D = kaon::cpu>
struct Gemm {
  void run() { c = kaon::mm(a, b); }
  Tensor<D> a, b, c;
};
template <class D = kaon::cpu>
Gemm<D> gemm(std::int64_t n) {
  kaon::manual_seed(0);
  auto a = kaon::randn<float, D>({n, n});
  auto b = kaon::randn<float, D>({n, n});
  return {a, b, {}};
}

inline constexpr std::int64_t kLargeN = 10'000'000;

/// Two tensors of 10,000,000 uniform floats.
template <class D>
std::pair<Tensor<D>, Tensor<D>> large_pair() {
  kaon::manual_seed(0);
  auto a = kaon::rand<float, D>({kLargeN});
  auto b = kaon::rand<float, D>({kLargeN});
  return {a, b};
}

/// add_large: a += b on 10,000,000 floats, into the existing a (3 * 4 bytes per element).
template <class D = kaon::cpu>
struct AddInto {
  void run() { a += b; }
  Tensor<D> a, b;
};
template <class D = kaon::cpu>
AddInto<D> add_large() {
  auto [a, b] = large_pair<D>();
  return {a, b};
}

/// add_new: c = a + b on 10,000,000 floats, a new result each run (freed at the end of it).
template <class D = kaon::cpu>
struct AddNew {
  template <class Sink>
  void run(const Sink& sink) {
    const auto c = a + b;
    sink(c.data_ptr());
  }
  Tensor<D> a, b;
};
template <class D = kaon::cpu>
AddNew<D> add_new() {
  auto [a, b] = large_pair<D>();
  return {a, b};
}

/// add_small: add_new's c = a + b on two [1, 50] tensors: the fixed cost of one op (shape
/// logic, a cached allocation and the loop; on the GPU a kernel launch).
template <class D = kaon::cpu>
AddNew<D> add_small() {
  kaon::manual_seed(0);
  auto a = kaon::rand<float, D>({1, 50});
  auto b = kaon::rand<float, D>({1, 50});
  return {a, b};
}

/// tape: forward and backward of relu(a * b + c).sum() on [1, 50] tensors that require grad:
/// the fixed cost of recording four ops and running their backward (gradients accumulate).
template <class D = kaon::cpu>
struct Tape {
  void run() { kaon::relu(a * b + c).sum().backward(); }
  Tensor<D> a, b, c;
};
template <class D = kaon::cpu>
Tape<D> tape() {
  kaon::manual_seed(0);
  auto a = kaon::rand<float, D>({1, 50}).requires_grad_();
  auto b = kaon::rand<float, D>({1, 50}).requires_grad_();
  auto c = kaon::rand<float, D>({1, 50}).requires_grad_();
  return {a, b, c};
}

}  // namespace kaon_bench
