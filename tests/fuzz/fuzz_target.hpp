// SPDX-License-Identifier: MIT
// What every fuzz target shares: libFuzzer calls KAON_FUZZ_TARGET's body with each input, and a
// kaon::Error thrown by it is the expected answer to a bad input. Anything else that leaves the
// body (another exception, a crash, a sanitizer report) is a finding: libFuzzer stops and saves
// the input. Build with clang++ -fsanitize=fuzzer,address,undefined (tests/fuzz/CMakeLists.txt).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <kaon/core/error.hpp>
#include <string>
#include <string_view>

namespace kaon_fuzz {
/// Writes `input` to this process's scratch file (in $TMPDIR, else /tmp) and returns its path,
/// for the readers that take a path; the file is removed when the process ends.
inline std::string as_file(std::string_view input, const char* extension) {
  struct Scratch {
    std::string path;
    ~Scratch() { std::remove(path.c_str()); }
  };
  static Scratch scratch{[&] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/kaon-fuzz-" + std::to_string(getpid()) +
           extension;
  }()};
  std::ofstream(scratch.path, std::ios::binary | std::ios::trunc)
      .write(input.data(), static_cast<std::streamsize>(input.size()));
  return scratch.path;
}

/// Runs `step`; a kaon::Error is an answer, so the next step runs too.
template <class Step>
void attempt(const Step& step) {
  try {
    step();
  } catch (const kaon::Error&) {
  }
}
}  // namespace kaon_fuzz

/// Defines LLVMFuzzerTestOneInput around a body that reads `std::string_view input`.
#define KAON_FUZZ_TARGET(body)                                                        \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    const std::string_view input(reinterpret_cast<const char*>(data), size);          \
    try {                                                                             \
      body                                                                            \
    } catch (const kaon::Error&) {                                                    \
    }                                                                                 \
    return 0;                                                                         \
  }
