// SPDX-License-Identifier: MIT
// Deferred element-wise results (core/deferred.hpp) must be invisible: every value equals the
// op-by-op result computed here with plain loops, whatever is written, viewed, fused, freed or
// read from other threads between the op and the first read.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <kaon/kaon.hpp>
#include <thread>
#include <vector>

#if defined(__unix__)
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#endif

#include "support/thread_count_guard.hpp"

using kaon_test::ThreadCountGuard;

namespace deferred_test {

using T = kaon::Tensor<float>;
constexpr std::int64_t kRows = 100, kCols = 1000;  // 100,000 elements: above kDeferMin
static_assert(kRows * kCols >= kaon::detail::kDeferMin);

bool deferred(const T& x) { return x.impl().storage->deferred(); }

/// The [kRows, kCols] grid g(i, j) computed with plain loops.
std::vector<float> grid(const std::function<float(std::int64_t, std::int64_t)>& g) {
  std::vector<float> v(static_cast<std::size_t>(kRows * kCols));
  for (std::int64_t i = 0; i < kRows; ++i)
    for (std::int64_t j = 0; j < kCols; ++j) v[static_cast<std::size_t>(i * kCols + j)] = g(i, j);
  return v;
}

/// Element-wise equality to 1 part in 10^6 (a compiler may contract a fused a * b - c).
bool close(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t k = 0; k < got.size(); ++k)
    if (std::abs(got[k] - want[k]) > 1e-6f * (1 + std::abs(want[k]))) return false;
  return true;
}

/// A column s [kRows, 1], a row t [kCols] and a row c [kCols], with their host copies.
struct Inputs {
  Inputs() {
    kaon::manual_seed(7);
    s = kaon::randn({kRows, 1});
    t = kaon::rand({kCols}) + 0.5f;
    c = kaon::randn({kCols});
    hs = s.to_vector();
    ht = t.to_vector();
    hc = c.to_vector();
  }
  float S(std::int64_t i) const { return hs[static_cast<std::size_t>(i)]; }
  float Tv(std::int64_t j) const { return ht[static_cast<std::size_t>(j)]; }
  float C(std::int64_t j) const { return hc[static_cast<std::size_t>(j)]; }
  T s, t, c;
  std::vector<float> hs, ht, hc;
};

TEST_CASE("A large element-wise result is computed when first read", "[core][deferred]") {
  Inputs in;
  const T z = in.s * in.t;
  CHECK(deferred(z));
  CHECK(z.shape() == kaon::Shape{kRows, kCols});
  CHECK(close(z.to_vector(), grid([&](auto i, auto j) { return in.S(i) * in.Tv(j); })));
  CHECK_FALSE(deferred(z));
  // Below kDeferMin an op computes at once.
  CHECK_FALSE(deferred(in.t * in.c));
}

TEST_CASE("An op on an expiring deferred result fuses with it", "[core][deferred]") {
  Inputs in;
  using Op = std::function<float(float, float)>;
  const std::vector<std::pair<const char*, Op>> firsts = {{"+", std::plus<float>()},
                                                          {"-", std::minus<float>()},
                                                          {"*", std::multiplies<float>()},
                                                          {"/", std::divides<float>()}};
  for (const auto& [name, f] : firsts) {
    INFO("first op " << name);
    const auto first = [&, name = std::string(name)] {
      if (name == "+") return in.s + in.t;
      if (name == "-") return in.s - in.t;
      if (name == "*") return in.s * in.t;
      return in.s / in.t;
    };
    const auto u = [&](auto i, auto j) { return f(in.S(i), in.Tv(j)); };
    CHECK(close((first() - in.c).to_vector(),
                grid([&](auto i, auto j) { return u(i, j) - in.C(j); })));
    CHECK(close((in.c - first()).to_vector(),
                grid([&](auto i, auto j) { return in.C(j) - u(i, j); })));
    CHECK(close((first() * in.c).to_vector(),
                grid([&](auto i, auto j) { return u(i, j) * in.C(j); })));
    CHECK(close((in.c / first()).to_vector(),
                grid([&](auto i, auto j) { return in.C(j) / u(i, j); })));
    CHECK(
        close((first() * 2.5f).to_vector(), grid([&](auto i, auto j) { return u(i, j) * 2.5f; })));
    CHECK(
        close((3.0f - first()).to_vector(), grid([&](auto i, auto j) { return 3.0f - u(i, j); })));
    CHECK(close((first() + 1.0).to_vector(), grid([&](auto i, auto j) { return u(i, j) + 1.0f; })));
  }
}

TEST_CASE("Longer chains, and an operand that is the result itself", "[core][deferred]") {
  Inputs in;
  // The projectile's y: a fused pair.
  const T y = in.s * in.t - 4.9f * in.t * in.t;
  CHECK(close(y.to_vector(), grid([&](auto i, auto j) {
                return in.S(i) * in.Tv(j) - 4.9f * in.Tv(j) * in.Tv(j);
              })));
  // A fused pair, then two more ops reading back what it wrote.
  const T z = (in.s * in.t - in.c) * 2.0f + in.c;
  CHECK(close(z.to_vector(), grid([&](auto i, auto j) {
                return (in.S(i) * in.Tv(j) - in.C(j)) * 2.0f + in.C(j);
              })));
  // Both operands are the expiring result: its square.
  T w = in.s * in.t;
  const T sq = std::move(w) * w;
  CHECK(close(sq.to_vector(), grid([&](auto i, auto j) {
                const float u = in.S(i) * in.Tv(j);
                return u * u;
              })));
  // A deferred input of a new result (computed when the op is called), released before the read.
  T a = in.s * in.t;
  const T e = kaon::exp(a * 0.1f);
  a = T();
  CHECK(close(e.to_vector(),
              grid([&](auto i, auto j) { return std::exp(in.S(i) * in.Tv(j) * 0.1f); })));
}

TEST_CASE("Writing to an input first computes the results that read it", "[core][deferred]") {
  Inputs in;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) - in.C(j); });
  SECTION("in-place ops") {
    const T z = in.s * in.t - in.c;
    in.t += 1.0f;
    in.c *= 3.0f;
    in.s += 2.0f;
    CHECK(close(z.to_vector(), want));
  }
  SECTION("fill_, zero_ and copy_") {
    const T z = in.s * in.t - in.c;
    in.t.fill_(9.0f);
    in.c.zero_();
    in.s.copy_(kaon::ones({kRows, 1}));
    CHECK(close(z.to_vector(), want));
  }
  SECTION("a pointer taken after the op") {  // computes z first
    const T z = in.s * in.t - in.c;
    float* p = in.t.data_ptr();
    for (std::int64_t j = 0; j < kCols; ++j) p[j] = -1.0f;
    CHECK(close(z.to_vector(), want));
  }
  SECTION("a view of an input") {
    const T z = in.s * in.t - in.c;
    in.t.slice(0, 0, 10).fill_(0.0f);
    in.s[3].fill_(5.0f);
    CHECK(close(z.to_vector(), want));
  }
  SECTION("an optimiser step on a parameter that a result reads") {
    auto param = in.t.clone().requires_grad_(true);
    kaon::optim::SGD<float> opt({param}, 0.5);
    kaon::Tensor<float> z;
    {
      kaon::NoGradGuard no_grad;
      z = in.s * param - in.c;
    }
    (param * param).sum().backward();
    opt.step();
    CHECK(close(z.to_vector(), want));
  }
  SECTION("the result itself, in place") {
    T z = in.s * in.t - in.c;
    z += 1.0f;
    CHECK(close(z.to_vector(),
                grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) - in.C(j) + 1.0f; })));
  }
}

TEST_CASE("No deferred work reads a block whose pointer the program took", "[core][deferred]") {
  Inputs in;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) - in.C(j); });
  SECTION("a pointer taken before the op, written after it") {
    float* p = in.t.data_ptr();
    const T z = in.s * in.t - in.c;
    CHECK_FALSE(deferred(z));
    for (std::int64_t j = 0; j < kCols; ++j) p[j] = -1.0f;
    CHECK(close(z.to_vector(), want));
  }
  SECTION("a pointer into a view, to the second operand of a pair that would fuse") {
    float* p = in.c.slice(0, 5, 10).data_ptr();
    const T z = in.s * in.t - in.c;
    p[0] = 1e6f;
    CHECK(close(z.to_vector(), want));
  }
  SECTION("a pointer to a deferred result computes it and keeps it open to writes") {
    T u = in.s * in.t;
    float* p = u.data_ptr();
    CHECK_FALSE(deferred(u));
    const T z = u - in.c;
    CHECK_FALSE(deferred(z));
    for (std::int64_t k = 0; k < kRows * kCols; ++k) p[k] = 0.0f;
    CHECK(close(z.to_vector(), want));
  }
  SECTION("reading the elements takes no pointer: results are still deferred") {
    CHECK(in.t.to_vector().size() == static_cast<std::size_t>(kCols));
    CHECK(std::isfinite((in.s.sum() + in.c.max()).item()));
    const T z = in.s * in.t - in.c;
    CHECK(deferred(z));
    CHECK(close(z.to_vector(), want));
  }
}

TEST_CASE("Views of a deferred result read its elements", "[core][deferred]") {
  Inputs in;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j); });
  const T z = in.s * in.t;
  const auto zt = z.t().contiguous().to_vector();
  CHECK(zt[1 * kRows + 2] == want[2 * kCols + 1]);
  CHECK(z[7].to_vector() == std::vector<float>(want.begin() + 7 * kCols, want.begin() + 8 * kCols));
  // A reshape that alone holds a deferred block joins its work with its own shape.
  const auto c2 = kaon::randn({kRows});
  const auto hc2 = c2.to_vector();
  T reshaped = (in.s * in.t).reshape({kCols, kRows});
  const T rs = std::move(reshaped) - c2;
  const auto hrs = rs.to_vector();
  bool same = true;
  for (std::size_t k = 0; k < hrs.size(); ++k)
    same = same && std::abs(hrs[k] - (want[k] - hc2[k % kRows])) <= 1e-6f * (1 + std::abs(want[k]));
  CHECK(same);
  // A slice that alone holds a deferred block, passed as an expiring operand: the op may not
  // join the block's work (it covers a part of it), so it computes the block and writes there.
  T row = (in.s * in.t)[4];
  const T r = std::move(row) - in.t;
  const auto got = r.to_vector();
  for (std::int64_t j = 0; j < kCols; ++j)
    CHECK(got[static_cast<std::size_t>(j)] == Approx(in.S(4) * in.Tv(j) - in.Tv(j)));
}

TEST_CASE("A loop that rewrites an expiring result keeps its work short", "[core][deferred]") {
  Inputs in;
  T x = in.s * in.t;
  for (int k = 0; k < 100; ++k) x = std::move(x) * 0.5f + 1.0f;
  auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j); });
  for (auto& v : want)
    for (int k = 0; k < 100; ++k) v = v * 0.5f + 1.0f;
  CHECK(close(x.to_vector(), want));
  // A new result computes its deferred inputs: y = y * 0.5f in a loop forms no chain.
  const T y0 = in.s * in.t;
  const T y1 = y0 * 0.5f;
  CHECK_FALSE(deferred(y0));
  CHECK(deferred(y1));
}

TEST_CASE("Deferred results of other types, and errors at the op", "[core][deferred]") {
  Inputs in;
  const auto mask = (in.s * in.t) > 0.5f;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) > 0.5f ? 1.0f : 0.0f; });
  CHECK(close(mask.to<float>().to_vector(), want));
  const auto wide = (in.s * in.t).to<double>() * 2.0;
  CHECK(wide.to_vector()[5] == Approx(2.0 * double(in.S(0) * in.Tv(5))));
  // Shapes are checked when the op is called, not when the result is read.
  CHECK_THROWS_AS(in.s * in.t - kaon::ones({kCols + 1}), kaon::ShapeError);
}

TEST_CASE("Autograd through large element-wise ops", "[core][deferred][autograd]") {
  Inputs in;
  auto w = kaon::ones({kRows, kCols}).requires_grad_(true);
  const auto y = ((w * in.t - in.c) * 2.0f).sum();
  y.backward();
  const auto g = w.grad().to_vector();
  CHECK(close(g, grid([&](auto, auto j) { return 2.0f * in.Tv(j); })));
}

TEST_CASE("Freed unread results free their inputs", "[core][deferred]") {
  Inputs in;
  const auto before = kaon::detail::live_storages().load();
  {
    T a = in.s * in.t;
    T b = kaon::exp(a);
    T d = std::move(a) - in.c;
    CHECK(deferred(b));
    CHECK(deferred(d));
  }
  CHECK(kaon::detail::live_storages().load() == before);
  // A later write to an input has nothing left to compute.
  in.t += 1.0f;
  CHECK(kaon::detail::live_storages().load() == before);
}

TEST_CASE("Deferred results across threads", "[core][deferred][threads]") {
  ThreadCountGuard threads;
  kaon::set_num_threads(2);
  Inputs in;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) - in.C(j); });
  SECTION("read from four threads at once") {
    const T z = in.s * in.t - in.c;
    std::vector<std::vector<float>> got(4);
    std::vector<std::thread> pool;
    for (std::size_t k = 0; k < got.size(); ++k)
      pool.emplace_back([&, k] { got[k] = z.to_vector(); });
    for (auto& th : pool) th.join();
    for (const auto& g : got) CHECK(close(g, want));
  }
  SECTION("made on one thread, an input written on another") {
    T z;
    std::thread([&] { z = in.s * in.t - in.c; }).join();
    std::thread([&] { in.t.fill_(0.0f); }).join();
    CHECK(close(z.to_vector(), want));
  }
  SECTION("a result computed in parallel chunks") {
    const auto big = kaon::rand({64, 1 << 14});
    const auto col = kaon::rand({64, 1});
    const auto r = big * col + 1.0f;
    const auto hb = big.to_vector(), hcol = col.to_vector(), hr = r.to_vector();
    bool same = true;
    for (std::size_t k = 0; k < hb.size(); ++k)
      same =
          same && std::abs(hr[k] - (hb[k] * hcol[k >> 14] + 1.0f)) <= 1e-6f * (1 + std::abs(hr[k]));
    CHECK(same);
  }
}

#if defined(__unix__)
/// Exit status of `child`, or -1 when it has not exited within 10 seconds (it is then killed).
int wait_for(pid_t child) {
  int status = 0;
  for (int k = 0; k < 1000; ++k) {
    const pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r < 0) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return -1;
}

TEST_CASE("A child of fork() computes deferred results while the parent's threads did",
          "[core][deferred][threads]") {
  ThreadCountGuard guard;
  kaon::set_num_threads(2);
  Inputs in;
  const auto want = grid([&](auto i, auto j) { return in.S(i) * in.Tv(j) - in.C(j); });
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> rounds{0};
  // Make and compute deferred results, and take and free blocks, without a pause, so fork()
  // often meets them in the middle of one: holding the deferred lock, or the allocator's.
  std::thread busy([&] {
    while (!stop.load()) {
      const T z = in.s * in.t - in.c;
      (void)z.sum();
      rounds.fetch_add(1);
    }
  });
  std::thread blocks([&] {
    while (!stop.load()) (void)kaon::empty<float>({256});
  });
  while (rounds.load() == 0) std::this_thread::yield();
  int failed = 0;
  for (int f = 0; f < 20; ++f) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const T z = in.s * in.t - in.c;
      _exit(deferred(z) && close(z.to_vector(), want) ? 0 : 1);
    }
    failed += wait_for(child) != 0;
  }
  stop = true;
  busy.join();
  blocks.join();
  CHECK(failed == 0);
}
#endif

}  // namespace deferred_test
