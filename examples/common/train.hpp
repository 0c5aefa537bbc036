// SPDX-License-Identifier: MIT
// The notebooks' full-batch training loop, shared by the examples:
//
//   for epoch in range(epochs):
//       optimizer.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); optimizer.step()
//       losses.append(loss.item())
#pragma once

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace examples {

/// Trains for `epochs` full-batch steps, printing "epoch e: loss l" every `print_every` epochs
/// (and the first); returns the loss of every epoch.
template <class Model, class Optimizer, class Loss, class X, class Y>
std::vector<double> train(Model& model, Optimizer& optimizer, const Loss& loss_fn, const X& x,
                          const Y& y, int epochs, int print_every, const std::string& name) {
  std::vector<double> losses;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    optimizer.zero_grad();
    auto loss = loss_fn(model(x), y);
    loss.backward();
    optimizer.step();
    losses.push_back(loss.item());
    if (epoch == 1 || epoch % print_every == 0) {
      std::cout << "  " << name << " epoch " << epoch << ": loss " << losses.back() << "\n";
    }
  }
  return losses;
}

/// 1, 2, ..., n as doubles: the x axis of a loss curve.
inline std::vector<double> epochs_axis(std::size_t n) {
  std::vector<double> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = static_cast<double>(i + 1);
  return e;
}

}  // namespace examples
