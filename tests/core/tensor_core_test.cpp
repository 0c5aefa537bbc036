// SPDX-License-Identifier: MIT
// Tensor handles and storage: sharing, views, allocation, dtypes, accessors, versions, threads.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "support/thread_count_guard.hpp"

using kaon_test::ThreadCountGuard;

namespace {

using HostCache = kaon::detail::CachingAllocator<kaon::detail::raw_allocator<kaon::cpu>>;

/// 0, 1, ..., n-1 as floats, computed without kaon.
std::vector<float> iota_f(int n) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<float>(i);
  return v;
}

bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

}  // namespace

static_assert(std::is_same_v<kaon::Tensor<>, kaon::Tensor<float, kaon::cpu>>,
              "Tensor<> is a float tensor on the CPU, as torch's default dtype");

TEST_CASE("Copies of a tensor share its storage", "[core]") {
  auto a = kaon::zeros({3});
  auto b = a;
  CHECK(b.is_alias_of(a));
  CHECK(b.data_ptr() == a.data_ptr());
  b += 1;
  CHECK(a.to_vector() == std::vector<float>{1, 1, 1});

  SECTION("and so do assigned handles") {
    kaon::Tensor<float> c;
    CHECK_FALSE(c.defined());
    c = a;
    c.fill_(4.0f);
    CHECK(a.to_vector() == std::vector<float>{4, 4, 4});
  }
}

TEST_CASE("Views share storage and writes through them show in the base", "[core]") {
  const std::vector<float> init = iota_f(6);
  auto a = kaon::from_vector(init, {2, 3});
  std::vector<float> expected = init;

  SECTION("reshape of a contiguous tensor") {
    auto v = a.reshape({3, 2});
    CHECK(v.is_alias_of(a));
    v.fill_(7.0f);
    expected.assign(6, 7.0f);
  }
  SECTION("view and flatten") {
    auto v = a.view({6});
    auto f = a.flatten();
    CHECK(v.is_alias_of(a));
    CHECK(f.is_alias_of(a));
    v += 1.0f;
    f += 1.0f;
    for (auto& e : expected) e += 2.0f;
  }
  SECTION("transpose, t and permute") {
    auto v = a.transpose(0, 1);
    CHECK(v.is_alias_of(a));
    CHECK(a.t().is_alias_of(a));
    CHECK(a.permute({1, 0}).is_alias_of(a));
    v *= 2.0f;
    for (auto& e : expected) e *= 2.0f;
  }
  SECTION("slice") {
    auto v = a.slice(1, 1, 3);  // columns 1 and 2
    CHECK(v.is_alias_of(a));
    v.fill_(-1.0f);
    for (int r = 0; r < 2; ++r)
      for (int c = 1; c < 3; ++c) expected[static_cast<std::size_t>(r * 3 + c)] = -1.0f;
  }
  SECTION("select and operator[]") {
    auto row = a.select(0, 1);
    auto col = a.select(1, -1);
    CHECK(row.is_alias_of(a));
    CHECK(col.is_alias_of(a));
    CHECK(a[0].is_alias_of(a));
    row.fill_(5.0f);
    col -= 10.0f;
    for (int c = 0; c < 3; ++c) expected[static_cast<std::size_t>(3 + c)] = 5.0f;
    for (int r = 0; r < 2; ++r) expected[static_cast<std::size_t>(r * 3 + 2)] -= 10.0f;
  }
  SECTION("unsqueeze and squeeze") {
    auto u = a.unsqueeze(0);
    auto s = u.squeeze();
    auto s0 = u.squeeze(0);
    CHECK(u.is_alias_of(a));
    CHECK(s.is_alias_of(a));
    CHECK(s0.is_alias_of(a));
    u += 1.0f;
    s.select(1, 0).fill_(0.0f);
    for (auto& e : expected) e += 1.0f;
    expected[0] = expected[3] = 0.0f;
  }
  SECTION("detach") {
    auto d = a.detach();
    CHECK(d.is_alias_of(a));
    d.zero_();
    expected.assign(6, 0.0f);
  }

  CHECK(a.to_vector() == expected);
}

TEST_CASE("An expanded view shares storage and sees writes to its base", "[core]") {
  auto base = kaon::tensor<float>({1, 2, 3});
  const auto e = base.expand({4, 3});
  CHECK(e.is_alias_of(base));
  CHECK(e.shape() == kaon::Shape{4, 3});
  CHECK(e.stride(0) == 0);
  base.fill_(2.0f);
  CHECK(e.to_vector() == std::vector<float>(12, 2.0f));
}

TEST_CASE("clone and contiguous of a non-contiguous tensor do not share storage", "[core]") {
  auto a = kaon::from_vector(iota_f(6), {2, 3});
  const auto t = a.t();
  REQUIRE_FALSE(t.is_contiguous());

  auto c = t.contiguous();
  auto k = t.clone();
  CHECK(c.is_contiguous());
  CHECK_FALSE(c.is_alias_of(a));
  CHECK_FALSE(k.is_alias_of(a));
  CHECK(c.to_vector() == t.to_vector());
  CHECK(k.to_vector() == t.to_vector());
  c.fill_(-1.0f);
  k.fill_(-2.0f);
  CHECK(a.to_vector() == iota_f(6));

  SECTION("a non-contiguous reshape copies too") { CHECK_FALSE(t.reshape({6}).is_alias_of(a)); }
  SECTION("contiguous of a contiguous tensor is the tensor itself, clone is not") {
    CHECK(a.contiguous().is_alias_of(a));
    CHECK_FALSE(a.clone().is_alias_of(a));
  }
}

TEST_CASE("is_cuda and device say where a tensor lives, as torch's x.is_cuda and x.device",
          "[core]") {
  STATIC_REQUIRE_FALSE(kaon::Tensor<float>::is_cuda());
  const auto x = kaon::zeros<double>({2});
  CHECK_FALSE(x.is_cuda());
  CHECK(std::string(x.device()) == "cpu");
}

TEST_CASE("Fresh tensors are 64-byte aligned", "[core]") {
  for (std::int64_t n : {0, 1, 3, 17, 64, 1000, 4097, 100000}) {
    CAPTURE(n);
    CHECK(aligned64(kaon::empty<float>({n}).data_ptr()));
    CHECK(aligned64(kaon::zeros<double>({n}).data_ptr()));
    CHECK(aligned64(kaon::ones<std::int64_t>({n, 1}).data_ptr()));
    CHECK(aligned64(kaon::empty<bool>({1, n}).data_ptr()));
  }
}

TEST_CASE("The caching allocator hands a freed block to the next tensor of its size", "[core]") {
  auto& cache = HostCache::instance();
  constexpr std::int64_t n = 12347;  // an odd size no other live tensor is likely to have
  const std::size_t bytes = HostCache::round(n * sizeof(float));

  void* first = nullptr;
  std::size_t cached_while_live = 0;
  {
    const auto a = kaon::empty<float>({n});
    first = a.data_ptr();
    cached_while_live = cache.cached_bytes();
  }  // dropping `a` puts its block in the cache
  const std::size_t cached_while_free = cache.cached_bytes();
  CHECK(cached_while_free == cached_while_live + bytes);

  const auto b = kaon::empty<float>({n});
  CHECK(b.data_ptr() == first);
  CHECK(cache.cached_bytes() == cached_while_free - bytes);

  SECTION("and empty_cache returns every cached block") {
    { const auto c = kaon::empty<float>({n}); }
    CHECK(cache.cached_bytes() >= bytes);
    kaon::empty_cache();
    CHECK(cache.cached_bytes() == 0);
  }
}

TEST_CASE("Tensors of every element type round-trip through to_vector", "[core]") {
  SECTION("float") {
    const std::vector<float> v{1.5f, -2.0f, 0.0f, 3.25e-3f};
    const auto t = kaon::from_vector(v, {2, 2});
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(t)>, kaon::Tensor<float>>);
    CHECK(std::string(t.dtype_name()) == "float32");
    CHECK(t.to_vector() == v);
  }
  SECTION("double") {
    const std::vector<double> v{0.1, -1e300, 2.5};
    const auto t = kaon::from_vector(v);
    CHECK(std::string(t.dtype_name()) == "float64");
    CHECK(t.to_vector() == v);
    CHECK(kaon::tensor<double>({0.1, -1e300, 2.5}).to_vector() == v);
  }
  SECTION("int64") {
    const std::vector<std::int64_t> v{std::int64_t{1} << 40, -7, 0};
    const auto t = kaon::from_vector(v);
    CHECK(std::string(t.dtype_name()) == "int64");
    CHECK(t.to_vector() == v);
    const auto deduced = kaon::tensor({1, 2, 3});
    STATIC_REQUIRE(
        std::is_same_v<std::remove_cvref_t<decltype(deduced)>, kaon::Tensor<std::int64_t>>);
  }
  SECTION("bool") {
    const std::vector<bool> v{true, false, true, true};
    const auto t = kaon::from_vector(v, {4, 1});
    CHECK(std::string(t.dtype_name()) == "bool");
    CHECK(t.to_vector() == v);
    const auto deduced = kaon::tensor({true, false});
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(deduced)>, kaon::Tensor<bool>>);
    CHECK(deduced.to_vector() == std::vector<bool>{true, false});
  }
}

TEST_CASE("to and cast convert element types as C++ conversions do", "[core]") {
  const std::vector<float> v{2.7f, -2.7f, 0.5f, -0.5f, 3.0f, 0.0f};
  const auto x = kaon::from_vector(v);

  SECTION("float to double is exact") {
    const auto d = x.to<double>();
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(d)>, kaon::Tensor<double>>);
    const auto got = d.to_vector();
    REQUIRE(got.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i) CHECK(got[i] == static_cast<double>(v[i]));
  }
  SECTION("float to int64 truncates toward zero, as PyTorch does") {
    const auto i = x.cast<std::int64_t>();
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(i)>, kaon::Tensor<std::int64_t>>);
    const auto got = i.to_vector();
    REQUIRE(got.size() == v.size());
    for (std::size_t k = 0; k < v.size(); ++k)
      CHECK(got[k] == static_cast<std::int64_t>(std::trunc(v[k])));
  }
  SECTION("float to bool is true for every non-zero value") {
    const auto got = x.to<bool>().to_vector();
    REQUIRE(got.size() == v.size());
    for (std::size_t k = 0; k < v.size(); ++k) CHECK(got[k] == (v[k] != 0.0f));
  }
  SECTION("int64 and bool to float") {
    CHECK(kaon::tensor({-3, 0, 5}).to<float>().to_vector() == std::vector<float>{-3, 0, 5});
    CHECK(kaon::tensor({true, false}).cast<float>().to_vector() == std::vector<float>{1, 0});
  }
  SECTION("a conversion of a non-contiguous view reads it in row-major order") {
    const auto t = kaon::from_vector(v, {2, 3}).t();
    const auto got = t.cast<double>().to_vector();
    REQUIRE(got.size() == 6);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 2; ++c)
        CHECK(got[static_cast<std::size_t>(r * 2 + c)] ==
              static_cast<double>(v[static_cast<std::size_t>(c * 3 + r)]));
  }
  SECTION("to the same element type returns the tensor itself") {
    CHECK(x.to<float>().is_alias_of(x));
    CHECK(x.to<kaon::cpu>().is_alias_of(x));
  }
}

TEST_CASE("Accessors report shape, sizes, rank and element count", "[core]") {
  const auto x = kaon::zeros({2, 3, 4});
  CHECK(x.shape() == kaon::Shape{2, 3, 4});
  CHECK(x.strides() == kaon::Shape{12, 4, 1});
  CHECK(x.dim() == 3);
  CHECK(x.numel() == 24);
  CHECK(x.size(0) == 2);
  CHECK(x.size(-1) == 4);
  CHECK(x.size(-3) == 2);
  CHECK(x.stride(-2) == 4);
  CHECK(x.is_contiguous());
  CHECK(x.storage_offset() == 0);
  CHECK_THROWS_AS(x.size(3), kaon::ValueError);
  CHECK_THROWS_AS(x.size(-4), kaon::ValueError);

  const auto s = x.select(1, 2);
  CHECK(s.shape() == kaon::Shape{2, 4});
  CHECK(s.storage_offset() == 8);

  const auto scalar = kaon::tensor(7);
  CHECK(scalar.dim() == 0);
  CHECK(scalar.numel() == 1);
  CHECK(scalar.shape() == kaon::Shape{});
  CHECK(scalar.item() == 7);
  CHECK(scalar.item<float>() == 7.0f);
  CHECK(kaon::tensor<float>({{2.5f}}).item<float>() == 2.5f);
}

TEST_CASE("size and stride of a 0-d tensor reject every dim, as PyTorch's do", "[core]") {
  // torch.tensor(3.5).size(0) and .size(-1) raise "dimension specified as 0 but tensor has no
  // dimensions"; a 0-d tensor has no size to return.
  const auto scalar = kaon::tensor(3.5f);
  CHECK_THROWS_AS(scalar.size(0), kaon::ValueError);
  CHECK_THROWS_AS(scalar.size(-1), kaon::ValueError);
  CHECK_THROWS_AS(scalar.stride(0), kaon::ValueError);

  // A 0-d tensor made by select from a [3] tensor: size(0) must not report the dim it lost.
  const auto element = kaon::arange(3)[1];
  REQUIRE(element.dim() == 0);
  CHECK_THROWS_AS(element.size(0), kaon::ValueError);
}

TEST_CASE("In-place ops on non-contiguous views update the right elements", "[core]") {
  const std::vector<float> init = iota_f(12);
  auto x = kaon::from_vector(init, {3, 4});
  std::vector<float> expected = init;
  auto at = [&](int r, int c) -> float& { return expected[static_cast<std::size_t>(r * 4 + c)]; };

  SECTION("a strided column slice times a broadcast row") {
    auto v = x.slice(1, 0, 4, 2);  // columns 0 and 2
    REQUIRE_FALSE(v.is_contiguous());
    v *= kaon::tensor<float>({10, 100});
    for (int r = 0; r < 3; ++r) {
      at(r, 0) *= 10.0f;
      at(r, 2) *= 100.0f;
    }
  }
  SECTION("a transposed view plus another non-contiguous view") {
    auto v = x.slice(0, 0, 2).t();  // [4, 2]: rows 0 and 1, transposed
    const auto w = kaon::from_vector(iota_f(8), {2, 4}).t();
    REQUIRE_FALSE(v.is_contiguous());
    REQUIRE_FALSE(w.is_contiguous());
    v += w;
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 4; ++c) at(r, c) += static_cast<float>(r * 4 + c);
  }
  SECTION("fill_, zero_ and copy_ of a strided row slice") {
    x.slice(0, 0, 3, 2).fill_(-1.0f);                           // rows 0 and 2
    x.select(1, 3).zero_();                                     // column 3
    x.slice(1, 1, 3).select(0, 1).copy_(kaon::tensor({8, 9}));  // row 1, columns 1..2
    for (int c = 0; c < 4; ++c) at(0, c) = at(2, c) = -1.0f;
    for (int r = 0; r < 3; ++r) at(r, 3) = 0.0f;
    at(1, 1) = 8.0f;
    at(1, 2) = 9.0f;
  }
  SECTION("a division through a permuted 3-d view") {
    auto y = x.view({3, 2, 2}).permute({2, 0, 1});
    y /= 2.0f;
    for (auto& e : expected) e /= 2.0f;
  }

  CHECK(x.to_vector() == expected);
}

TEST_CASE("In-place ops increment the storage's version counter", "[core]") {
  auto a = kaon::zeros({2, 3});
  auto view = a.t();
  const auto v0 = a.version();

  a += 1.0f;
  CHECK(a.version() == v0 + 1);
  a.fill_(2.0f);
  CHECK(a.version() == v0 + 2);
  a.zero_();
  CHECK(a.version() == v0 + 3);
  a.copy_(kaon::ones({2, 3}));
  CHECK(a.version() == v0 + 4);
  a -= kaon::ones({3});
  a *= 2.0f;
  a /= 2.0f;
  CHECK(a.version() == v0 + 7);

  // Views share the counter with their base, as in PyTorch.
  view += 1.0f;
  CHECK(a.version() == v0 + 8);
  CHECK(view.version() == a.version());

  // Out-of-place ops and reads leave it alone.
  const auto b = a + 1.0f;
  const auto c = a.clone();
  CHECK(a.to_vector().size() == 6);
  CHECK(a.version() == v0 + 8);

  // A result of an op has its own counter, which in-place ops on `a` do not touch.
  const auto bv = b.version(), cv = c.version();
  a += 1.0f;
  CHECK(b.version() == bv);
  CHECK(c.version() == cv);
}

TEST_CASE("set_num_threads rejects a thread count below one", "[core]") {
  const ThreadCountGuard guard;
  const int before = kaon::get_num_threads();
  CHECK_THROWS_AS(kaon::set_num_threads(0), kaon::ValueError);
  CHECK_THROWS_WITH(kaon::set_num_threads(0), Catch::Contains("set_num_threads"));
  CHECK_THROWS_AS(kaon::set_num_threads(-2), kaon::ValueError);
  CHECK(kaon::get_num_threads() == before);
  kaon::set_num_threads(3);
  CHECK(kaon::get_num_threads() == 3);
}

TEST_CASE("A large element-wise op gives the same result on one thread and on several", "[core]") {
  const ThreadCountGuard guard;
  constexpr std::int64_t n = std::int64_t{1} << 20;
  kaon::manual_seed(3);
  const auto a = kaon::randn({n});
  const auto b = kaon::rand({1024, 1024});

  auto run = [&] {
    const auto dense = a * 1.5f + kaon::sin(a);                // contiguous: one flat loop
    const auto strided = b.t() * a.reshape({1024, 1024}) - b;  // transposed: the strided loop
    const auto row_sums = strided.sum(1);                      // split over rows
    return std::vector<std::vector<float>>{dense.to_vector(), strided.to_vector(),
                                           row_sums.to_vector()};
  };

  kaon::set_num_threads(1);
  const auto single = run();
  kaon::set_num_threads(4);
  const auto multi = run();
  REQUIRE(single.size() == multi.size());
  for (std::size_t i = 0; i < single.size(); ++i) {
    CAPTURE(i);
    CHECK(single[i] == multi[i]);
  }

  SECTION("and in-place updates of a large tensor agree too") {
    kaon::set_num_threads(1);
    auto x1 = a.clone();
    x1 *= 3.0f;
    x1 += a;
    kaon::set_num_threads(4);
    auto x4 = a.clone();
    x4 *= 3.0f;
    x4 += a;
    CHECK(x1.to_vector() == x4.to_vector());
  }
}

TEST_CASE("view of a non-contiguous tensor works when its strides allow it, as in PyTorch",
          "[core]") {
  const auto base = kaon::arange<float>(24).reshape({4, 6});
  const auto s = base.slice(1, 0, 3);  // shape [4, 3], strides [6, 1]
  const auto v = s.view({2, 2, 3});
  CHECK(v.is_alias_of(base));
  CHECK(v.to_vector() == s.contiguous().to_vector());
  CHECK(s.reshape({2, 2, 3}).is_alias_of(base));
  // Merging the split dims needs a copy: view refuses, reshape copies.
  CHECK_THROWS_AS(s.view({12}), kaon::ShapeError);
  const auto r = s.reshape({12});
  CHECK_FALSE(r.is_alias_of(base));
  CHECK(r.to_vector() == s.contiguous().to_vector());
}
