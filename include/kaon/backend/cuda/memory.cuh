// SPDX-License-Identifier: MIT
// Device memory: blocks from cudaMalloc, cached by the same caching allocator the host uses, so a
// training loop that makes the same shapes every step stops calling cudaMalloc and cudaFree.
// Every kernel runs on the default stream, so a block freed while a kernel still reads it is
// handed out again only to work queued after that kernel.
#pragma once

#include <cstddef>

#include "kaon/backend/cuda/check.cuh"
#include "kaon/core/allocator.hpp"
#include "kaon/core/device.hpp"

namespace kaon {
namespace detail {

template <>
struct raw_allocator<cuda> {
  static void* allocate(std::size_t bytes) {
    require_cuda_device();
    void* p = nullptr;
    const cudaError_t status = cudaMalloc(&p, bytes);
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      return nullptr;  // the caching allocator releases its cache and tries once more
    }
    if (status != cudaSuccess) throw_cuda_error(status, "cudaMalloc", __FILE__, __LINE__);
    return p;
  }
  static void deallocate(void* p, std::size_t) noexcept {
    if (cudaFree(p) != cudaSuccess) cudaGetLastError();  // nothing to report from a destructor
  }
};

}  // namespace detail

/// Returns device blocks kaon keeps for reuse to the driver, as torch.cuda.empty_cache().
inline void cuda_empty_cache() {
  detail::CachingAllocator<detail::raw_allocator<cuda>>::instance().release_cached();
}

}  // namespace kaon
