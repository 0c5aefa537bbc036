// SPDX-License-Identifier: MIT
// Exercise 4 on an NVIDIA GPU (kaon::cuda), built when CUDA is enabled.
// Usage: penguins_classification_cuda [output folder for the PNGs].
#include <kaon/cuda.cuh>

#include "penguins_classification.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run([&] {
    return examples::penguins_classification<kaon::cuda>(KAON_EXAMPLES_DIR "/data/penguins.csv",
                                                         plot::output_dir(argc, argv));
  });
}
