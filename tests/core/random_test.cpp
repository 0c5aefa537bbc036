// SPDX-License-Identifier: MIT
// Random factories: seeding, rand/randn moments, randint range, randperm, thread independence.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <numeric>
#include <type_traits>
#include <vector>

#include "support/thread_count_guard.hpp"

using kaon_test::ThreadCountGuard;

namespace {

struct Moments {
  double mean, var;
};

/// Sample mean and (population) variance, accumulated in double outside kaon.
template <class T>
Moments moments(const std::vector<T>& v) {
  double sum = 0;
  for (T x : v) sum += static_cast<double>(x);
  const double mean = sum / static_cast<double>(v.size());
  double sq = 0;
  for (T x : v) sq += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
  return {mean, sq / static_cast<double>(v.size())};
}

}  // namespace

TEST_CASE("manual_seed makes rand, randn, randint and randperm reproducible", "[random]") {
  kaon::manual_seed(42);
  const auto r1 = kaon::rand({257}).to_vector();
  const auto n1 = kaon::randn<double>({3, 5}).to_vector();
  const auto i1 = kaon::randint(-4, 9, {100}).to_vector();
  const auto p1 = kaon::randperm(50).to_vector();

  kaon::manual_seed(42);
  CHECK(kaon::rand({257}).to_vector() == r1);
  CHECK(kaon::randn<double>({3, 5}).to_vector() == n1);
  CHECK(kaon::randint(-4, 9, {100}).to_vector() == i1);
  CHECK(kaon::randperm(50).to_vector() == p1);
}

TEST_CASE("Different seeds give different draws", "[random]") {
  kaon::manual_seed(1);
  const auto r1 = kaon::rand({100}).to_vector();
  const auto n1 = kaon::randn({100}).to_vector();
  const auto i1 = kaon::randint(0, 1000, {100}).to_vector();
  const auto p1 = kaon::randperm(100).to_vector();

  kaon::manual_seed(2);
  CHECK(kaon::rand({100}).to_vector() != r1);
  CHECK(kaon::randn({100}).to_vector() != n1);
  CHECK(kaon::randint(0, 1000, {100}).to_vector() != i1);
  CHECK(kaon::randperm(100).to_vector() != p1);
}

TEST_CASE("Successive draws after one seed differ, and reseeding replays them", "[random]") {
  kaon::manual_seed(7);
  const auto a = kaon::rand({100}).to_vector();
  const auto b = kaon::rand({100}).to_vector();
  const auto c = kaon::randn({100}).to_vector();
  const auto d = kaon::randn({100}).to_vector();
  const auto e = kaon::randint(0, 1000, {100}).to_vector();
  const auto f = kaon::randint(0, 1000, {100}).to_vector();
  const auto g = kaon::randperm(100).to_vector();
  const auto h = kaon::randperm(100).to_vector();
  CHECK(a != b);
  CHECK(c != d);
  CHECK(e != f);
  CHECK(g != h);

  kaon::manual_seed(7);
  CHECK(kaon::rand({100}).to_vector() == a);
  CHECK(kaon::rand({100}).to_vector() == b);
}

// With n = 200000 samples the standard error of the mean of U[0, 1) is sqrt(1/12 / n) = 6.5e-4
// and that of its variance sqrt((1/80 - 1/144) / n) = 1.7e-4, so the bounds below sit more
// than seven standard errors out.
TEMPLATE_TEST_CASE("rand draws uniformly from the half-open unit interval", "[random]", float,
                   double) {
  kaon::manual_seed(1234);
  const auto x = kaon::rand<TestType>({200000});
  STATIC_REQUIRE(std::is_same_v<typename decltype(x)::value_type, TestType>);
  REQUIRE(x.shape() == kaon::Shape{200000});
  const auto v = x.to_vector();
  CHECK(*std::min_element(v.begin(), v.end()) >= TestType(0));
  CHECK(*std::max_element(v.begin(), v.end()) < TestType(1));
  const Moments m = moments(v);
  CHECK(std::abs(m.mean - 0.5) < 0.005);
  CHECK(std::abs(m.var - 1.0 / 12.0) < 0.002);
}

// With n = 200000 the standard error of the mean of N(0, 1) is 1/sqrt(n) = 2.2e-3 and that of
// the standard deviation 1/sqrt(2n) = 1.6e-3: 0.01 is 4.5 and 6 standard errors.
TEMPLATE_TEST_CASE("randn draws from the standard normal", "[random]", float, double) {
  kaon::manual_seed(1234);
  const auto x = kaon::randn<TestType>({400, 500});
  STATIC_REQUIRE(std::is_same_v<typename decltype(x)::value_type, TestType>);
  REQUIRE(x.shape() == kaon::Shape{400, 500});
  const auto v = x.to_vector();
  CHECK(std::all_of(v.begin(), v.end(), [](TestType t) { return std::isfinite(t); }));
  const Moments m = moments(v);
  CHECK(std::abs(m.mean) < 0.01);
  CHECK(std::abs(std::sqrt(m.var) - 1.0) < 0.01);
}

// Each of the 10 values has probability 0.1; over n = 100000 draws its count has standard
// deviation sqrt(n * 0.1 * 0.9) = 95, so +-500 around 10000 is more than five of them.
TEST_CASE("randint draws every value from low up to high, and nothing else", "[random]") {
  kaon::manual_seed(99);
  const auto x = kaon::randint(-3, 7, {100000});
  STATIC_REQUIRE(std::is_same_v<typename decltype(x)::value_type, std::int64_t>);
  const auto v = x.to_vector();
  REQUIRE(*std::min_element(v.begin(), v.end()) == -3);
  REQUIRE(*std::max_element(v.begin(), v.end()) == 6);
  std::vector<std::int64_t> counts(10, 0);
  for (std::int64_t i : v) ++counts[static_cast<std::size_t>(i + 3)];
  for (std::int64_t c : counts) {
    CHECK(c > 9500);
    CHECK(c < 10500);
  }

  SECTION("randint(high) draws from [0, high)") {
    const auto y = kaon::randint(3, {1000}).to_vector();
    CHECK(*std::min_element(y.begin(), y.end()) == 0);
    CHECK(*std::max_element(y.begin(), y.end()) == 2);
  }
  SECTION("randint<float> gives float values that are integers in range") {
    const auto y = kaon::randint<float>(0, 4, {1000});
    STATIC_REQUIRE(std::is_same_v<typename decltype(y)::value_type, float>);
    const auto w = y.to_vector();
    CHECK(std::all_of(w.begin(), w.end(), [](float f) { return f == std::trunc(f); }));
    CHECK(*std::min_element(w.begin(), w.end()) == 0.0f);
    CHECK(*std::max_element(w.begin(), w.end()) == 3.0f);
  }
}

TEST_CASE("randperm(n) is a permutation of 0 .. n-1", "[random]") {
  kaon::manual_seed(5);
  for (std::int64_t n : {0, 1, 2, 10, 1000}) {
    const auto p = kaon::randperm(n);
    REQUIRE(p.shape() == kaon::Shape{n});
    auto v = p.to_vector();
    std::sort(v.begin(), v.end());
    std::vector<std::int64_t> expected(static_cast<std::size_t>(n));
    std::iota(expected.begin(), expected.end(), std::int64_t{0});
    CHECK(v == expected);
  }
  // A shuffle of 1000 elements that leaves them in order has probability 1 / 1000!.
  const auto v = kaon::randperm(1000).to_vector();
  CHECK_FALSE(std::is_sorted(v.begin(), v.end()));
}

TEMPLATE_TEST_CASE("rand_like and randn_like keep the shape and element type", "[random]", float,
                   double) {
  const auto x = kaon::zeros<TestType>({3, 4, 2});
  const auto u = kaon::rand_like(x);
  const auto n = kaon::randn_like(x);
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(u)>, kaon::Tensor<TestType>>);
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(n)>, kaon::Tensor<TestType>>);
  CHECK(u.shape() == x.shape());
  CHECK(n.shape() == x.shape());
  CHECK_FALSE(u.is_alias_of(x));
  const auto uv = u.to_vector();
  CHECK(*std::min_element(uv.begin(), uv.end()) >= TestType(0));
  CHECK(*std::max_element(uv.begin(), uv.end()) < TestType(1));

  SECTION("and draw what rand and randn of that shape draw") {
    kaon::manual_seed(11);
    const auto a = kaon::rand_like(x).to_vector();
    const auto b = kaon::randn_like(x).to_vector();
    kaon::manual_seed(11);
    CHECK(kaon::rand<TestType>({3, 4, 2}).to_vector() == a);
    CHECK(kaon::randn<TestType>({3, 4, 2}).to_vector() == b);
  }
}

TEST_CASE("A seeded draw does not depend on the thread count", "[random]") {
  const ThreadCountGuard guard;
  const kaon::Shape shape{std::int64_t{1} << 20};

  kaon::set_num_threads(1);
  kaon::manual_seed(2024);
  const auto u1 = kaon::rand(shape).to_vector();
  const auto n1 = kaon::randn<double>(shape).to_vector();
  const auto i1 = kaon::randint(0, 1 << 30, shape).to_vector();

  kaon::set_num_threads(2);
  kaon::manual_seed(2024);
  CHECK(kaon::rand(shape).to_vector() == u1);
  CHECK(kaon::randn<double>(shape).to_vector() == n1);
  CHECK(kaon::randint(0, 1 << 30, shape).to_vector() == i1);

  kaon::set_num_threads(4);
  kaon::manual_seed(2024);
  CHECK(kaon::rand(shape).to_vector() == u1);
}
