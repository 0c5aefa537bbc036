// SPDX-License-Identifier: MIT
// Exercises 2 and 3 on the CPU; usage: penguins_regression [output folder for the PNGs].
#include "penguins_regression.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run([&] {
    return examples::penguins_regression<kaon::cpu>(KAON_EXAMPLES_DIR "/data/penguins.csv",
                                                    plot::output_dir(argc, argv));
  });
}
