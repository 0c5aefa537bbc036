// SPDX-License-Identifier: MIT
// Compile-time benchmark (tools/compile_time.sh): tensors + autograd, the projectile broadcast,
// max() and one backward(). Fixed inputs, so its number is LibTorch's to float rounding.
#include <iostream>
#include <kaon/kaon.hpp>

int main() {
  auto u0 = kaon::linspace(10, 50, 100).reshape({100, 1}).requires_grad_();
  auto theta = kaon::linspace(0.1f, 1.5f, 100).reshape({100, 1}).requires_grad_();
  auto t = kaon::linspace(0, 5, 1000);
  auto x = u0 * kaon::cos(theta) * t;
  auto y = u0 * kaon::sin(theta) * t - 0.5f * 9.81f * kaon::pow(t, 2);
  auto reach = x.max() + y.max();
  reach.backward();
  std::cout << (u0.grad().sum() + theta.grad().sum()).item() << "\n";
}
