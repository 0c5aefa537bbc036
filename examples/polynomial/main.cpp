// SPDX-License-Identifier: MIT
// The exercise-2 polynomial bonus on the CPU; usage: polynomial [output folder for the PNGs].
#include "polynomial.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run(
      [&] { return examples::polynomial<kaon::cpu>(plot::output_dir(argc, argv)); });
}
