// SPDX-License-Identifier: MIT
// parallel_for on the WorkerPool: every index once, however the loops meet. Loops nested in a
// chunk, loops from several threads at once and thousands of loops in a row must each cover
// their range exactly, and a thread count above the pool's grows it.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <thread>
#include <vector>

#include "support/thread_count_guard.hpp"

#if defined(__unix__)
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace worker_pool_test {

using kaon::detail::parallel_for;

// Adds 1 to hits[i] for every i in [0, n), through parallel_for with grain 1.
void count_into(std::vector<std::atomic<int>>& hits, std::int64_t n) {
  parallel_for(0, n, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) ++hits[static_cast<std::size_t>(i)];
  });
}

bool each_once(const std::vector<std::atomic<int>>& hits, int times = 1) {
  for (const auto& h : hits)
    if (h != times) return false;
  return true;
}

TEST_CASE("parallel_for covers every index once on the worker pool", "[core][threads]") {
  kaon_test::ThreadCountGuard guard;
  for (int threads : {2, 3, 8}) {
    kaon::set_num_threads(threads);
    for (std::int64_t n : {1, 2, 3, 7, 8, 9, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
      count_into(hits, n);
      INFO("threads " << threads << ", n " << n);
      REQUIRE(each_once(hits));
    }
  }
  // Thousands of loops in a row on the same workers.
  kaon::set_num_threads(3);
  std::vector<std::atomic<int>> hits(64);
  for (int round = 0; round < 2000; ++round) count_into(hits, 64);
  REQUIRE(each_once(hits, 2000));
}

TEST_CASE("parallel_for nested in a chunk runs on the thread that meets it", "[core][threads]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(4);
  constexpr std::int64_t kOuter = 8, kInner = 50;
  std::vector<std::atomic<int>> hits(static_cast<std::size_t>(kOuter * kInner));
  parallel_for(0, kOuter, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t o = b; o < e; ++o)
      parallel_for(0, kInner, 1, [&](std::int64_t ib, std::int64_t ie) {
        for (std::int64_t i = ib; i < ie; ++i) ++hits[static_cast<std::size_t>(o * kInner + i)];
      });
  });
  REQUIRE(each_once(hits));
}

TEST_CASE("parallel_for from several threads at once", "[core][threads]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(2);
  constexpr int kCallers = 4, kRounds = 300;
  constexpr std::int64_t kN = 97;
  std::vector<std::vector<std::atomic<int>>> hits;
  for (int c = 0; c < kCallers; ++c) hits.emplace_back(static_cast<std::size_t>(kN));
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c)
    callers.emplace_back([&, c] {
      for (int r = 0; r < kRounds; ++r) count_into(hits[static_cast<std::size_t>(c)], kN);
    });
  for (auto& t : callers) t.join();
  for (const auto& h : hits) REQUIRE(each_once(h, kRounds));

  // And kaon ops large enough to be split, from two threads: the same sums as on one.
  const auto a = kaon::arange<float>(0, 1 << 19) / float(1 << 19);
  const double want = (a * a).sum().item();
  std::vector<double> got(2);
  std::vector<std::thread> ops;
  for (int c = 0; c < 2; ++c)
    ops.emplace_back([&, c] {
      for (int r = 0; r < 20; ++r) got[static_cast<std::size_t>(c)] = (a * a).sum().item();
    });
  for (auto& t : ops) t.join();
  REQUIRE(got[0] == want);
  REQUIRE(got[1] == want);
}

#if defined(__unix__)
TEST_CASE("parallel_for in a child of fork() after the parent used the pool", "[core][threads]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(3);
  std::vector<std::atomic<int>> hits(100);
  count_into(hits, 100);  // the parent's workers exist now
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the child has none of them: a pool of its own must run the loop
    std::vector<std::atomic<int>> mine(100);
    count_into(mine, 100);
    _exit(each_once(mine) ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  count_into(hits, 100);
  REQUIRE(each_once(hits, 2));
}
#endif

}  // namespace worker_pool_test
