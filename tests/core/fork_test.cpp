// SPDX-License-Identifier: MIT
// A child of fork() keeps training while the parent's threads were inside kaon: the worker pool
// and the caching allocator re-create themselves in the child (their locks may have been held
// by a parent thread that the child does not have).
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>

#if defined(__unix__)
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "support/thread_count_guard.hpp"

namespace fork_test {

// The AddressSanitizer allocator (GCC 12's and Clang 14's) takes no lock around fork(): a child
// forked while another thread is inside malloc waits for that lock forever (seen here in one child
// of ten). Under ASan the parent's threads are therefore stopped before each fork; they still leave
// the pool and the allocator used, and the build without sanitizers forks while they run.
#if KAON_ASAN
constexpr bool kForkWhileBusy = false;
#else
constexpr bool kForkWhileBusy = true;
#endif

/// Exit status of `child`, or -1 when it has not exited within 120 seconds (it is then killed):
/// under the sanitizers, with the parent's two busy threads on a two-core machine, a child can
/// be slow.
int wait_for(pid_t child) {
  int status = 0;
  for (int k = 0; k < 12000; ++k) {
    const pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r < 0) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return -1;
}

/// Fits y = sin(3x) with a 1-50-1 MLP and Adam for `steps` steps; returns the last loss.
float train(int steps) {
  kaon::manual_seed(3);
  kaon::nn::Sequential model(kaon::nn::Linear(1, 50), kaon::nn::ReLU(), kaon::nn::Linear(50, 1));
  kaon::optim::Adam opt(model.parameters(), kaon::optim::AdamOptions(0.01));
  const auto x = kaon::linspace(-1, 1, 512).reshape({-1, 1});
  const auto y = kaon::sin(3 * x);
  float loss = 0;
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    auto l = kaon::nn::functional::mse_loss(model(x), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return loss;
}

}  // namespace fork_test

TEST_CASE("A child of fork() keeps training while the parent's threads use the pool",
          "[core][threads]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(2);
  const float want = fork_test::train(10);
  int failed = 0;
  for (int f = 0; f < 10; ++f) {
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> rounds{0};
    // Large ops on the worker pool and blocks taken and freed without a pause, so fork() often
    // meets a parent thread inside the pool's or the allocator's lock.
    std::thread busy([&] {
      const auto a = kaon::rand({1 << 19});
      while (!stop.load()) {
        (void)(a * 2.0f + 1.0f).sum();
        rounds.fetch_add(1);
      }
    });
    std::thread blocks([&] {
      while (!stop.load()) (void)kaon::empty<float>({256});
    });
    while (rounds.load() < 2) std::this_thread::yield();
    const auto join = [&] {
      stop = true;
      busy.join();
      blocks.join();
    };
    if (!fork_test::kForkWhileBusy) join();
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) _exit(fork_test::train(10) == want ? 0 : 1);
    if (fork_test::kForkWhileBusy) join();
    failed += fork_test::wait_for(child) != 0;
  }
  CHECK(failed == 0);
}
#endif
