// SPDX-License-Identifier: MIT
// LibTorch's side of readme_first.cpp (tools/compile_time.sh): the README's Python program as a
// PyTorch user writes it in C++.
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(0);
  auto u0 = 50 * torch::rand({100, 1});
  auto theta = (3.14159265 / 2) * torch::rand({100, 1});
  auto t = torch::linspace(0, 5, 1000);
  auto x = u0 * torch::cos(theta) * t;
  auto y = u0 * torch::sin(theta) * t - 0.5 * 9.81 * torch::pow(t, 2);
  std::cout << x.sizes() << " " << y.max() << "\n";
}
