// SPDX-License-Identifier: MIT
// Storage: one reference-counted block of device memory that tensors and their views share,
// with the version counter autograd uses to detect in-place changes of saved tensors.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "kaon/core/allocator.hpp"
#include "kaon/core/error.hpp"

namespace kaon::detail {

/// The number of live storage blocks of all devices (a debug counter for leak tests).
inline std::atomic<std::int64_t>& live_storages() {
  static std::atomic<std::int64_t> n{0};
  return n;
}

template <class Device>
class Storage {
 public:
  explicit Storage(std::size_t bytes) : bytes_(bytes) {
    data_ = CachingAllocator<raw_allocator<Device>>::instance().allocate(bytes);
    KAON_CHECK(data_ != nullptr, DeviceError, "allocate: out of memory for ", bytes, " bytes on ",
               Device::name);
    live_storages().fetch_add(1, std::memory_order_relaxed);
  }
  ~Storage() {
    CachingAllocator<raw_allocator<Device>>::instance().deallocate(data_, bytes_);
    live_storages().fetch_sub(1, std::memory_order_relaxed);
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// The elements (device memory for cuda).
  [[nodiscard]] void* data() const { return data_; }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] std::uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::uint64_t version_ = 0;
};

}  // namespace kaon::detail
