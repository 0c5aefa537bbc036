// SPDX-License-Identifier: MIT
// + - * / write their result into an expiring temporary operand's elements when nothing else
// shares them, autograd does not record the op, and the temporary already has the result's
// shape and type; otherwise they allocate as before. Either way the values are the same.
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <utility>
#include <vector>

namespace {

using kaon::Tensor;

/// A fresh [rows, cols] tensor of values that no op below turns into zeros or infinities.
template <class T = float>
Tensor<T> values(std::int64_t rows, std::int64_t cols, double shift) {
  return kaon::linspace<T>(1 + shift, 3 + shift, rows * cols).reshape({rows, cols});
}

template <class T>
bool same(const Tensor<T>& a, const Tensor<T>& b) {
  return a.shape() == b.shape() && a.to_vector() == b.to_vector();
}

/// Runs op on an expiring copy of `x` and checks that the result lives in that copy's elements,
/// that the copy's handle was moved from, and that the values equal op on the lvalue `x`.
template <class T, class Op>
void check_reused(const Tensor<T>& x, const Op& op) {
  const auto expected = op(x);  // an lvalue operand is never written to
  Tensor<T> tmp = x.clone();
  const T* block = tmp.data_ptr();
  const auto got = op(std::move(tmp));
  CHECK(got.data_ptr() == block);
  CHECK_FALSE(tmp.defined());  // NOLINT(bugprone-use-after-move): moved from, as documented
  CHECK(same(got, expected));
  CHECK(same(x, x.clone()));
}

}  // namespace

TEST_CASE("+ - * / reuse an expiring operand on either side, with tensors and scalars",
          "[ops][binary][reuse]") {
  const auto a = values(3, 4, 0), b = values(3, 4, 5);
  const auto row = values(1, 4, 2);
  check_reused(a, [&](auto&& x) { return std::forward<decltype(x)>(x) + b; });
  check_reused(a, [&](auto&& x) { return b - std::forward<decltype(x)>(x); });
  check_reused(a, [&](auto&& x) { return std::forward<decltype(x)>(x) * row; });
  check_reused(a, [&](auto&& x) { return row / std::forward<decltype(x)>(x); });
  check_reused(a, [&](auto&& x) { return std::forward<decltype(x)>(x) - 2.5f; });
  check_reused(a, [&](auto&& x) { return 2.5f - std::forward<decltype(x)>(x); });
  check_reused(a, [&](auto&& x) { return 3 * std::forward<decltype(x)>(x); });
  check_reused(a, [&](auto&& x) { return 1.0 / std::forward<decltype(x)>(x); });
  const auto d = values<double>(2, 5, 1);
  check_reused(d, [&](auto&& x) { return std::forward<decltype(x)>(x) / d; });
  const auto i = kaon::arange<std::int64_t>(0, 12).reshape({3, 4});
  check_reused(i, [&](auto&& x) { return std::forward<decltype(x)>(x) * 7 - i; });
}

TEST_CASE("A chain of temporaries gives the values of the same ops on named tensors",
          "[ops][binary][reuse]") {
  const auto u0 = 50 * values(100, 1, 0), theta = 0.4f * values(100, 1, 0.5);
  const auto t = kaon::linspace(0, 5, 1000);
  const auto y = u0 * kaon::sin(theta) * t - 4.9f * t * t;
  const auto s = kaon::sin(theta);
  const auto us = u0 * s;
  const auto ust = us * t;
  const auto tt = 4.9f * t;
  const auto tt2 = tt * t;
  CHECK(same(y, ust - tt2));
}

TEST_CASE("An operand that is shared, a view, an lvalue or of another type is left intact",
          "[ops][binary][reuse]") {
  const auto b = values(3, 4, 5);
  SECTION("another handle shares the storage") {
    auto x = values(3, 4, 0);
    const auto copy = x;
    const auto before = copy.clone();
    const auto r = std::move(x) + b;
    CHECK(r.data_ptr() != copy.data_ptr());
    CHECK(same(copy, before));
  }
  SECTION("a view shares the storage") {
    auto x = values(3, 4, 0);
    const auto view = x.slice(0, 1, 2);
    const auto before = view.clone();
    const auto r = std::move(x) * 2.0f;
    CHECK(same(view, before));
    CHECK(same(r, values(3, 4, 0) * 2.0f));
    CHECK(r.data_ptr() != view.data_ptr() - view.storage_offset());
  }
  SECTION("the expiring operand is not contiguous") {
    auto x = values(4, 3, 0).t();  // sole owner of its storage, strided
    const auto expected = x.contiguous() + b;
    const auto r = std::move(x) + b;
    CHECK(same(r, expected));
    CHECK(r.is_contiguous());
  }
  SECTION("the result is larger than the operand (broadcasting)") {
    auto x = values(3, 1, 0);
    const auto r = std::move(x) + b;
    CHECK(r.shape() == kaon::Shape{3, 4});
    CHECK(x.defined());  // NOLINT(bugprone-use-after-move): not taken, so still the operand
    CHECK(same(x, values(3, 1, 0)));
  }
  SECTION("the result has another element type") {
    auto x = kaon::arange<std::int64_t>(0, 6);
    const auto r = std::move(x) * 0.5;
    CHECK(std::string(r.dtype_name()) == "float32");
    CHECK(x.defined());  // NOLINT(bugprone-use-after-move)
    CHECK(x.to_vector() == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  }
}

TEST_CASE("Autograd is unchanged: recorded ops allocate, and no grad_fn is carried over",
          "[ops][binary][reuse][autograd]") {
  const auto w = values(2, 3, 0).requires_grad_();
  SECTION("a temporary that requires grad is recorded as before") {
    auto h = w * 3.0f;
    const float* block = h.data_ptr();
    const auto r = std::move(h) - 1.0f;
    CHECK(r.data_ptr() != block);
    REQUIRE(r.grad_fn() != nullptr);
    CHECK(std::string(r.grad_fn()->name()) == "SubBackward1");
    r.sum().backward();
    CHECK(same(w.grad(), kaon::full<float>({2, 3}, 3.0f)));
  }
  SECTION("under NoGradGuard a temporary with a grad_fn is not written to") {
    auto g = w * 3.0f;
    const float* block = g.data_ptr();
    kaon::NoGradGuard no_grad;
    const auto r = std::move(g) + 1.0f;
    CHECK(r.grad_fn() == nullptr);
    CHECK_FALSE(r.requires_grad());
    CHECK(r.data_ptr() != block);
    CHECK(same(r, w.detach() * 3.0f + 1.0f));
  }
}

TEST_CASE("A broadcasting error names the op and the shapes and leaves the operand intact",
          "[ops][binary][reuse][errors]") {
  auto x = values(3, 4, 0);
  const auto bad = values(2, 4, 0);
  REQUIRE_THROWS_WITH(std::move(x) - bad, Catch::Contains("sub") && Catch::Contains("[3, 4]") &&
                                              Catch::Contains("[2, 4]"));
  CHECK(x.defined());  // NOLINT(bugprone-use-after-move)
  CHECK(same(x, values(3, 4, 0)));
}
