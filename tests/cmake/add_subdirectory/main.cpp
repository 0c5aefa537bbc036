// SPDX-License-Identifier: MIT
// Consumer check: a small kaon program that fails (non-zero exit) on a wrong result.
#include <iostream>
#include <kaon/kaon.hpp>
#include <kaon/version.hpp>

int main() {
  auto a = kaon::tensor<float>({1, 2, 3});
  auto b = a * 2.0f + a;
  float s = (b.sum()).item<float>();
  std::cout << b << "\n";
  std::cout << "sum = " << s << " (kaon " << KAON_VERSION << ")\n";
  if (s != 18.0f) {
    std::cerr << "expected sum 18, got " << s << "\n";
    return 1;
  }
  return 0;
}
