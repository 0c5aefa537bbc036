// SPDX-License-Identifier: MIT
// kaon's exceptions and the KAON_CHECK macro. Host code throws, never aborts; messages start with
// the op's name and print shapes in brackets, e.g. "matmul: inner dimensions differ: [2, 3] @ [4,
// 5]".
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "kaon/core/macros.hpp"

namespace kaon {

/// Base of every error kaon throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// Shapes that do not fit the op (broadcasting, matmul, reshape, masks).
class ShapeError : public Error {
 public:
  using Error::Error;
};
/// A value out of its domain: a bad option, a dim or index out of range, item() on many elements.
class ValueError : public Error {
 public:
  using Error::Error;
};
/// An index out of range (index_select, select, randint bounds).
class IndexError : public ValueError {
 public:
  using ValueError::ValueError;
};
/// A failure of the device runtime (CUDA, allocation).
class DeviceError : public Error {
 public:
  using Error::Error;
};
/// A file that cannot be read or written, or whose content is malformed.
class IOError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <class... Parts>
[[nodiscard]] std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
/// The failure branch of KAON_CHECK, out of line and marked cold, so that a check costs its
/// caller one compare and branch and small accessors stay small enough to inline.
template <class ErrorType, class... Parts>
[[noreturn]] KAON_COLD void raise(const Parts&... parts) {
  throw ErrorType(concat(parts...));
}
}  // namespace detail

}  // namespace kaon

/// Throws ErrorType with the streamed parts as its message when cond is false. The message is
/// built only on failure, so a check costs one branch on the hot path.
#define KAON_CHECK(cond, ErrorType, ...)             \
  do {                                               \
    if (KAON_UNLIKELY(!(cond))) {                    \
      ::kaon::detail::raise<ErrorType>(__VA_ARGS__); \
    }                                                \
  } while (0)
