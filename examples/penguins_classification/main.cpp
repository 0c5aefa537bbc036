// SPDX-License-Identifier: MIT
// Exercise 4 on the CPU; usage: penguins_classification [output folder for the PNGs].
#include "penguins_classification.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run([&] {
    return examples::penguins_classification<kaon::cpu>(KAON_EXAMPLES_DIR "/data/penguins.csv",
                                                        plot::output_dir(argc, argv));
  });
}
