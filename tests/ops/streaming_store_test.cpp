// SPDX-License-Identifier: MIT
// Results larger than the last-level cache, which the CPU backend writes past the caches in
// tiles (backend/cpu/streaming_store.hpp): the tiling itself, at every offset and length around
// a tile's edges and for every element size, and whole ops on results that large, new or in
// place, on one thread and two, against the same arithmetic done here element by element.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <utility>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace streaming_store_test {

using kaon_test::ThreadCountGuard;

template <class T>
T value_at(std::int64_t i) {
  if constexpr (std::is_same_v<T, bool>)
    return i % 3 == 0;
  else
    return static_cast<T>(i % 1000 - 500);
}

template <class T>
T sentinel() {
  if constexpr (std::is_same_v<T, bool>)
    return true;
  else
    return static_cast<T>(7777);
}

TEMPLATE_TEST_CASE("streamed_range writes elements b to e once and nothing else, at any offset",
                   "[ops][streaming]", float, double, std::int64_t, bool) {
  using T = TestType;
  constexpr std::int64_t kTile =
      kaon::detail::kStreamTileBytes / static_cast<std::int64_t>(sizeof(T));
  constexpr std::int64_t kSize = 4 * kTile + 256;
  // A 64-byte aligned block, so `shift` decides where out stands against a line.
  auto block = kaon::empty<T>({kSize});
  T* base = block.data_ptr();
  for (const std::int64_t shift : {0, 1, 3, 7}) {
    T* out = base + shift;
    for (const std::int64_t b :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{5}, kTile - 1, kTile, kTile + 3}) {
      for (const std::int64_t len : {std::int64_t{0}, std::int64_t{1}, std::int64_t{15}, kTile - 1,
                                     kTile, kTile + 1, 3 * kTile + 5}) {
        const std::int64_t e = b + len;
        INFO("shift " << shift << ", [" << b << ", " << e << "), tile " << kTile);
        for (std::int64_t i = 0; i < kSize; ++i) base[i] = sentinel<T>();
        std::vector<std::pair<std::int64_t, std::int64_t>> calls;
        kaon::detail::streamed_range(out, b, e, [&](T* dst, std::int64_t i, std::int64_t n) {
          calls.emplace_back(i, n);
          for (std::int64_t j = 0; j < n; ++j) dst[j] = value_at<T>(i + j);
        });
        // The calls cover [b, e) in order, each element once.
        std::int64_t next = b;
        for (const auto& [i, n] : calls) {
          CHECK(i == next);
          CHECK(n > 0);
          next = i + n;
        }
        CHECK(next == (len > 0 ? e : b));
        std::int64_t wrong = 0;
        for (std::int64_t i = -shift; i < kSize - shift; ++i) {
          const bool inside = i >= b && i < e;
          if (out[i] != (inside ? value_at<T>(i) : sentinel<T>())) ++wrong;
        }
        CHECK(wrong == 0);
      }
    }
  }
}

/// n values in (-2, 2) that differ from element to element.
template <class T>
std::vector<T> wave(std::int64_t n, double phase) {
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = static_cast<T>(1.5 * std::sin(0.37 * i + phase) + 0.25);
  return v;
}

/// The elements where t differs from want.
template <class T>
std::int64_t mismatches(const kaon::Tensor<T>& t, const std::vector<T>& want) {
  const T* p = t.data_ptr();
  std::int64_t wrong = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    if (p[i] != want[i]) ++wrong;
  return wrong;
}

TEMPLATE_TEST_CASE("Results larger than the last-level cache hold the same values",
                   "[ops][streaming]", float, double) {
  using T = TestType;
  ThreadCountGuard guard;
  const std::size_t cache = kaon::detail::last_level_cache_bytes();
  if (cache > (std::size_t{256} << 20)) {
    WARN("a last-level cache of " << cache << " bytes: results that large are not tried here");
    return;
  }
  // An odd count, so the last range ends inside a tile and a 64-byte line.
  const auto n = static_cast<std::int64_t>(cache / sizeof(T)) + 1237;
  REQUIRE(kaon::detail::streams_output(static_cast<std::size_t>(n) * sizeof(T)));
  const auto av = wave<T>(n, 0.0), bv = wave<T>(n, 1.0), cv = wave<T>(n, 2.0);
  std::vector<T> sum(av.size()), fused_scalar(av.size()), fused_binary(av.size()),
      difference(av.size());
  for (std::size_t i = 0; i < av.size(); ++i) {
    sum[i] = static_cast<T>(av[i] + bv[i]);
    fused_scalar[i] = static_cast<T>(sum[i] * T(2));
    fused_binary[i] = static_cast<T>(sum[i] * cv[i]);
    difference[i] = static_cast<T>(av[i] - bv[i]);
  }
  for (const int threads : {1, 2}) {
    INFO(threads << " thread(s), " << n << " elements");
    kaon::set_num_threads(threads);
    const auto a = kaon::from_vector(av, {n}), b = kaon::from_vector(bv, {n});
    const auto c = kaon::from_vector(cv, {n});
    CHECK(mismatches(a + b, sum) == 0);                    // a new result
    CHECK(mismatches((a + b) * T(2), fused_scalar) == 0);  // written into the expiring a + b
    CHECK(mismatches((a + b) * c, fused_binary) == 0);
    CHECK(mismatches(a - b, difference) == 0);
    {
      // In place: the output is an input, so it is written through the caches.
      auto x = kaon::from_vector(av, {n});
      x += b;
      CHECK(mismatches(x, sum) == 0);
    }
  }
}

}  // namespace streaming_store_test
