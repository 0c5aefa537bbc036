// SPDX-License-Identifier: MIT
// Random numbers: a counter-based Philox4x32-10 generator. Element i of a draw is a pure
// function of (seed, offset + i), so results do not depend on thread count or device, and the
// same functors fill host and device memory. kaon::manual_seed(n) restarts the default stream.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>

#include "kaon/core/macros.hpp"

namespace kaon {
namespace detail {

struct Philox {
  std::uint32_t v[4];
};

/// Philox4x32-10 (Salmon et al., SC'11) of counter `ctr` under key `key`.
KAON_HOST_DEVICE Philox philox(std::uint64_t key, std::uint64_t ctr) {
  std::uint32_t c0 = static_cast<std::uint32_t>(ctr), c1 = static_cast<std::uint32_t>(ctr >> 32);
  std::uint32_t c2 = 0, c3 = 0;
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c0;
    const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c2;
    const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32),
                        lo0 = static_cast<std::uint32_t>(p0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32),
                        lo1 = static_cast<std::uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

/// A uniform number in [0, 1) with the full mantissa of T, from two 32-bit words.
template <class T>
KAON_HOST_DEVICE T unit_uniform(std::uint32_t a, std::uint32_t b) {
  if constexpr (sizeof(T) == sizeof(float)) {
    (void)b;
    return static_cast<T>(a >> 8) * T(1.0 / 16777216.0);
  } else {
    const std::uint64_t bits = ((std::uint64_t{a} << 32) | b) >> 11;
    return static_cast<T>(bits) * T(1.0 / 9007199254740992.0);
  }
}

/// out[i] = U[lo, hi) from stream (seed, offset + i).
template <class T>
struct UniformFn {
  std::uint64_t seed, offset;
  T lo, hi;
  KAON_HOST_DEVICE T operator()(std::int64_t i) const {
    const Philox r = philox(seed, offset + static_cast<std::uint64_t>(i));
    const T u = lo + (hi - lo) * unit_uniform<T>(r.v[0], r.v[1]);
    return u < hi ? u : lo;  // rounding of lo + (hi - lo) * u may reach hi
  }
};

/// out[i] = N(mean, std) by the Box-Muller transform of two uniforms from stream element i.
template <class T>
struct NormalFn {
  std::uint64_t seed, offset;
  T mean, stddev;
  KAON_HOST_DEVICE T operator()(std::int64_t i) const {
    const Philox r = philox(seed, offset + static_cast<std::uint64_t>(i));
    const T u1 = T(1) - unit_uniform<T>(r.v[0], r.v[1]);  // (0, 1]: log stays finite
    const T u2 = unit_uniform<T>(r.v[2], r.v[3]);
    return mean + stddev * std::sqrt(T(-2) * std::log(u1)) * std::cos(T(6.283185307179586) * u2);
  }
};

/// out[i] = an integer uniform in [low, high) (high > low).
struct RandintFn {
  std::uint64_t seed, offset;
  std::int64_t low, high;
  KAON_HOST_DEVICE std::int64_t operator()(std::int64_t i) const {
    const Philox r = philox(seed, offset + static_cast<std::uint64_t>(i));
    const std::uint64_t bits = (std::uint64_t{r.v[0]} << 32) | r.v[1];
    const auto range = static_cast<std::uint64_t>(high - low);
    return low + static_cast<std::int64_t>(bits % range);
  }
};

/// The default generator: a seed and the next unused counter.
struct Generator {
  std::atomic<std::uint64_t> seed{67280421310721ULL};
  std::atomic<std::uint64_t> offset{0};

  /// Reserves n counters of the stream; returns (seed, first counter).
  std::uint64_t reserve(std::uint64_t n) { return offset.fetch_add(n); }
};

inline Generator& default_generator() {
  static Generator g;
  return g;
}

}  // namespace detail

/// Seeds the default generator; every later rand/randn/randint/randperm draw is reproducible.
inline void manual_seed(std::uint64_t seed) {
  detail::default_generator().seed = seed;
  detail::default_generator().offset = 0;
}

}  // namespace kaon
