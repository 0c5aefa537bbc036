// SPDX-License-Identifier: MIT
// Deferred element-wise results. A large element-wise result on the CPU is not computed when
// the op returns: its storage holds the work and gets memory when first accessed. Two things
// follow, and both are what a hand-written loop does:
//   - an op on an expiring deferred result joins its work: `u0 * sin(theta) * t - 4.9f * t * t`
//     computes the product and the difference in one functor and stores each element of the
//     [100, 1000] result once, instead of storing the product and then overwriting it (stores
//     bound such loops: a second pass costs as much as the first);
//   - `x = a * b` over an old x gets its memory after the old x was released, so a loop that
//     recomputes x keeps writing the same block, which stays in cache.
// It is invisible to the program: accessing the elements computes them, and an op that
// writes to a tensor first computes every deferred result that reads it. A block whose
// pointer the program took (Tensor::data_ptr()) may be written through at any later time, so
// from then on no work that reads it is deferred: results computed from it are computed at
// once, as in PyTorch.
#pragma once

#include <cstdint>
#include <mutex>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace kaon::detail {

/// Results with fewer elements are computed at once: below this the per-op cost of deferring
/// (a work object, a lock) is not small against the op, and the result fits in cache anyway.
inline constexpr std::int64_t kDeferMin = std::int64_t{1} << 16;

/// The work of a deferred block: writes all of its elements to `out` (uninitialised memory).
class DeferredWork {
 public:
  DeferredWork() = default;
  DeferredWork(const DeferredWork&) = delete;
  DeferredWork& operator=(const DeferredWork&) = delete;
  virtual ~DeferredWork() = default;
  virtual void run(void* out) = 0;
};

/// Guards every deferred block's state: creating, extending and computing one. Recursive,
/// since computing a block computes its deferred inputs and releases them. fork() waits until
/// no thread holds it, so a child finds every block whole; the child's own thread cannot
/// unlock a recursive mutex its parent's thread locked, so it gets a new one.
inline std::recursive_mutex& deferred_mutex();

inline std::recursive_mutex*& deferred_mutex_slot() {
  static std::recursive_mutex* m = [] {
#if defined(__unix__) || defined(__APPLE__)
    pthread_atfork([] { deferred_mutex().lock(); }, [] { deferred_mutex().unlock(); },
                   [] { deferred_mutex_slot() = new std::recursive_mutex; });
#endif
    return new std::recursive_mutex;  // never destroyed: tensors in statics
  }();
  return m;
}

inline std::recursive_mutex& deferred_mutex() { return *deferred_mutex_slot(); }

}  // namespace kaon::detail
