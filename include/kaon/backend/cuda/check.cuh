// SPDX-License-Identifier: MIT
// Every CUDA runtime and cuBLAS call goes through KAON_CUDA_CHECK / KAON_CUBLAS_CHECK, which turn
// a failure into a kaon::DeviceError naming the call, the file and the line. Kernels never throw;
// each launch is checked right after it by KAON_CUDA_LAUNCH (backend/cuda/launch.cuh).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <mutex>
#include <string>

#include "kaon/core/error.hpp"

namespace kaon::detail {

[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file,
                                          int line) {
  cudaGetLastError();  // reset the runtime's last error, so the next launch check sees its own
  throw DeviceError(concat(call, " failed at ", file, ":", line, ": ", cudaGetErrorName(status),
                           " (", cudaGetErrorString(status), ")"));
}

[[noreturn]] inline void throw_cublas_error(cublasStatus_t status, const char* call,
                                            const char* file, int line) {
  throw DeviceError(concat(call, " failed at ", file, ":", line, ": ", cublasGetStatusName(status),
                           " (", cublasGetStatusString(status), ")"));
}

/// Checks once per process that a CUDA device can be used, so that a cuda program started on a
/// machine without one stops with a DeviceError at its first allocation instead of failing later.
inline void require_cuda_device() {
  static std::once_flag once;
  static std::string problem;
  std::call_once(once, [] {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      problem =
          concat("no usable CUDA device: cudaGetDeviceCount failed: ", cudaGetErrorName(status),
                 " (", cudaGetErrorString(status), ")");
      cudaGetLastError();  // clear the sticky error so later checks report their own calls
    } else if (count == 0) {
      problem = "no usable CUDA device: cudaGetDeviceCount found none";
    }
  });
  KAON_CHECK(problem.empty(), DeviceError, problem,
             "; Tensor<T, kaon::cuda> needs an NVIDIA GPU and its driver");
}

/// Whether a CUDA device can be used (for tests that skip themselves without one).
inline bool cuda_device_available() {
  try {
    require_cuda_device();
    return true;
  } catch (const DeviceError&) {
    return false;
  }
}

}  // namespace kaon::detail

#define KAON_CUDA_CHECK(call)                                                    \
  do {                                                                           \
    const cudaError_t kaon_status_ = (call);                                     \
    if (KAON_UNLIKELY(kaon_status_ != cudaSuccess))                              \
      ::kaon::detail::throw_cuda_error(kaon_status_, #call, __FILE__, __LINE__); \
  } while (0)

#define KAON_CUBLAS_CHECK(call)                                                    \
  do {                                                                             \
    const cublasStatus_t kaon_status_ = (call);                                    \
    if (KAON_UNLIKELY(kaon_status_ != CUBLAS_STATUS_SUCCESS))                      \
      ::kaon::detail::throw_cublas_error(kaon_status_, #call, __FILE__, __LINE__); \
  } while (0)
