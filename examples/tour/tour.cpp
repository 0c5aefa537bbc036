// SPDX-License-Identifier: MIT
// A tour of kaon's tensor API, following sections 1 and 2 of exercise 1 of the teaching
// notebooks: tensors from lists, arithmetic, a shape error, stacking, masks and reductions.
#include <iostream>
#include <kaon/kaon.hpp>

int main() {
  // torch.tensor([[1, 2, 3], [4, 5, 6]]) -> int64, shape [2, 3]
  auto m = kaon::tensor({{1, 2, 3}, {4, 5, 6}});
  std::cout << m << "\nshape " << m.shape() << ", dtype " << m.dtype_name() << "\n";
  // x.is_cuda, x.device: the device is part of the type (kaon::cpu by default, kaon::cuda in a
  // .cu file), and x.to<kaon::cuda>() moves a tensor.
  std::cout << "is_cuda " << std::boolalpha << m.is_cuda() << ", device " << m.device() << "\n\n";

  // The exercise's arithmetic table.
  auto a = kaon::tensor({1, 2, 3});
  auto b = kaon::tensor({4, 5, 6});
  std::cout << "a + 2     = " << a + 2 << "\n"
            << "a / b     = " << a / b << "\n"
            << "b ** a    = " << kaon::pow(b, a) << "\n"
            << "sqrt(a)   = " << kaon::sqrt(a) << "\n"
            << "stack dim1:\n"
            << kaon::stack({a, b}, 1) << "\n"
            << "a[a > 1]  = " << a[a > 1] << "\n";
  try {
    std::cout << a + kaon::tensor({1, 2, 3, 4});
  } catch (const kaon::ShapeError& e) {
    std::cout << "a + [4 elements] -> kaon::ShapeError: " << e.what() << "\n\n";
  }

  // Section 2: combining and indexing.
  kaon::manual_seed(0);
  auto r = kaon::rand({100});
  std::cout << "cat        = " << kaon::cat({a, b}) << "\n"
            << "reshape    = " << a.reshape({-1, 1}).shape() << "\n"
            << "r > 0.5    : " << r[r > 0.5f].numel() << " of 100 elements\n"
            << "max, min   = " << r.max().item() << ", " << r.min().item() << "\n"
            << "argmax     = " << r.argmax().item() << "\n";
  // Tasks 1 and 2 of this exercise are the `projectile` example.
  return 0;
}
