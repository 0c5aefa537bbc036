// SPDX-License-Identifier: MIT
// Kernel launches: a 1-D grid sized for n work items (kernels loop grid-stride over the rest),
// checked right after the launch so a bad configuration or a missing kernel image for this GPU
// becomes a DeviceError naming the kernel, the file and the line.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kaon/backend/cuda/check.cuh"

namespace kaon::detail {

inline constexpr int kCudaThreads = 256;

/// Blocks for n items: one item per thread, at most 65535 blocks (grid-stride loops do the rest).
inline unsigned cuda_blocks(std::int64_t n) {
  return static_cast<unsigned>(
      std::clamp<std::int64_t>((n + kCudaThreads - 1) / kCudaThreads, 1, 65535));
}

/// The global thread index and the grid's stride, for grid-stride loops.
__device__ inline std::int64_t cuda_thread_index() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline std::int64_t cuda_grid_stride() {
  return static_cast<std::int64_t>(gridDim.x) * blockDim.x;
}

}  // namespace kaon::detail

/// Launches `kernel` (a __global__ function or a pointer to one) over n items on the default
/// stream and checks the launch. Nothing is launched for n == 0.
#define KAON_CUDA_LAUNCH(kernel, n, ...)                                                           \
  do {                                                                                             \
    const std::int64_t kaon_n_ = (n);                                                              \
    if (kaon_n_ > 0) {                                                                             \
      kernel<<<::kaon::detail::cuda_blocks(kaon_n_), ::kaon::detail::kCudaThreads>>>(__VA_ARGS__); \
      const cudaError_t kaon_status_ = cudaGetLastError();                                         \
      if (KAON_UNLIKELY(kaon_status_ != cudaSuccess))                                              \
        ::kaon::detail::throw_cuda_error(kaon_status_, "launch of " #kernel, __FILE__, __LINE__);  \
    }                                                                                              \
  } while (0)
