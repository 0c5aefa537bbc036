// SPDX-License-Identifier: MIT
// Exercise 1 on the CPU; usage: projectile [output folder for the PNGs].
#include "projectile.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  return examples::run(
      [&] { return examples::projectile<kaon::cpu>(plot::output_dir(argc, argv)); });
}
