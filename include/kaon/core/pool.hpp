// SPDX-License-Identifier: MIT
// A thread-local pool of small fixed-size blocks for the objects every op makes and frees: a
// tensor's Impl and Storage, an autograd node, a result's AutogradMeta. The seed workloads make
// dozens of those per training step; taking them from a free list instead of malloc is most of
// what an op's fixed cost can lose (DESIGN.md, "Performance stance").
//
//   auto impl = kaon::detail::make_pooled<Impl>();  // std::allocate_shared with PoolAllocator
//
// Blocks are plain ::operator new blocks, so one freed on another thread than it was allocated
// on simply joins that thread's lists; a thread's cached blocks are released when it exits.
// Under AddressSanitizer the pool steps aside, so use-after-free stays visible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

#include "kaon/core/macros.hpp"

namespace kaon::detail {

class ObjectPool {
 public:
  /// Sizes are served in classes of this many bytes, up to kMaxBytes; larger ones go to new.
  static constexpr std::size_t kGranule = 16;
  static constexpr std::size_t kMaxBytes = 1024;
  /// At most this many free blocks are kept per class and thread.
  static constexpr std::uint32_t kMaxCached = 4096;

  static void* allocate(std::size_t bytes) {
    if (Lists* l = lists_if_alive(bytes)) {
      const std::size_t c = size_class(bytes);
      if (Block* b = l->head[c]) {
        l->head[c] = b->next;
        --l->count[c];
        return b;
      }
    }
    // Small blocks always have their class's full size, whichever thread later frees them.
    return ::operator new(bytes <= kMaxBytes ? class_bytes(size_class(bytes)) : bytes);
  }

  static void deallocate(void* p, std::size_t bytes) noexcept {
    if (Lists* l = lists_if_alive(bytes)) {
      const std::size_t c = size_class(bytes);
      if (l->count[c] < kMaxCached) {
        l->head[c] = ::new (p) Block{l->head[c]};
        ++l->count[c];
        return;
      }
    }
    ::operator delete(p);  // unsized: the block may predate the thread's lists
  }

 private:
  struct Block {
    Block* next;
  };
  static constexpr std::size_t kClasses = kMaxBytes / kGranule;

  struct Lists {
    Block* head[kClasses] = {};
    std::uint32_t count[kClasses] = {};
    Lists() { state() = State::alive; }
    ~Lists() {
      state() = State::gone;
      for (std::size_t c = 0; c < kClasses; ++c)
        while (Block* b = head[c]) {
          head[c] = b->next;
          ::operator delete(b);
        }
    }
    Lists(const Lists&) = delete;
    Lists& operator=(const Lists&) = delete;
  };

  // A trivially destructible flag outlives the thread's Lists, so a block freed during thread
  // exit (a tensor in a thread_local or static destroyed after them) goes straight to delete.
  enum class State : std::uint8_t { unborn, alive, gone };
  static State& state() {
    thread_local State s = State::unborn;
    return s;
  }

  static constexpr std::size_t size_class(std::size_t bytes) {
    return bytes == 0 ? 0 : (bytes + kGranule - 1) / kGranule - 1;
  }
  static constexpr std::size_t class_bytes(std::size_t c) { return (c + 1) * kGranule; }

  static Lists* lists_if_alive(std::size_t bytes) {
#if KAON_ASAN
    (void)bytes;
    return nullptr;
#else
    if (bytes > kMaxBytes || state() == State::gone) return nullptr;
    thread_local Lists lists;
    return &lists;
#endif
  }
};

/// A std allocator on ObjectPool, for std::allocate_shared.
template <class T>
struct PoolAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                "PoolAllocator: over-aligned types need their own allocator");
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(std::size_t n) { return static_cast<T*>(ObjectPool::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { ObjectPool::deallocate(p, n * sizeof(T)); }
  template <class U>
  friend bool operator==(const PoolAllocator&, const PoolAllocator<U>&) {
    return true;
  }
};

/// std::make_shared with the object and its control block taken from the pool.
template <class T, class... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>{}, std::forward<Args>(args)...);
}

}  // namespace kaon::detail
