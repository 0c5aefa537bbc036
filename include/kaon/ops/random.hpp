// SPDX-License-Identifier: MIT
// Random factories drawing from the default generator (kaon::manual_seed): rand, randn,
// randint, randperm and their _like forms; get_rng_state and set_rng_state, to resume it.
#pragma once

#include <numeric>
#include <vector>

#include "kaon/core/random.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon {
namespace detail {
/// Fisher-Yates over 0 .. n-1 with the Philox stream (seed, counters offset .. offset+n-1).
template <class T = std::int64_t>
std::vector<T> permutation(std::int64_t n, std::uint64_t seed, std::uint64_t offset) {
  std::vector<T> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), T(0));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const Philox r = philox(seed, offset + static_cast<std::uint64_t>(i));
    const std::uint64_t bits = (std::uint64_t{r.v[0]} << 32) | r.v[1];
    std::swap(p[static_cast<std::size_t>(i)], p[bits % static_cast<std::uint64_t>(i + 1)]);
  }
  return p;
}

template <class T, class D, class Fn>
Tensor<T, D> draw(const char* op, const Shape& shape, Fn fn) {
  (void)checked_numel(op, shape);
  Tensor<T, D> t(shape);
  const auto n = t.numel();
  fn.seed = default_generator().seed;
  fn.offset = default_generator().reserve(static_cast<std::uint64_t>(n));
  backend<D>::generate(t.data_ptr(), n, fn);
  return t;
}
}  // namespace detail

/// The default generator's state, as torch.get_rng_state(): its seed and the next unused
/// counter, as the bits of an int64 tensor of 2. set_rng_state(state) resumes the stream exactly
/// there, so a checkpoint that saves it continues with the same draws.
template <class D = cpu>
Tensor<std::int64_t, D> get_rng_state() {
  const auto& g = detail::default_generator();
  return from_vector<std::int64_t, D>(
      {static_cast<std::int64_t>(g.seed.load()), static_cast<std::int64_t>(g.offset.load())});
}
/// Restores what get_rng_state() gave: a ValueError for a tensor that is not of shape [2].
template <class D>
void set_rng_state(const Tensor<std::int64_t, D>& state) {
  KAON_CHECK(state.defined() && state.shape() == Shape{2}, ValueError,
             "set_rng_state: expected the int64 tensor of shape [2] that get_rng_state gives, got ",
             state.defined() ? state.shape() : Shape{});
  const auto v = state.to_vector();
  detail::default_generator().seed = static_cast<std::uint64_t>(v[0]);
  detail::default_generator().offset = static_cast<std::uint64_t>(v[1]);
}

/// Uniform samples in [0, 1): kaon::rand({100, 1}), kaon::rand<double>({3}).
template <Element T = float, class D = cpu>
Tensor<T, D> rand(const Shape& shape) {
  static_assert(is_floating_v<T>, "rand: element type must be float or double");
  return detail::draw<T, D>("rand", shape, detail::UniformFn<T>{0, 0, T(0), T(1)});
}
/// Standard normal samples.
template <Element T = float, class D = cpu>
Tensor<T, D> randn(const Shape& shape) {
  static_assert(is_floating_v<T>, "randn: element type must be float or double");
  return detail::draw<T, D>("randn", shape, detail::NormalFn<T>{0, 0, T(0), T(1)});
}
template <class T, class D>
Tensor<T, D> rand_like(const Tensor<T, D>& x) {
  return rand<T, D>(x.shape());
}
template <class T, class D>
Tensor<T, D> randn_like(const Tensor<T, D>& x) {
  return randn<T, D>(x.shape());
}

/// Integers uniform in [low, high), int64 by default.
template <Element T = std::int64_t, class D = cpu>
Tensor<T, D> randint(std::int64_t low, std::int64_t high, const Shape& shape) {
  KAON_CHECK(low < high, ValueError, "randint: expected low < high, got low = ", low,
             " and high = ", high);
  return detail::draw<std::int64_t, D>("randint", shape, detail::RandintFn{0, 0, low, high})
      .template cast<T>();
}
/// Integers uniform in [0, high).
template <Element T = std::int64_t, class D = cpu>
Tensor<T, D> randint(std::int64_t high, const Shape& shape) {
  return randint<T, D>(0, high, shape);
}

/// A random permutation of 0 .. n-1 (Fisher-Yates on the default stream).
template <Element T = std::int64_t, class D = cpu>
Tensor<T, D> randperm(std::int64_t n) {
  KAON_CHECK(n >= 0, ValueError, "randperm: n must be non-negative, got ", n);
  auto& g = detail::default_generator();
  const std::uint64_t seed = g.seed, offset = g.reserve(static_cast<std::uint64_t>(n));
  return from_vector<T, D>(detail::permutation<T>(n, seed, offset));
}

}  // namespace kaon
