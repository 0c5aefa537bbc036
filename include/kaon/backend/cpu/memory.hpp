// SPDX-License-Identifier: MIT
// Host memory: 64-byte aligned blocks from the system, cached by the shared caching allocator.
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>

#include "kaon/core/allocator.hpp"
#include "kaon/core/device.hpp"
#include "kaon/core/error.hpp"

namespace kaon {
namespace detail {

template <>
struct raw_allocator<cpu> {
  static void* allocate(std::size_t bytes) { return std::aligned_alloc(kAlignment, bytes); }
  static void deallocate(void* p, std::size_t) noexcept { std::free(p); }
};

}  // namespace detail

/// Returns host blocks kaon keeps for reuse to the system (as torch.cuda.empty_cache does).
inline void empty_cache() {
  detail::CachingAllocator<detail::raw_allocator<cpu>>::instance().release_cached();
}

}  // namespace kaon
