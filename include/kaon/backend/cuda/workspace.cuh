// SPDX-License-Identifier: MIT
// Scratch device memory for one library call (CUB's temporary storage, a counter), taken from and
// returned to the caching device allocator.
#pragma once

#include <cstddef>

#include "kaon/backend/cuda/memory.cuh"

namespace kaon::detail {

class CudaWorkspace {
 public:
  /// At least one byte: CUB reads a null buffer as a request for the size it needs.
  explicit CudaWorkspace(std::size_t bytes) : bytes_(bytes == 0 ? 1 : bytes) {
    data_ = CachingAllocator<raw_allocator<cuda>>::instance().allocate(bytes_);
    KAON_CHECK(data_ != nullptr, DeviceError, "allocate: out of memory for ", bytes_,
               " bytes of scratch space on cuda");
  }
  ~CudaWorkspace() { CachingAllocator<raw_allocator<cuda>>::instance().deallocate(data_, bytes_); }
  CudaWorkspace(const CudaWorkspace&) = delete;
  CudaWorkspace& operator=(const CudaWorkspace&) = delete;

  [[nodiscard]] void* data() const { return data_; }
  template <class T>
  [[nodiscard]] T* as() const {
    return static_cast<T*>(data_);
  }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace kaon::detail
