// SPDX-License-Identifier: MIT
// Reductions over long dense slices, which the CPU backend takes in blocks (max, min, argmax,
// argmin) and, for one slice, in chunks on every thread (those and sum, prod, all, any); and
// arg-reductions over a dim that is not the last, which sweep the rows of many columns at once.
// Each input is built so that its answer is known: a background in (-1, 1) with larger values,
// ties, infinities and NaNs planted at chosen places (around block and chunk edges), or sums with a
// closed form. PyTorch's rules decide: the first index of equal values, and the first NaN beats
// everything.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <limits>
#include <utility>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace long_slice_reduce_test {

using kaon_test::ThreadCountGuard;

/// n values in (-1, 1), none repeated in practice.
template <class T>
std::vector<T> background(std::int64_t n) {
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = static_cast<T>(std::sin(0.37 * i));
  return v;
}

template <class T>
void plant(std::vector<T>& v, std::int64_t at, T value) {
  v[static_cast<std::size_t>(at)] = value;
}

template <class T>
kaon::Tensor<T> as_tensor(const std::vector<T>& v) {
  return kaon::from_vector(v, {static_cast<std::int64_t>(v.size())});
}

/// argmax and max of v must be (at, v[at]); argmin and min of -v the same.
template <class T>
void check_both_ways(const std::vector<T>& v, std::int64_t at) {
  const auto x = as_tensor(v);
  const T want = v[static_cast<std::size_t>(at)];
  CHECK(x.argmax().item() == at);
  CHECK((-x).argmin().item() == at);
  if (std::isnan(static_cast<double>(want))) {
    CHECK(std::isnan(static_cast<double>(x.max().item())));
    CHECK(std::isnan(static_cast<double>((-x).min().item())));
  } else {
    CHECK(x.max().item() == want);
    CHECK((-x).min().item() == -want);
  }
}

TEMPLATE_TEST_CASE("Long slices: the first of equal values, and the first NaN", "[ops][reduce]",
                   float, double) {
  using T = TestType;
  const std::int64_t n = 10 * 1024 + 77;  // blocks of 1024 and a partial one
  SECTION("ties in later blocks keep the first") {
    auto v = background<T>(n);
    plant(v, 3000, T(5));
    plant(v, 3001, T(5));
    plant(v, 9000, T(5));
    check_both_ways(v, 3000);
  }
  SECTION("the best at a block's last element, at the very end, at the start") {
    for (const std::int64_t at : {std::int64_t{2047}, std::int64_t{2048}, n - 1, std::int64_t{0}}) {
      auto v = background<T>(n);
      plant(v, at, T(2));
      check_both_ways(v, at);
    }
  }
  SECTION("a NaN after the largest value, and a second NaN") {
    auto v = background<T>(n);
    plant(v, 1500, T(9));
    plant(v, 4100, std::numeric_limits<T>::quiet_NaN());
    plant(v, 4101, std::numeric_limits<T>::quiet_NaN());
    plant(v, 8000, std::numeric_limits<T>::infinity());
    check_both_ways(v, 4100);
  }
  SECTION("a NaN first") {
    auto v = background<T>(n);
    plant(v, 0, std::numeric_limits<T>::quiet_NaN());
    plant(v, 5000, T(7));
    check_both_ways(v, 0);
  }
  SECTION("infinities: the first +inf, with -inf around") {
    auto v = background<T>(n);
    plant(v, 100, -std::numeric_limits<T>::infinity());
    plant(v, 6000, std::numeric_limits<T>::infinity());
    plant(v, 6001, std::numeric_limits<T>::infinity());
    plant(v, 7000, -std::numeric_limits<T>::infinity());
    check_both_ways(v, 6000);
  }
  SECTION("every value equal") {
    check_both_ways(std::vector<T>(static_cast<std::size_t>(n), T(-3)), 0);
  }
}

TEST_CASE("Long slices of integers", "[ops][reduce]") {
  const std::int64_t n = 5000;
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = (i * 7919) % 1000;
  plant(v, 2500, std::int64_t{1000});
  plant(v, 4999, std::int64_t{1000});
  check_both_ways(v, 2500);
  std::vector<std::int64_t> w(static_cast<std::size_t>(n), 4);
  plant(w, 1023, std::int64_t{5});
  plant(w, 1024, std::int64_t{5});
  check_both_ways(w, 1023);
}

TEST_CASE("One long slice in chunks on every thread gives the same answer",
          "[ops][reduce][threads]") {
  ThreadCountGuard guard;
  const std::int64_t n = 3 * (std::int64_t{1} << 17) + 123;  // four chunks of 2^17
  auto v = background<float>(n);
  // Equal largest values in the second and fourth chunks, the smallest likewise.
  plant(v, (std::int64_t{1} << 17) + 5, 4.0f);
  plant(v, 3 * (std::int64_t{1} << 17) + 1, 4.0f);
  for (const int threads : {1, 2, 3}) {
    kaon::set_num_threads(threads);
    check_both_ways(v, (std::int64_t{1} << 17) + 5);
    auto w = v;
    plant(w, n - 2, std::numeric_limits<float>::quiet_NaN());
    plant(w, 2 * (std::int64_t{1} << 17) + 9, std::numeric_limits<float>::quiet_NaN());
    check_both_ways(w, 2 * (std::int64_t{1} << 17) + 9);
  }
}

TEST_CASE("Long rows: max and argmax over the last dim", "[ops][reduce]") {
  const std::int64_t rows = 4, cols = 4096;
  auto v = background<float>(rows * cols);
  const std::vector<std::int64_t> at{10, 1024, 4095, 2000};
  for (std::int64_t r = 0; r < rows; ++r) {
    plant(v, r * cols + at[static_cast<std::size_t>(r)], 3.0f);
    plant(v, r * cols + 4000, 3.0f);  // a tie after it; row 2's would come first: undone below
  }
  plant(v, 2 * cols + 4000, 1.0f);
  const auto x = kaon::from_vector(v, {rows, cols});
  const auto [values, indices] = x.max(1);
  CHECK(indices.to_vector() == at);
  CHECK(values.to_vector() == std::vector<float>(4, 3.0f));
  CHECK(x.argmax(1).to_vector() == at);
  CHECK((-x).argmin(1, true).to_vector() == at);
}

TEST_CASE("One long slice folded in chunks on every thread", "[ops][reduce][threads]") {
  ThreadCountGuard guard;
  const std::int64_t n = 3 * (std::int64_t{1} << 17) + 123;
  const auto ramp = kaon::arange<double>(0, static_cast<double>(n));
  const auto wave = kaon::from_vector(background<double>(n), {n});
  auto flags = kaon::ones<bool>({n});
  auto ones = kaon::ones<float>({n});
  const double wave_one_thread = wave.sum().item();
  for (const int threads : {1, 2, 3}) {
    kaon::set_num_threads(threads);
    CHECK(ramp.sum().item() == static_cast<double>(n) * (n - 1) / 2);  // exact in double
    CHECK(ramp.to<float>().sum().item() ==
          static_cast<float>(static_cast<double>(n) * (n - 1) / 2));
    CHECK(ramp.to<std::int64_t>().sum().item() == n * (n - 1) / 2);
    CHECK(wave.sum().item() == wave_one_thread);  // the same association on any thread count
    CHECK(flags.all().item());
    CHECK_FALSE((~flags).any().item());
    flags[n - 2].fill_(false);
    CHECK_FALSE(flags.all().item());
    CHECK((~flags).any().item());
    flags[n - 2].fill_(true);
    ones[(std::int64_t{1} << 17) + 1].fill_(2.0f);
    ones[2 * (std::int64_t{1} << 17) + 1].fill_(0.5f);
    ones[n - 1].fill_(8.0f);
    CHECK(ones.prod().item() == 8.0f);
    ones.fill_(1.0f);
  }
}

TEST_CASE("A tall block folded over its rows on every thread", "[ops][reduce][threads]") {
  ThreadCountGuard guard;
  // Narrow rows go in chunks of rows, wide ones in ranges of columns; both are large enough.
  for (const auto& [rows, cols] : {std::pair<std::int64_t, std::int64_t>{200'000, 3},
                                   std::pair<std::int64_t, std::int64_t>{300, 2000}}) {
    // ramp[i, j] = i + j: column j sums to rows (rows - 1) / 2 + j rows, exact in double.
    const auto ramp = kaon::arange<double>(0, static_cast<double>(rows)).reshape({rows, 1}) +
                      kaon::arange<double>(0, static_cast<double>(cols));
    std::vector<double> want(static_cast<std::size_t>(cols));
    for (std::int64_t j = 0; j < cols; ++j)
      want[static_cast<std::size_t>(j)] = static_cast<double>(rows) * (rows - 1) / 2 + j * rows;
    const auto wave = kaon::from_vector(background<double>(rows * cols), {rows, cols});
    auto flags = kaon::ones<bool>({rows, cols});
    kaon::set_num_threads(1);
    const auto wave_one_thread = wave.sum(0).to_vector();
    for (const int threads : {1, 2, 3}) {
      kaon::set_num_threads(threads);
      CHECK(ramp.sum(0).to_vector() == want);
      CHECK(ramp.to<std::int64_t>().sum(0).to<double>().to_vector() == want);
      CHECK(wave.sum(0).to_vector() == wave_one_thread);
      flags[rows - 1][cols - 1].fill_(false);
      const auto all = flags.all(0).to_vector();
      CHECK_FALSE(all.back());
      CHECK(std::count(all.begin(), all.end(), true) == cols - 1);
      CHECK((~flags).any(0).to_vector().back());
      flags.fill_(true);
    }
  }
}

/// Along `dim` of x (v's values, x's shape): argmax, max(dim) and argmin of -x give `want`,
/// and max(dim)'s values are v at those places (NaN where v is NaN).
template <class T>
void check_columns(const std::vector<T>& v, const kaon::Tensor<T>& x, std::int64_t dim,
                   const std::vector<std::int64_t>& want) {
  CHECK(x.argmax(dim).to_vector() == want);
  CHECK((-x).argmin(dim).to_vector() == want);
  const auto [values, indices] = x.max(dim);
  CHECK(indices.to_vector() == want);
  // The flat place of want[k]: k splits into (before, after) dim; want[k] is the index on dim.
  const auto shape = x.shape();
  std::int64_t inner = 1;
  for (std::int64_t d = dim + 1; d < static_cast<std::int64_t>(shape.size()); ++d)
    inner *= shape[static_cast<std::size_t>(d)];
  const std::int64_t len = shape[static_cast<std::size_t>(dim)];
  const auto got = values.to_vector();
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    const auto o = static_cast<std::int64_t>(k) / inner, j = static_cast<std::int64_t>(k) % inner;
    const T at = v[static_cast<std::size_t>((o * len + want[k]) * inner + j)];
    if (std::isnan(static_cast<double>(at)))
      CHECK(std::isnan(static_cast<double>(got[k])));
    else
      CHECK(got[k] == at);
  }
}

TEST_CASE("Columns: max and argmax over the rows of a tall block, on every thread",
          "[ops][reduce][threads]") {
  ThreadCountGuard guard;
  const float nan = std::numeric_limits<float>::quiet_NaN(),
              inf = std::numeric_limits<float>::infinity();
  SECTION("narrow rows, in chunks of rows") {
    const std::int64_t rows = 200'000, cols = 3;
    auto v = background<float>(rows * cols);
    plant(v, 50'000 * cols + 0, 4.0f);  // a tie in a later chunk keeps the first
    plant(v, 150'000 * cols + 0, 4.0f);
    plant(v, 10 * cols + 1, 9.0f);  // the first NaN beats the largest value and a later NaN
    plant(v, 170'000 * cols + 1, nan);
    plant(v, 190'000 * cols + 1, nan);
    plant(v, 0 * cols + 2, inf);  // the first +inf
    plant(v, (rows - 1) * cols + 2, inf);
    const auto x = kaon::from_vector(v, {rows, cols});
    for (const int threads : {1, 2, 3}) {
      kaon::set_num_threads(threads);
      check_columns(v, x, 0, {50'000, 170'000, 0});
    }
  }
  SECTION("wide rows, in ranges of columns") {
    const std::int64_t rows = 300, cols = 2000;
    auto v = background<float>(rows * cols);
    std::vector<std::int64_t> want(static_cast<std::size_t>(cols));
    for (std::int64_t j = 0; j < cols; ++j) {
      const std::int64_t at = (j * 7) % rows;
      want[static_cast<std::size_t>(j)] = at;
      plant(v, at * cols + j, 3.0f);
      plant(v, (rows - 1) * cols + j, 3.0f);  // a tie at the end (or the answer itself)
    }
    plant(v, 100 * cols + 5, nan);
    plant(v, 200 * cols + 5, nan);
    want[5] = 100;
    const auto x = kaon::from_vector(v, {rows, cols});
    for (const int threads : {1, 2, 3}) {
      kaon::set_num_threads(threads);
      check_columns(v, x, 0, want);
    }
  }
}

TEST_CASE("Columns: max and argmax over a middle dim", "[ops][reduce]") {
  // [4, 50, 6] over dim 1: for block o, column j the answer is planted at row (o + 3 j) % 50,
  // with a tie at row 49 after it.
  const std::int64_t outer = 4, len = 50, inner = 6;
  auto v = background<double>(outer * len * inner);
  std::vector<std::int64_t> want;
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j) {
      const std::int64_t at = (o + 3 * j) % len;
      want.push_back(at);
      plant(v, (o * len + at) * inner + j, 2.0);
      plant(v, (o * len + len - 1) * inner + j, 2.0);
    }
  plant(v, (2 * len + 7) * inner + 4, std::numeric_limits<double>::quiet_NaN());
  want[2 * inner + 4] = 7;
  check_columns(v, kaon::from_vector(v, {outer, len, inner}), 1, want);

  // Integers: ties everywhere but one larger value per column.
  std::vector<std::int64_t> w(static_cast<std::size_t>(outer * len * inner), 1);
  std::vector<std::int64_t> want_w;
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j) {
      const std::int64_t at = (5 * o + j) % len;
      want_w.push_back(at);
      plant(w, (o * len + at) * inner + j, std::int64_t{3});
    }
  check_columns(w, kaon::from_vector(w, {outer, len, inner}), 1, want_w);
  // And every value equal: the first row.
  const std::vector<std::int64_t> same(static_cast<std::size_t>(outer * len * inner), 8);
  check_columns(same, kaon::from_vector(same, {outer, len, inner}), 1,
                std::vector<std::int64_t>(static_cast<std::size_t>(outer * inner), 0));
}

TEST_CASE("Bools: the first true, in one long slice and over rows", "[ops][reduce]") {
  const std::int64_t rows = 4000, cols = 100;  // 400,000: chunks on every thread
  auto x = kaon::zeros<bool>({rows * cols});
  CHECK(x.argmax().item() == 0);  // all false: the first
  x[300'000].fill_(true);
  x[350'000].fill_(true);
  CHECK(x.argmax().item() == 300'000);
  CHECK(x.max().item());
  // Rows 3000 and 3500 of column 0 are true; the other columns are all false.
  const auto [values, indices] = x.reshape({rows, cols}).max(0);
  std::vector<std::int64_t> want(static_cast<std::size_t>(cols), 0);
  want[0] = 3000;
  CHECK(indices.to_vector() == want);
  CHECK(values.to<std::int64_t>().sum().item() == 1);
}

}  // namespace long_slice_reduce_test
