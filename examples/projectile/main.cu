// SPDX-License-Identifier: MIT
// Exercise 1 on an NVIDIA GPU (kaon::cuda), built when CUDA is enabled.
// Usage: projectile_cuda [output folder for the PNGs].
#include <kaon/cuda.cuh>

#include "projectile.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run(
      [&] { return examples::projectile<kaon::cuda>(plot::output_dir(argc, argv)); });
}
