// SPDX-License-Identifier: MIT
// The CUDA device policy: everything in <kaon/kaon.hpp> plus backend<cuda>, so that
// Tensor<T, kaon::cuda>, modules and optimisers on kaon::cuda work. Include it from .cu files
// that nvcc compiles (CMake: link kaon::cuda).
#pragma once

#if !defined(__CUDACC__)
#error "<kaon/cuda.cuh> needs nvcc: include it from a .cu file (CMake: link kaon::cuda)"
#endif

// kaon runs Eigen on the host only (CMake's kaon::cuda defines this too, for files that include
// Eigen before kaon).
#ifndef EIGEN_NO_CUDA
#define EIGEN_NO_CUDA
#endif

#include "kaon/core/device.hpp"

namespace kaon::detail {
template <>
struct backend_compiled<cuda> : std::true_type {};
}  // namespace kaon::detail

#include "kaon/kaon.hpp"
//
#include "kaon/backend/cuda/backend.cuh"
#include "kaon/backend/cuda/transfer.cuh"
