// SPDX-License-Identifier: MIT
// Compile-time benchmark (tools/compile_time.sh): a first training program, a 1->50->1 ReLU
// network fitting sin(6x) with Adam(lr=0.01) and MSE for 200 epochs; prints the last loss.
#include <iostream>
#include <kaon/kaon.hpp>

int main() {
  kaon::manual_seed(0);
  kaon::nn::Sequential model(kaon::nn::Linear(1, 50), kaon::nn::ReLU(), kaon::nn::Linear(50, 1));
  kaon::optim::Adam opt(model.parameters(), kaon::optim::AdamOptions(0.01));
  auto x = kaon::linspace(0, 1, 1000).reshape({-1, 1});
  auto y = kaon::sin(6 * x);
  float last = 0;
  for (int epoch = 0; epoch < 200; ++epoch) {
    opt.zero_grad();
    auto loss = kaon::nn::functional::mse_loss(model(x), y);
    loss.backward();
    opt.step();
    last = loss.item();
  }
  std::cout << last << "\n";
}
