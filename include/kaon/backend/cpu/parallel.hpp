// SPDX-License-Identifier: MIT
// Host threading: work above a size threshold is split over kaon::get_num_threads() threads.
// Small tensors (the common case in kaon's workloads) never pay for a thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>

#include "kaon/backend/cpu/worker_pool.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/macros.hpp"

namespace kaon {

namespace detail {
inline std::atomic<int>& num_threads_setting() {
  static std::atomic<int> n{static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  return n;
}
}  // namespace detail

/// Sets how many host threads large element-wise ops, reductions and matrix products may use
/// (at least 1).
inline void set_num_threads(int n) {
  KAON_CHECK(n >= 1, ValueError, "set_num_threads: expected n >= 1, got ", n);
  detail::num_threads_setting() = n;
}
/// How many host threads kaon uses.
inline int get_num_threads() { return detail::num_threads_setting(); }

namespace detail {

/// Elements below which a loop stays on the calling thread.
inline constexpr std::int64_t kParallelGrain = std::int64_t{1} << 17;

/// Calls call(fn, b, e) on `chunks` chunks of [begin, end), shared between the calling thread
/// and the WorkerPool's threads; or once on the whole range, on this thread, when the pool is
/// taken (a loop nested in a chunk, or another thread's loop). Not a template: every
/// parallel loop shares this code, so a program compiles it once, not once per loop body.
inline void run_chunks(std::int64_t begin, std::int64_t end, std::int64_t chunks,
                       void (*call)(const void*, std::int64_t, std::int64_t), const void* fn) {
  if (!WorkerPool::instance().run(begin, end, chunks, call, fn)) call(fn, begin, end);
}

/// run_chunks for a callable fn; out of line, so that the serial path of parallel_for stays as
/// small as a plain call.
template <class Fn>
KAON_NOINLINE void threaded_for(std::int64_t begin, std::int64_t end, std::int64_t chunks,
                                const Fn& fn) {
  run_chunks(
      begin, end, chunks,
      [](const void* f, std::int64_t b, std::int64_t e) { (*static_cast<const Fn*>(f))(b, e); },
      &fn);
}

/// Calls fn(begin, end) on chunks of [begin, end); chunks run on separate threads when the
/// range holds more than `grain` items per thread. fn must not throw.
template <class Fn>
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain, const Fn& fn) {
  const std::int64_t n = end - begin;
  const std::int64_t chunks = std::min<std::int64_t>(get_num_threads(), grain > 0 ? n / grain : n);
  if (chunks <= 1) {
    if (n > 0) fn(begin, end);
    return;
  }
  threaded_for(begin, end, chunks, fn);
}

}  // namespace detail
}  // namespace kaon
