// SPDX-License-Identifier: MIT
// LibTorch's side of tensors_autograd.cpp (tools/compile_time.sh), written as a PyTorch user
// writes it in C++.
#include <torch/torch.h>

#include <iostream>

int main() {
  auto u0 = torch::linspace(10, 50, 100).reshape({100, 1}).requires_grad_();
  auto theta = torch::linspace(0.1, 1.5, 100).reshape({100, 1}).requires_grad_();
  auto t = torch::linspace(0, 5, 1000);
  auto x = u0 * torch::cos(theta) * t;
  auto y = u0 * torch::sin(theta) * t - 0.5 * 9.81 * torch::pow(t, 2);
  auto reach = x.max() + y.max();
  reach.backward();
  std::cout << (u0.grad().sum() + theta.grad().sum()).item<float>() << "\n";
}
