// SPDX-License-Identifier: MIT
// Device tags. A device is a type, never a runtime value: Tensor<float, cpu> and
// Tensor<float, cuda> are different types, so mixing devices in one op does not compile.
#pragma once

#include <type_traits>

namespace kaon {

/// The host: Eigen-backed, multi-threaded above a size threshold.
struct cpu {
  static constexpr const char* name = "cpu";
};
/// An NVIDIA GPU; needs <kaon/cuda.cuh> included from a translation unit nvcc compiles.
struct cuda {
  static constexpr const char* name = "cuda";
};

namespace detail {
/// Whether the backend of device D is compiled into this translation unit: always for cpu; for
/// cuda only where <kaon/cuda.cuh> was included, which only nvcc can compile.
template <class D>
struct backend_compiled : std::is_same<D, cpu> {};
}  // namespace detail

template <class D>
inline constexpr bool is_device_v = std::is_same_v<D, cpu> || std::is_same_v<D, cuda>;

}  // namespace kaon
