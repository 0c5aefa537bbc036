// SPDX-License-Identifier: MIT
// Exercise 1 (1_Tensors.ipynb), tasks 1 and 2: projectile trajectories by broadcasting, and fake
// LHC four-vectors with argmax/argmin, a pT mask, z-scores and a [-1, 1] scaling.
// Written once for any device D; main.cpp runs it on the CPU.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <kaon/kaon.hpp>
#include <numbers>
#include <vector>

#include "plot.hpp"

namespace examples {

template <class D>
int projectile(const std::filesystem::path& out) {
  kaon::manual_seed(0);  // torch.manual_seed(0)

  // ---- Task 1: 100 projectiles, u0 ~ U[0, 50) m/s, theta ~ U[0, pi/2) ----------------------
  const auto pi = static_cast<float>(std::numbers::pi);
  auto u0 = 50 * kaon::rand<float, D>({100, 1});
  auto theta = pi / 2 * kaon::rand<float, D>({100, 1});
  auto t = kaon::linspace<float, D>(0, 5, 1000);
  // (100, 1) against (1000,) broadcasts to (100, 1000).
  auto x = u0 * kaon::cos(theta) * t;
  auto y = u0 * kaon::sin(theta) * t - 0.5f * 9.8f * t * t;
  std::cout << "Task 1: x " << x.shape() << ", y " << y.shape() << "\n"
            << "highest point: " << y.max().item() << " m\n"
            << "v0y of the first projectile: " << (u0 * kaon::sin(theta))[0].item() << " m/s\n";

  {
    plot::Figure fig(out / "projectile_trajectories.png",
                     {"100 projectiles (exercise 1, task 1)", "x (m)", "y (m)", 0, 260, 0, 130});
    for (std::int64_t i = 0; i < 100; ++i) {
      auto above = y[i] >= 0;  // the part of the flight above ground
      fig.line(x[i][above].template to<double>().to_vector(),
               y[i][above].template to<double>().to_vector(),
               static_cast<plot::Color>(plot::blue + i % 4), 1);
    }
  }

  // ---- Task 2: fake LHC data, px, py, pz = 100 randn, E = |p| (massless) -------------------
  const std::int64_t n = 10000;
  auto px = 100 * kaon::randn<float, D>({n});
  auto py = 100 * kaon::randn<float, D>({n});
  auto pz = 100 * kaon::randn<float, D>({n});
  auto energy = kaon::sqrt(px * px + py * py + pz * pz);
  auto data = kaon::stack({px, py, pz, energy}, 1);  // (10000, 4)
  std::cout << "\nTask 2: four-vectors " << data.shape() << "\n"
            << "index of the highest energy: " << data.select(1, 3).argmax().item() << "\n"
            << "index of the lowest energy: " << data.select(1, 3).argmin().item() << "\n"
            << "index of the pz closest to the mean: " << kaon::abs(pz - pz.mean()).argmin().item()
            << "\n";

  // Rows with pT = sqrt(px^2 + py^2) > 50 GeV: expect exp(-50^2 / (2 * 100^2)) = 0.8825.
  auto pt = kaon::sqrt(px * px + py * py);
  auto passing = data[pt > 50];
  std::cout << "rows passing pT > 50: " << passing.size(0) << "\n"
            << "fraction passing pT > 50: " << static_cast<double>(passing.size(0)) / n << "\n";

  // z-scores per column (torch.std is unbiased), then a [-1, 1] scaling from min(0), max(0).
  auto z = (data - data.mean(0)) / data.std(0);
  std::cout << "z-score column means: " << z.mean(0) << "\n"
            << "z-score column stds: " << z.std(0) << "\n";
  auto lo = data.min(0).values, hi = data.max(0).values;
  auto scaled = 2 * (data - lo) / (hi - lo) - 1;
  std::cout << "scaled column minima: " << scaled.min(0).values << "\n"
            << "scaled column maxima: " << scaled.max(0).values << "\n";
  std::cout << "scaled range excess over 1: " << (kaon::abs(scaled).max() - 1).item() << "\n";
  plot::note_if_unavailable();
  return 0;
}

}  // namespace examples
