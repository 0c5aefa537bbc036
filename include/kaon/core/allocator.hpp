// SPDX-License-Identifier: MIT
// A caching allocator shared by every device: freed blocks go to a free list keyed by their
// size and are handed out again, so a training loop that makes the same shapes every step stops
// calling the system allocator (and, for big blocks, stops paying fresh page faults).
#pragma once

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace kaon {

/// Alignment of every block kaon allocates, in bytes (a cache line; AVX-512 friendly).
inline constexpr std::size_t kAlignment = 64;

namespace detail {

/// Wraps a raw allocator `Raw` (static `allocate(bytes)` and `deallocate(ptr, bytes)`) with
/// per-size free lists. Sizes are rounded up to kAlignment. Thread-safe.
template <class Raw>
class CachingAllocator {
 public:
  static CachingAllocator& instance() { return *slot(); }

  static std::size_t round(std::size_t bytes) {
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
  }

  void* allocate(std::size_t bytes) {
    bytes = round(bytes == 0 ? 1 : bytes);
    {
      std::lock_guard lock(mutex_);
      auto it = free_.find(bytes);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= bytes;
        return p;
      }
    }
    void* p = Raw::allocate(bytes);
    if (p == nullptr) {
      release_cached();
      p = Raw::allocate(bytes);
    }
    return p;
  }

  void deallocate(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    bytes = round(bytes == 0 ? 1 : bytes);
    std::lock_guard lock(mutex_);
    if (cached_bytes_ + bytes > limit_) {
      Raw::deallocate(p, bytes);
      return;
    }
    try {
      free_[bytes].push_back(p);
      cached_bytes_ += bytes;
    } catch (...) {
      Raw::deallocate(p, bytes);
    }
  }

  /// Returns every cached block to the system.
  void release_cached() noexcept {
    std::lock_guard lock(mutex_);
    for (auto& [bytes, list] : free_)
      for (void* p : list) Raw::deallocate(p, bytes);
    free_.clear();
    cached_bytes_ = 0;
  }

  [[nodiscard]] std::size_t cached_bytes() const {
    std::lock_guard lock(mutex_);
    return cached_bytes_;
  }

  /// Upper bound on the bytes kept in the cache; blocks freed beyond it go to the system.
  void set_limit(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    limit_ = bytes;
  }

 private:
  CachingAllocator() = default;

  /// Where the allocator is. Another thread may hold the lock when the program forks: the
  /// child starts an empty allocator of its own and leaves the copy alone.
  static CachingAllocator*& slot() {
    static CachingAllocator* a = [] {
#if defined(__unix__) || defined(__APPLE__)
      pthread_atfork(nullptr, nullptr, [] { slot() = new CachingAllocator; });
#endif
      return new CachingAllocator;  // never destroyed: tensors in statics
    }();
    return a;
  }

  mutable std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;
  std::size_t cached_bytes_ = 0;
  std::size_t limit_ = std::size_t{4} << 30;
};

/// The raw allocator of a device; each backend specialises it.
template <class Device>
struct raw_allocator;

}  // namespace detail
}  // namespace kaon
