// SPDX-License-Identifier: MIT
// A tour of kaon's tensor API, following exercise 1 of the teaching notebooks: tensors from
// lists, arithmetic with broadcasting, reductions, masks, and fake LHC four-vectors.
#include <iostream>
#include <kaon/kaon.hpp>

int main() {
  // torch.tensor([[1, 2, 3], [4, 5, 6]]) -> int64, shape [2, 3]
  auto m = kaon::tensor({{1, 2, 3}, {4, 5, 6}});
  std::cout << m << "\nshape " << m.shape() << ", dtype " << m.dtype_name() << "\n\n";

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

  // Projectiles: (100, 1) against (1000) broadcasts to (100, 1000).
  kaon::manual_seed(42);
  const float pi = 3.14159265f;
  auto u0 = 50.0f * kaon::rand({100, 1});
  auto theta = (pi / 2) * kaon::rand({100, 1});
  auto t = kaon::linspace(0, 5, 1000);
  auto x = u0 * kaon::cos(theta) * t;
  auto y = u0 * kaon::sin(theta) * t - 0.5f * 9.81f * kaon::pow(t, 2);
  std::cout << "trajectories x, y: " << x.shape() << ", highest point " << y.max().item()
            << " m\n\n";

  // Fake LHC data: px, py, pz ~ 100 N(0, 1), E = |p|, stacked to (10000, 4).
  const std::int64_t n = 10000;
  auto px = 100.0f * kaon::randn({n}), py = 100.0f * kaon::randn({n}),
       pz = 100.0f * kaon::randn({n});
  auto E = kaon::sqrt(px * px + py * py + pz * pz);
  auto data = kaon::stack({px, py, pz, E}, 1);
  std::cout << "four-vectors " << data.shape() << "\n"
            << "highest energy at row " << data.select(1, 3).argmax().item() << ", lowest at row "
            << data.select(1, 3).argmin().item() << "\n"
            << "pz closest to its mean at row " << kaon::abs(pz - pz.mean()).argmin().item()
            << "\n";
  auto pt = kaon::sqrt(px * px + py * py);
  std::cout << "fraction with pT > 50: " << (pt > 50).to<float>().mean().item() << "\n";
  auto z = (data - data.mean(0)) / data.std(0);
  std::cout << "z-scored column means " << z.mean(0) << "\n"
            << "z-scored column stds  " << z.std(0) << "\n";
  auto lo = data.min(0).values, hi = data.max(0).values;
  auto scaled = 2.0f * (data - lo) / (hi - lo) - 1.0f;
  std::cout << "[-1, 1] scaling: min " << scaled.min(0).values << ", max " << scaled.max(0).values
            << "\n";
  return 0;
}
