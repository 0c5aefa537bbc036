// SPDX-License-Identifier: MIT
// LibTorch's side of mlp.cpp (tools/compile_time.sh), written as a PyTorch user writes it in C++.
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(1, 50), torch::nn::ReLU(),
                              torch::nn::Linear(50, 1));
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(0.01));
  auto x = torch::linspace(0, 1, 1000).reshape({-1, 1});
  auto y = torch::sin(6 * x);
  float last = 0;
  for (int epoch = 0; epoch < 200; ++epoch) {
    opt.zero_grad();
    auto loss = torch::nn::functional::mse_loss(model->forward(x), y);
    loss.backward();
    opt.step();
    last = loss.item<float>();
  }
  std::cout << last << "\n";
}
