// SPDX-License-Identifier: MIT
// Compile-time benchmark (tools/compile_time.sh): the kaon program of the README's "A first
// program", verbatim below this header.
#include <kaon/kaon.hpp>

#include <iostream>

int main() {
  kaon::manual_seed(0);
  auto u0 = 50 * kaon::rand({100, 1});
  auto theta = (3.14159265f / 2) * kaon::rand({100, 1});
  auto t = kaon::linspace(0, 5, 1000);
  auto x = u0 * kaon::cos(theta) * t;
  auto y = u0 * kaon::sin(theta) * t - 0.5f * 9.81f * kaon::pow(t, 2);
  std::cout << x.shape() << " " << y.max() << "\n";
}
