// SPDX-License-Identifier: MIT
// The exercise-2 polynomial bonus on an NVIDIA GPU (kaon::cuda), built when CUDA is enabled.
// Usage: polynomial_cuda [output folder for the PNGs].
#include <kaon/cuda.cuh>

#include "polynomial.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run(
      [&] { return examples::polynomial<kaon::cuda>(plot::output_dir(argc, argv)); });
}
