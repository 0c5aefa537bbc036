// SPDX-License-Identifier: MIT
// The host threads behind parallel_for: started on first use, kept for the rest of the program
// and woken for each parallel loop. Starting a thread per loop cost 60-100 us on a virtual
// machine, more than a loop over 2^18 floats takes on one thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace kaon::detail {

class WorkerPool {
 public:
  using Call = void (*)(const void*, std::int64_t, std::int64_t);

  /// The program's pool. It is never destroyed: its threads wait on it until the process ends,
  /// and a loop run from a static destructor still finds it.
  static WorkerPool& instance() {
    static WorkerPool*& pool = current();
    return *pool;
  }

  /// Calls call(fn, b, e) on `chunks` chunks of [begin, end), on the calling thread and
  /// chunks - 1 workers, and returns when all are done. Returns false without calling anything
  /// when the pool is taken: by another thread's loop, or by the loop that this call is nested
  /// in.
  bool run(std::int64_t begin, std::int64_t end, std::int64_t chunks, Call call, const void* fn) {
    if (inside_loop()) return false;
    std::unique_lock<std::mutex> owner(owner_, std::try_to_lock);
    if (!owner.owns_lock()) return false;
    inside_loop() = true;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Workers still holding the previous loop (they found it finished) let go of it first.
      idle_.wait(lock, [&] { return active_ == 0; });
      // Chunks go to whoever is free, so a thread that cannot be started only costs speed.
      try {
        while (static_cast<std::int64_t>(workers_.size()) < chunks - 1)
          workers_.emplace_back([this, seen = generation_.load()] { work(seen); });
      } catch (const std::system_error&) {
      }
      job_ = Job{call, fn, begin, end, (end - begin + chunks - 1) / chunks, chunks};
      next_ = 0, done_ = 0;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    take(job_);
    if (!spin_until([&] { return done_ == chunks; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return done_ == chunks; });
    }
    inside_loop() = false;
    return true;
  }

 private:
  struct Job {
    Call call = nullptr;
    const void* fn = nullptr;
    std::int64_t begin = 0, end = 0, step = 0, chunks = 0;
  };

  WorkerPool() = default;

  /// Where the pool is. A child of fork() has none of the parent's workers, and the
  /// parent's locks may have been held when it forked: the child starts a pool of its own and
  /// leaves the copy alone.
  static WorkerPool*& current() {
    static WorkerPool* pool = [] {
#if defined(__unix__) || defined(__APPLE__)
      pthread_atfork(nullptr, nullptr, [] { current() = new WorkerPool; });
#endif
      return new WorkerPool;
    }();
    return pool;
  }

  /// True on a worker, and on a thread while its loop runs: a loop nested in a chunk runs on
  /// the thread that meets it.
  static bool& inside_loop() {
    thread_local bool inside = false;
    return inside;
  }

  /// Runs chunks of `job` until none is left.
  void take(const Job& job) {
    for (std::int64_t c = next_++; c < job.chunks; c = next_++) {
      const std::int64_t b = job.begin + c * job.step, e = std::min(job.end, b + job.step);
      if (b < e) job.call(job.fn, b, e);
      if (++done_ == job.chunks) {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.notify_all();
      }
    }
  }

  /// Waits up to about 50 us for `ready` before the caller blocks: a training step runs its
  /// loops back to back, and a thread woken from a condition variable takes 10-20 us to run.
  template <class Ready>
  static bool spin_until(const Ready& ready) {
    constexpr int kSpins = 4000;
    for (int i = 0; i < kSpins; ++i) {
      if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#else
      std::this_thread::yield();
#endif
    }
    return ready();
  }

  void work(std::uint64_t seen) {
    inside_loop() = true;
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      seen = generation_.load(std::memory_order_relaxed);
      const Job job = job_;
      ++active_;
      lock.unlock();
      take(job);
      lock.lock();
      if (--active_ == 0) idle_.notify_all();
    }
  }

  std::mutex owner_;  // held by the thread whose loop the pool runs
  std::mutex mutex_;  // guards job_, generation_, active_ and the workers list
  std::condition_variable wake_, finished_, idle_;
  std::vector<std::thread> workers_;
  Job job_;
  std::atomic<std::uint64_t> generation_{0};  // written under mutex_, read by spinning workers
  int active_ = 0;  // workers between taking a copy of job_ and finishing with it
  std::atomic<std::int64_t> next_{0}, done_{0};
};

}  // namespace kaon::detail
