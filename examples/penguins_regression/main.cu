// SPDX-License-Identifier: MIT
// Exercises 2 and 3 on an NVIDIA GPU (kaon::cuda), built when CUDA is enabled.
// Usage: penguins_regression_cuda [output folder for the PNGs].
#include <kaon/cuda.cuh>

#include "penguins_regression.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run([&] {
    return examples::penguins_regression<kaon::cuda>(KAON_EXAMPLES_DIR "/data/penguins.csv",
                                                     plot::output_dir(argc, argv));
  });
}
