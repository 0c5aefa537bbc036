// SPDX-License-Identifier: MIT
// The examples' main: runs the example and turns a kaon::Error (a missing file, no usable GPU
// for the _cuda programs) into a message on stderr and exit status 1.
#pragma once

#include <iostream>
#include <kaon/core/error.hpp>

namespace examples {

template <class Body>
int run(const Body& body) {
  try {
    return body();
  } catch (const kaon::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace examples
